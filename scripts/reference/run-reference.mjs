// Runs Adobe's reference engine (@adobe/target-decisioning-engine 1.9.3, a dev dependency used
// only as a test oracle) the way its Node SDK configures it: Public Suffix List domain parsing.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const ReferenceEngine = require("@adobe/target-decisioning-engine");
const tools = require("@adobe/target-tools");

const RealDate = Date;

/** Freeze `Date` (constructor without arguments and `Date.now`) at `ms` while `fn` runs. */
export async function withFrozenDate(ms, fn) {
  if (ms === undefined) return fn();
  class FrozenDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(ms);
      else super(...args);
    }
    static now() {
      return ms;
    }
  }
  globalThis.Date = FrozenDate;
  try {
    return await fn();
  } finally {
    globalThis.Date = RealDate;
  }
}

/**
 * Decide `input` with the reference. Returns `{response, notifications, error}`; the
 * notification payloads are those its `sendNotificationFunc` received.
 */
export async function decideWithReference({ conf, artifact, input, nowMs, mockGeo }) {
  const notifications = [];
  return withFrozenDate(nowMs, async () => {
    // A plain function: the reference ignores `async` fetch implementations.
    const fetchApi = (url) =>
      Promise.resolve({
        ok: true,
        status: 200,
        headers: { get: () => null },
        json: () => Promise.resolve(String(url).endsWith("/v1/geo") ? (mockGeo ?? {}) : artifact),
      });
    const engine = await ReferenceEngine(
      {
        ...conf,
        artifactPayload: artifact,
        fetchApi,
        parseDomainImpl: tools.parseDomainPsl,
        sendNotificationFunc: async (payload) => {
          notifications.push(JSON.parse(JSON.stringify(payload)));
        },
      },
      tools.TelemetryProvider(conf.telemetryEnabled, "on-device"),
    );
    try {
      const response = await engine.getOffers(structuredClone(input));
      // Notifications go out on a zero-delay timer.
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { response: JSON.parse(JSON.stringify(response)), notifications };
    } catch (error) {
      return { error: String(error?.message ?? error), notifications };
    } finally {
      engine.stopPolling();
    }
  });
}

/** Milliseconds for a conformance-style `mockDate`. */
export function mockDateToMs(mock) {
  if (!mock) return undefined;
  const m = { hours: 0, minutes: 0, seconds: 0, ...mock };
  return Date.UTC(m.year, m.month, m.date, m.hours, m.minutes, m.seconds);
}
