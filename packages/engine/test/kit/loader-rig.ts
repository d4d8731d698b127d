import { afterEach } from "vitest";
import { createDecisioningEngine, type DecisioningConfig, type DecisioningEngine } from "../../src/index.js";
import type { LoaderTuning } from "../../src/loader/loader.js";
import { startFakeCdn, type FakeCdn } from "@decisioning/testing/servers";
import { flagArtifact } from "./artifacts.js";
import { fastLoader } from "./engine.js";
import { recordEvents, recordLogs, type EventRecorder } from "./events.js";

/** An engine started by a {@link LoaderRig}, with what it emitted and logged. */
export interface RiggedEngine {
  engine: DecisioningEngine;
  events: EventRecorder;
  logs: ReturnType<typeof recordLogs>;
}

/** Fake CDNs and engines for loader tests; everything it starts is closed after each test. */
export interface LoaderRig {
  /** Run `cleanup` after the test (last registered, first run). */
  track(cleanup: () => Promise<void>): void;
  /** Serve `body` at `path` (default `/rules.json`) from the public kit's fake CDN. */
  serve(body?: unknown, options?: { path?: string }): Promise<FakeCdn>;
  /** Start an engine without waiting for it (for tests of readiness and refusals); closed after the test if it starts. */
  begin(
    server: FakeCdn,
    config?: Partial<DecisioningConfig>,
    tuning?: Partial<LoaderTuning>,
  ): Omit<RiggedEngine, "engine"> & { promise: Promise<DecisioningEngine> };
  /** An engine loading from the server, with the fast test loader, events and logs recorded. */
  startEngine(server: FakeCdn, config?: Partial<DecisioningConfig>, tuning?: Partial<LoaderTuning>): Promise<RiggedEngine>;
}

/**
 * Make a rig for one test file (call at module level: it registers an `afterEach`). `defaults`
 * apply to every engine it starts, under each call's own config.
 */
export function loaderRig(defaults: Partial<DecisioningConfig> = {}): LoaderRig {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()?.();
  });
  const begin: LoaderRig["begin"] = (server, config = {}, tuning = {}) => {
    const events = recordEvents();
    const logs = recordLogs();
    const promise = createDecisioningEngine(
      {
        client: "acme",
        artifactLocation: server.url(),
        pollingInterval: 60,
        // Generous, so a loaded CI machine never turns a fault under test into a timeout.
        artifactRequestTimeout: 2000,
        eventEmitter: events.emitter,
        logger: logs.logger,
        ...defaults,
        ...config,
      },
      fastLoader(tuning),
    );
    void promise.then(
      (engine) => cleanups.push(() => engine.close()),
      () => {},
    );
    return { promise, events, logs };
  };
  return {
    track: (cleanup) => void cleanups.push(cleanup),
    async serve(body = flagArtifact("v1"), { path = "/rules.json" } = {}) {
      const server = await startFakeCdn({ artifact: body, path });
      cleanups.push(() => server.close());
      return server;
    },
    begin,
    async startEngine(server, config = {}, tuning = {}) {
      const { promise, events, logs } = begin(server, config, tuning);
      return { engine: await promise, events, logs };
    },
  };
}
