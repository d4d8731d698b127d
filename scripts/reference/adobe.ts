// Adobe's packages, used here as test oracles only (dev dependencies): neither ships types, so
// what the scripts call of them is declared here and nowhere else. Loaded with require() when
// first asked for, as they are CommonJS.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** The reference's configuration, as far as the scripts set it (a test's `conf` may add more). */
export interface ReferenceConfig {
  client: string;
  organizationId?: string;
  artifactPayload?: unknown;
  pollingInterval?: number;
  telemetryEnabled?: boolean;
  /** A plain function: the reference ignores an `async function`. */
  fetchApi?: (url: string, init?: { headers?: Record<string, string> }) => Promise<unknown>;
  parseDomainImpl?: (host: string) => unknown;
  sendNotificationFunc?: (payload: ReferencePayload) => Promise<void>;
  eventEmitter?: (name: string, payload: unknown) => void;
  logger?: { debug(...args: unknown[]): void; error(...args: unknown[]): void };
  [option: string]: unknown;
}

/** What the reference hands `sendNotificationFunc`: the Delivery API request it would send. */
export interface ReferencePayload {
  request: Record<string, unknown>;
}

/** An engine of `@adobe/target-decisioning-engine` 1.9.3. */
export interface ReferenceEngine {
  getOffers(options: unknown): Promise<unknown>;
  hasRemoteDependency(request: unknown): unknown;
  getRawArtifact(): unknown;
  isReady(): boolean;
  stopPolling(): void;
}

/** Its telemetry provider, passed through to the engine unopened. */
export type TelemetryProvider = { readonly __brand: "TelemetryProvider" };

/** `@adobe/target-decisioning-engine`'s default export. */
export type ReferenceEngineFactory = (config: ReferenceConfig, telemetry: TelemetryProvider) => Promise<ReferenceEngine>;

/** What the scripts use of `@adobe/target-tools` 1.7.2. */
export interface TargetTools {
  /** The Public Suffix List domain parser that Adobe's Node SDK configures. */
  parseDomainPsl(host: string): { subdomain?: string; domain?: string; topLevelDomain?: string };
  TelemetryProvider(enabled: boolean | undefined, method: string): TelemetryProvider;
  /** MurmurHash3 (32-bit, signed) over UTF-16 code units: what the reference allocates visitors with. */
  hashUnencodedChars(text: string): number;
}

/** Adobe's decisioning engine factory. */
export function referenceEngineFactory(): ReferenceEngineFactory {
  return require("@adobe/target-decisioning-engine") as ReferenceEngineFactory;
}

/** Adobe's tools package. */
export function targetTools(): TargetTools {
  return require("@adobe/target-tools") as TargetTools;
}
