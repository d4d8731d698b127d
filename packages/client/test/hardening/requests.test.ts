/**
 * Hostile calls to TargetClient: whatever JSON a server forwards (requests, cookies, visitor and
 * customer ids, mbox names), `getOffers`, `getAttributes` and `sendNotifications` resolve or
 * reject with a named error of this library, quickly, without touching a built-in prototype;
 * on-device, server-side (fake edge) and hybrid alike.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DecisioningError } from "@decisioning/engine";
import TargetClient, { TargetClientError, type FetchApi, type TargetClientOptions } from "@decisioning/client";
import {
  applyMutations,
  expectPrototypesUntouched,
  fullRequest,
  hostileJson,
  hostileKey,
  hostileString,
  materialize,
  deepValue,
  mutations,
  prototypeSnapshot,
  type Mutation,
  REQUEST_TIME_BOUND_MS,
  RUNS,
  timedAsync,
} from "../../../engine/test/hardening/hostile.js";
import { BASE_OPTIONS, demoArtifact } from "../kit/clients.js";

/** A fake edge in process: answers every Delivery API call from its body, without sockets. */
const edge: FetchApi = async (_url, init) => {
  let body: Record<string, any> = {};
  try {
    body = JSON.parse(init?.body ?? "{}");
  } catch {
    // The client only ever sends JSON; a failure here would show up as a wrong answer.
  }
  const mboxes = (list: unknown) =>
    Array.isArray(list) ? list.map((m: any, i) => ({ index: m?.index ?? i, name: m?.name, options: [{ type: "json", content: { edge: true } }] })) : undefined;
  const answer = {
    status: 200,
    requestId: body.requestId,
    client: "acmeclient",
    id: body.id ?? { tntId: "edge-tnt" },
    edgeHost: "mboxedge35.tt.omtrdc.net",
    ...(body.execute ? { execute: { mboxes: mboxes(body.execute.mboxes) } } : {}),
    ...(body.prefetch ? { prefetch: { mboxes: mboxes(body.prefetch.mboxes) } } : {}),
  };
  return new Response(JSON.stringify(answer), { status: 200, headers: { "content-type": "application/json" } }) as never;
};

const clients: Record<string, TargetClient> = {};

function create(options: Partial<TargetClientOptions>): Promise<TargetClient> {
  return new Promise((resolve) => {
    const client: TargetClient = TargetClient.create({
      ...BASE_OPTIONS,
      fetchApi: edge,
      targetLocationHint: "35",
      ...options,
      events: { clientReady: () => resolve(client) },
    });
  });
}

beforeAll(async () => {
  clients["on-device"] = await create({ decisioningMethod: "on-device", artifactPayload: demoArtifact() });
  clients["server-side"] = await create({ decisioningMethod: "server-side" });
  clients.hybrid = await create({ decisioningMethod: "hybrid", artifactPayload: demoArtifact() });
});

afterAll(async () => {
  await Promise.all(Object.values(clients).map((client) => client.close()));
});

/** Cookie-shaped strings: `name#value#expiry|…` and `KEY|value|…`, with hostile parts. */
const cookie = fc.oneof(
  hostileString,
  fc
    .array(fc.tuple(fc.oneof(hostileKey, fc.constantFrom("session", "PC", "MCMID", "MCAAMLH-1", "MCAAMB-1", "MCIDTS")), hostileString, fc.integer()), {
      maxLength: 6,
    })
    .map((parts) => parts.map(([name, value, expiry]) => `${name}#${value}#${expiry}`).join("|")),
  fc.array(fc.oneof(hostileKey, hostileString), { maxLength: 10 }).map((parts) => parts.join("|")),
);

const names = ["demo-checkout-experiment", "demo-engineering-flags", "demo-hero-banner", "demo-recommendations"];
const base = fullRequest(names, ["home"]);
delete base.trace;

/** A full request with mutations, applied when the call is made (so counterexamples print small). */
class Mutated {
  constructor(readonly list: Mutation[]) {}

  [fc.toStringMethod](): string {
    return `applyMutations(fullRequest(), ${fc.stringify(this.list)})`;
  }
}

/** Call options a server might assemble from an attacker's request (build them with {@link built}). */
const callOptions = fc.oneof(
  { weight: 1, arbitrary: hostileJson },
  {
    weight: 4,
    arbitrary: fc.record(
      {
        request: fc.oneof(
          hostileJson,
          mutations.map((list) => new Mutated(list)),
        ),
        visitorCookie: cookie,
        targetCookie: cookie,
        targetLocationHint: hostileString,
        consumerId: hostileString,
        customerIds: fc.oneof(hostileJson, deepValue),
        sessionId: hostileString,
        decisioningMethod: fc.oneof(fc.constantFrom("on-device", "server-side", "hybrid"), hostileString),
      },
      { requiredKeys: ["request"] },
    ),
  },
);

/** The options with mutated requests and deep values built. */
function built(options: unknown): unknown {
  if (typeof options !== "object" || options === null || Array.isArray(options)) return options;
  const given = options as Record<string, unknown>;
  if (!(given.request instanceof Mutated) && !("customerIds" in given)) return options;
  const out: Record<string, unknown> = { ...given };
  if (given.request instanceof Mutated) out.request = applyMutations(base, given.request.list);
  if ("customerIds" in given) out.customerIds = materialize(given.customerIds);
  return out;
}

/** The outcome contract of every call. */
async function expectAnswerOrNamedError(call: () => Promise<unknown>): Promise<void> {
  const before = prototypeSnapshot();
  const outcome = await timedAsync(async () => {
    const result = (await call()) as { response?: unknown; toJSON?: () => unknown };
    JSON.stringify(result?.response ?? result?.toJSON?.());
    return result;
  });
  expect(outcome.ms, "call time (ms)").toBeLessThan(REQUEST_TIME_BOUND_MS);
  if (outcome.error !== undefined) {
    const error = outcome.error as Error;
    const named = error instanceof TargetClientError || error instanceof DecisioningError;
    expect(named, String(error?.stack ?? error)).toBe(true);
    expect(error.message.length).toBeGreaterThan(0);
    expect((error as { code?: unknown }).code).toBeTypeOf("string");
  }
  expectPrototypesUntouched(before);
}

describe.each(["on-device", "server-side", "hybrid"])("a %s client on hostile input", (method) => {
  const client = () => clients[method] as TargetClient;

  it("answers getOffers or rejects with a named error", async () => {
    await fc.assert(
      fc.asyncProperty(callOptions, (options) => expectAnswerOrNamedError(() => client().getOffers(built(options) as never))),
      { numRuns: RUNS },
    );
  });

  it("answers getAttributes or rejects with a named error", async () => {
    const mboxNames = fc.oneof(hostileJson, fc.array(fc.oneof(fc.constantFrom(...names), hostileString), { maxLength: 5 }));
    await fc.assert(
      fc.asyncProperty(mboxNames, fc.option(callOptions), (list, options) =>
        expectAnswerOrNamedError(async () => {
          const attributes = await client().getAttributes(list as never, built(options ?? undefined) as never);
          // Reading attributes of hostile names must not throw either.
          for (const name of Array.isArray(list) ? list : []) {
            attributes.getValue(name as string, "searchProviderId");
            attributes.asObject(name as string);
          }
          return attributes;
        }),
      ),
      { numRuns: RUNS },
    );
  });

  it("sends notifications or rejects with a named error", async () => {
    await fc.assert(
      fc.asyncProperty(callOptions, hostileJson, (options, notifications) => {
        const made = built(options);
        const given = typeof made === "object" && made !== null ? (made as Record<string, unknown>) : {};
        const request = typeof given.request === "object" && given.request !== null ? { ...(given.request as object), notifications } : given.request;
        return expectAnswerOrNamedError(() => client().sendNotifications({ ...given, request } as never));
      }),
      { numRuns: Math.floor(RUNS / 2) },
    );
  });
});
