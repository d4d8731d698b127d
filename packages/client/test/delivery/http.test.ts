import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FetchApi } from "@decisioning/engine";
import { deliveryHeaders, deliveryUrl, isRetriableDeliveryFailure, postDelivery, targetHost, type DeliveryTransport } from "../../src/delivery/http.js";
import { ClientErrorCode, DeliveryApiError } from "../../src/errors.js";
import { clientPlatformOf } from "../../src/platform.js";
import { SDK_VERSION } from "../../src/version.js";
import { fault, startFakeDeliveryApi, type FakeDeliveryApi } from "@decisioning/testing/servers";

let target: FakeDeliveryApi;
beforeEach(async () => {
  target = await startFakeDeliveryApi();
});
afterEach(async () => {
  await target.close();
});

function transport(overrides: Partial<DeliveryTransport> = {}): DeliveryTransport {
  return { fetchApi: fetch as unknown as FetchApi, timeout: 2000, retries: 2, platform: clientPlatformOf(), ...overrides };
}

const url = () => deliveryUrl(`http://${target.host}`, { client: "acme", sessionId: "s 1", version: "1.2.3", imsOrgId: "o@AdobeOrg" });

describe("targetHost", () => {
  it("prefers the edge cluster, then serverDomain, then {client}.tt.omtrdc.net", () => {
    expect(targetHost("proxy.example", "35", "acme", true)).toBe("https://mboxedge35.tt.omtrdc.net");
    expect(targetHost("127.0.0.1:8080", undefined, "acme", false)).toBe("http://127.0.0.1:8080");
    expect(targetHost(undefined, undefined, "acme", undefined)).toBe("https://acme.tt.omtrdc.net");
  });
});

describe("postDelivery", () => {
  it("POSTs JSON to /rest/v1/delivery with client, sessionId, version and imsOrgId in the query", async () => {
    const { response, timings } = await postDelivery(transport(), url(), deliveryHeaders("x-1"), { requestId: "r-1" });
    const [received] = target.requests;
    expect(received?.method).toBe("POST");
    expect(received?.path).toBe("/rest/v1/delivery");
    expect(received?.query).toEqual({ client: "acme", sessionId: "s 1", version: "1.2.3", imsOrgId: "o@AdobeOrg" });
    expect(received?.headers["content-type"]).toBe("application/json");
    expect(received?.headers["x-exc-sdk-version"]).toBe(SDK_VERSION);
    expect(received?.headers["x-request-id"]).toBe("x-1");
    expect(received?.json).toEqual({ requestId: "r-1" });
    expect(response.requestId).toBe("r-1");
    expect(timings.responseSize).toBeGreaterThan(0);
    expect(timings.timeToFirstByte).toBeGreaterThanOrEqual(0);
  });

  it("reads 204 No Content as an empty response", async () => {
    target.failAlways(fault.status(204));
    await expect(postDelivery(transport(), url(), {}, {})).resolves.toMatchObject({ response: {} });
  });

  it("rejects a 4xx at once, without retrying, carrying status and the server's message", async () => {
    target.failAlways(fault.status(400, { status: 400, message: "Invalid request: client missing" }));
    const error = await postDelivery(transport(), url(), {}, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryApiError);
    expect(error).toMatchObject({
      code: ClientErrorCode.DeliveryHttpError,
      status: 400,
      body: { status: 400, message: "Invalid request: client missing" },
      message: "Delivery API request failed with HTTP 400 Bad Request: Invalid request: client missing",
    });
    expect(target.requests).toHaveLength(1);
  });

  it("retries 502/503/504 and succeeds when the edge recovers", async () => {
    target.fail(fault.status(503, { status: 503, message: "busy" }), 2);
    await expect(postDelivery(transport(), url(), {}, { requestId: "r" })).resolves.toMatchObject({ response: { requestId: "r" } });
    expect(target.requests).toHaveLength(3);
  });

  it("gives up on a 5xx after the configured retries", async () => {
    target.failAlways(fault.status(502));
    await expect(postDelivery(transport({ retries: 1 }), url(), {}, {})).rejects.toMatchObject({ code: ClientErrorCode.DeliveryHttpError, status: 502 });
    expect(target.requests).toHaveLength(2);
  });

  it("does not retry a 500, which the edge may have half-processed", async () => {
    target.failAlways(fault.status(500));
    await expect(postDelivery(transport(), url(), {}, {})).rejects.toMatchObject({ status: 500 });
    expect(target.requests).toHaveLength(1);
  });

  it("rejects with 'Request timed out' once the timeout has passed, retries included", async () => {
    target.failAlways(fault.delay(1000));
    const started = Date.now();
    const error = await postDelivery(transport({ timeout: 100 }), url(), {}, {}).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(900);
    expect(error).toMatchObject({ name: "DeliveryApiError", code: ClientErrorCode.DeliveryTimeout, message: "Request timed out" });
  });

  it("reports an unreachable edge as a network error after retrying", async () => {
    const closed = await startFakeDeliveryApi();
    const deadUrl = `http://${closed.host}/rest/v1/delivery`;
    await closed.close();
    const attempts: string[] = [];
    const counting: FetchApi = (input, init) => {
      attempts.push(input);
      return fetch(input, init);
    };
    await expect(postDelivery(transport({ fetchApi: counting }), deadUrl, {}, {})).rejects.toMatchObject({ code: ClientErrorCode.DeliveryNetworkError });
    expect(attempts).toHaveLength(3);
  });

  it("rejects a 200 whose body is not a JSON object", async () => {
    target.failAlways(fault.body("<html>"));
    await expect(postDelivery(transport(), url(), {}, {})).rejects.toMatchObject({ code: ClientErrorCode.DeliveryInvalidResponse });
    target.failAlways(fault.body([1, 2]));
    await expect(postDelivery(transport(), url(), {}, {})).rejects.toMatchObject({ code: ClientErrorCode.DeliveryInvalidResponse });
  });
});

describe("isRetriableDeliveryFailure", () => {
  const http = (status: number) => new DeliveryApiError(ClientErrorCode.DeliveryHttpError, `HTTP ${status}`, { url: "u", status });
  it.each([
    [new DeliveryApiError(ClientErrorCode.DeliveryNetworkError, "refused", { url: "u" }), true],
    [new DeliveryApiError(ClientErrorCode.DeliveryTimeout, "Request timed out", { url: "u" }), true],
    [http(408), true],
    [http(429), true],
    [http(502), true],
    [http(503), true],
    [http(504), true],
    [http(500), false],
    [http(400), false],
    [http(404), false],
    [new DeliveryApiError(ClientErrorCode.DeliveryInvalidResponse, "not JSON", { url: "u", status: 200 }), false],
    [new TypeError("boom"), false],
    ["a string", false],
  ])("classifies %s as retriable: %s", (error, retriable) => {
    expect(isRetriableDeliveryFailure(error)).toBe(retriable);
  });
});
