import { createArtifactLoader, type LoaderTuning } from "../../src/loader/loader.js";
import type { LoaderFactory } from "../../src/index.js";

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
