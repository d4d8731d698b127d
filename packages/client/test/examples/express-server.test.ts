import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import TargetClient from "@decisioning/client";
// @ts-expect-error: the example is plain JavaScript, without typings.
import { createApp } from "../../../../examples/express-server/app.mjs";
import { startFakeDeliveryApi, type FakeDeliveryApi } from "@decisioning/testing/servers";
import { BASE_OPTIONS, demoArtifact, localServer, readyClient, reroutingFetch } from "../kit/clients.js";

let target: FakeDeliveryApi;
let server: Server | undefined;
let client: TargetClient | undefined;
beforeEach(async () => {
  target = await startFakeDeliveryApi();
});
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  await client?.close();
  await target.close();
});

async function serve(targetClient: TargetClient): Promise<string> {
  client = targetClient;
  server = createServer(createApp({ TargetClient, client: targetClient, organizationId: BASE_OPTIONS.organizationId }));
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Cookies from Set-Cookie headers, as a browser would send them back. */
function cookiesOf(response: Response): Record<string, string> {
  return Object.fromEntries(response.headers.getSetCookie().map((line) => line.split(";")[0]?.split("=") as [string, string]));
}

const cookieHeader = (cookies: Record<string, string>) =>
  Object.entries(cookies)
    .map(([name, value]) => `${name}=${value}`)
    .join("; ");

describe("examples/express-server", () => {
  it("serves on-device flags, sets the mbox cookie, and keeps a returning visitor in its experiences", async () => {
    const { client: onDevice } = await readyClient({
      ...localServer(target),
      decisioningMethod: "on-device",
      artifactPayload: demoArtifact(),
      targetLocationHint: "",
    });
    const base = await serve(onDevice);

    const first = await fetch(`${base}/api/flags`);
    const firstBody = (await first.json()) as { searchProviderId: number; tntId: string; checkout: unknown; decisioningMethod: string };
    expect(firstBody).toMatchObject({ searchProviderId: 143, cdnHostname: "cdn.cloud.corp.net", decisioningMethod: "on-device" });
    const cookies = cookiesOf(first);
    const mbox = decodeURIComponent(cookies.mbox ?? "");
    expect(mbox).toMatch(new RegExp(`^session#[0-9a-f]{32}#\\d+\\|PC#${firstBody.tntId}#\\d+$`));
    expect(first.headers.getSetCookie()[0]).toMatch(/Max-Age=6324480\d/);

    const again = await fetch(`${base}/api/flags`, { headers: { cookie: cookieHeader(cookies) } });
    const againBody = (await again.json()) as typeof firstBody;
    expect(againBody.tntId).toBe(firstBody.tntId);
    expect(againBody.checkout).toEqual(firstBody.checkout);
    expect(
      decodeURIComponent(cookiesOf(again).mbox ?? "")
        .split("|")[0]
        ?.split("#")[1],
    ).toBe(mbox.split("|")[0]?.split("#")[1]);
  });

  it("passes the AMCV and mbox cookies to the edge and writes back the edge cluster", async () => {
    const { fetchApi } = reroutingFetch(target);
    const { client: serverSide } = await readyClient({ ...localServer(target), fetchApi });
    target.setOffers({ "demo-hero-banner": { headline: "From <the> edge" } });
    target.respondWith((_call, answer) => ({ ...answer(), edgeHost: "mboxedge31.tt.omtrdc.net" }));
    const base = await serve(serverSide);
    const amcv = `${TargetClient.getVisitorCookieName(BASE_OPTIONS.organizationId)}=${encodeURIComponent("MCMID|mcid-42")}`;
    const mbox = `mbox=${encodeURIComponent(`session#s-42#${Math.ceil(Date.now() / 1000) + 600}`)}`;

    const page = await fetch(`${base}/`, { headers: { cookie: `${amcv}; ${mbox}`, "user-agent": "test-browser" } });
    const html = await page.text();
    expect(html).toContain("<h1>From &lt;the&gt; edge</h1>");
    const [received] = target.calls;
    expect(received?.query.sessionId).toBe("s-42");
    expect(received?.request.id?.marketingCloudVisitorId).toBe("mcid-42");
    expect(received?.request.context).toMatchObject({ channel: "web", userAgent: "test-browser", address: { url: `${base}/` } });
    expect(cookiesOf(page).mboxEdgeCluster).toBe("31");
  });
});
