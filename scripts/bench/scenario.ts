/**
 * Scenarios 1 to 4, one at a time: both SDKs (and for 1 to 3 our synchronous decider) one
 * after the other on the same requests, in this process. The orchestrator runs each scenario
 * in a fresh process of its own, as code V8 optimized for one scenario's artifact and requests
 * would otherwise slow the next one down, as no server would see.
 *
 * Usage: node --import ./scripts/lib/ts.mjs scripts/bench/scenario.ts <scenario id> [--time 2000]
 */
import { parseArgs } from "node:util";
import type { Artifact } from "../../packages/engine/dist/index.js";
import { isMain, printResult } from "./child.js";
import { type BenchClient, ourClient, ourDecider, ourEngine, referenceClient, referenceEngine, SETTLE_EVERY } from "./engines.js";
import type { ScenarioResult } from "./results.js";
import { ATTRIBUTES_ID, attributesScenario, readJson, type Scenario, scenarioById } from "./scenarios.js";
import { measure } from "./timing.js";

const ratio = (result: ScenarioResult): string => `${(result.ours.hz / result.reference.hz).toFixed(1)}x`;

/** Scenarios 1 to 3: both engines and our synchronous decider, each call a fresh request with a new visitor. */
export async function runEngineScenario(scenario: Scenario, time: number): Promise<ScenarioResult> {
  const artifact = readJson<Artifact>(scenario.artifactPath);
  const ours = await ourEngine(artifact, scenario.client);
  const sync = await ourDecider(artifact, scenario.client);
  const reference = await referenceEngine(artifact, scenario.client);
  const result: ScenarioResult = {
    id: scenario.id,
    title: scenario.title,
    ours: await measure(`ours ${scenario.id}`, () => ours.decide(scenario.request()), time),
    sync: await measure(`ours-sync ${scenario.id}`, () => sync.decide(scenario.request()), time),
    reference: await measure(`reference ${scenario.id}`, () => reference.decide(scenario.request()), time),
  };
  await Promise.all([ours.close(), reference.close()]);
  console.error(`${scenario.id}: ours ${Math.round(result.ours.hz)} ops/s, reference ${Math.round(result.reference.hz)} ops/s, ${ratio(result)}`);
  return result;
}

/** Every `every` calls, untimed: let the client's background work (its notifications) finish. */
const settling = (client: BenchClient, every: number) => {
  let calls = 0;
  return { afterEach: async () => (++calls % every === 0 ? client.settled() : undefined) };
};

/** Scenario 4: getAttributes through each SDK's TargetClient, on-device, one value read from each answer. */
export async function runAttributesScenario(time: number): Promise<ScenarioResult> {
  const scenario = attributesScenario();
  const artifact = readJson<Artifact>(scenario.artifactPath);
  const ours = await ourClient(artifact, scenario.client);
  const reference = await referenceClient(artifact, scenario.client);
  const { mbox, key } = scenario.read;
  const call = (client: BenchClient) => async () => (await client.getAttributes(scenario.mboxes, scenario.options())).getValue(mbox, key);
  // Timed: the call. Untimed, every SETTLE_EVERY calls: both SDKs send the notifications owed so far.
  const result: ScenarioResult = {
    id: scenario.id,
    title: scenario.title,
    ours: await measure("ours getAttributes", call(ours), time, settling(ours, SETTLE_EVERY)),
    reference: await measure("reference getAttributes", call(reference), time, settling(reference, SETTLE_EVERY)),
    // What the harness itself adds to every timed call: an async task that does nothing.
    harnessMs: (await measure("empty async task", async () => undefined, time)).p50,
  };
  await Promise.all([ours.settled(), reference.settled()]);
  if (ours.dropped() > 0) throw new Error(`our client dropped ${ours.dropped()} notifications during the benchmark`);
  await Promise.all([ours.close(), reference.close()]);
  console.error(`${scenario.id}: ours ${Math.round(result.ours.hz)} ops/s, reference ${Math.round(result.reference.hz)} ops/s, ${ratio(result)}`);
  return result;
}

/** Scenario `id` (1 to 4), timed for `time` ms per SDK. */
export function runScenario(id: string, time: number): Promise<ScenarioResult> {
  return id === ATTRIBUTES_ID ? runAttributesScenario(time) : runEngineScenario(scenarioById(id), time);
}

if (isMain(import.meta.url)) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { time: { type: "string", default: "2000" } } });
  const [id] = positionals;
  if (!id) throw new Error("usage: scenario.ts <scenario id> [--time ms]");
  printResult(await runScenario(id, Number(values.time)));
  process.exit(0);
}
