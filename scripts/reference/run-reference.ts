// Runs Adobe's reference engine (@adobe/target-decisioning-engine 1.9.3, a dev dependency used
// only as a test oracle) the way its Node SDK configures it: Public Suffix List domain parsing.
import { type ReferenceConfig, referenceEngineFactory, targetTools } from "./adobe.js";

const ReferenceEngine = referenceEngineFactory();
const tools = targetTools();

const RealDate = Date;
/** Date's constructor as it behaves: any arguments, passed on (its typed overloads cannot be spread into). */
const DateBase = RealDate as unknown as new (...args: unknown[]) => Date;

/** Freeze `Date` (constructor without arguments and `Date.now`) at `ms` while `fn` runs. */
export async function withFrozenDate<T>(ms: number | undefined, fn: () => Promise<T>): Promise<T> {
  if (ms === undefined) return fn();
  const frozen = ms;
  class FrozenDate extends DateBase {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(frozen);
      else super(...args);
    }
    static now() {
      return frozen;
    }
  }
  globalThis.Date = FrozenDate as unknown as DateConstructor;
  try {
    return await fn();
  } finally {
    globalThis.Date = RealDate;
  }
}

/** A case for the reference: the engine's `conf`, the artifact, the `getOffers` options, the clock and the geo answer. */
export interface ReferenceCase {
  conf: ReferenceConfig;
  artifact: unknown;
  input: unknown;
  nowMs?: number;
  mockGeo?: unknown;
}

/** What the reference answered (as JSON) or the message it failed with, and the notification payloads it sent. */
export interface ReferenceResult {
  response?: unknown;
  error?: string;
  notifications: unknown[];
}

/**
 * Decide `input` with the reference. Returns `{response, notifications, error}`; the
 * notification payloads are those its `sendNotificationFunc` received.
 */
export async function decideWithReference({ conf, artifact, input, nowMs, mockGeo }: ReferenceCase): Promise<ReferenceResult> {
  const notifications: unknown[] = [];
  return withFrozenDate(nowMs, async () => {
    // A plain function: the reference ignores `async` fetch implementations.
    const fetchApi = (url: string) =>
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
      return { error: String((error as Error | undefined)?.message ?? error), notifications };
    } finally {
      engine.stopPolling();
    }
  });
}
