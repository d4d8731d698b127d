import { createArtifactLoader, type LoaderTuning } from "../../src/loader/loader.js";
import type { FetchApi, LoaderFactory } from "../../src/index.js";

/** Loader tuning for tests: no polling floor and backoff in tens of ms. */
export const FAST_TUNING: LoaderTuning = {
  minimumPollingInterval: 0,
  initialBackoff: { initialMs: 10, maxMs: 40 },
  refreshBackoff: { initialMs: 20, maxMs: 80 },
  initialRetries: 10,
};

/**
 * A loader factory for `createDecisioningEngine(config, fastLoader())`: the real loader with
 * test tuning, so `pollingInterval: 100` polls every 100 ms (users cannot go under 300000).
 */
export function fastLoader(tuning: Partial<LoaderTuning> = {}): LoaderFactory {
  return (deps) => createArtifactLoader({ ...deps, tuning: { ...FAST_TUNING, ...tuning, ...deps.tuning } });
}

/**
 * The global fetch, counting calls: counts requests the engine issued, which a server-side count
 * cannot do exactly (a request sent just before a stop may reach the server after it).
 */
export function countingFetch(): { fetchApi: FetchApi; count(): number } {
  let calls = 0;
  return {
    fetchApi: (url, init) => {
      calls += 1;
      return fetch(url, init as RequestInit) as unknown as ReturnType<FetchApi>;
    },
    count: () => calls,
  };
}
