// docs/benchmarks.md, written whole from one run's results: every figure in it comes from the
// run, and summary.ts reads the README's figures back from its tables (by section and column).
import {
  DELIVERY_VARIANTS,
  type DeliveryResult,
  type DeliveryVariant,
  type DeliveryVariantResult,
  MAX_BACKLOG,
  BURST,
  VARIANT_TITLES,
} from "./delivery/method.js";
import { SETTLE_EVERY } from "./engines.js";
import type { AllocationResult, LoadResult, ScalingResult, ScenarioResult, SweepResult, SweepRow, TailResult, VisitorsResult } from "./results.js";
import type { BenchSettings } from "./settings.js";
import { type MeasuredRow, sweepSummary } from "./sweep-summary.js";

/** The machine a run was measured on. */
export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
}

/** Everything one run of the benchmark measured. */
export interface BenchRun {
  machine: Machine;
  settings: BenchSettings;
  scenarios: ScenarioResult[];
  tail: TailResult[];
  delivery: DeliveryResult;
  sweep: SweepResult;
  loads: LoadResult[];
  scaling: ScalingResult;
  visitors: VisitorsResult[];
  allocations: { id: string; ours: AllocationResult; reference: AllocationResult }[];
}

/** The report's section headings, which summary.ts and the test find the tables by. */
export const SECTIONS = {
  scenarios: "Decisions and `getAttributes` calls",
  tail: "Scenario 4 call by call",
  delivery: "Notifications delivered over HTTP",
  sweep: "Cost sweep over Adobe's conformance inputs",
  loads: "Artifact load",
  visitors: "Heap per distinct visitor",
  allocation: "Bytes allocated per call",
  notes: "How to read it",
} as const;

/** The command that writes docs/benchmarks.md and the README's figures. */
export const BENCH_COMMAND = "npx -y pnpm@10.34.8 build && npx -y pnpm@10.34.8 bench";

const fmt = (n: number, digits = 0): string => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
/** ms as µs, one decimal. */
const us = (ms: number): string => `${fmt(ms * 1000, 1)} µs`;
const times = (ratio: number, digits = 1): string => `${fmt(ratio, digits)}x`;
/** A sweep's ratio: whole under 10x would hide a ratio near or below 1. */
const sweepRatio = (ratio: number | undefined): string => times(ratio ?? Number.NaN, ratio !== undefined && ratio < 10 ? 1 : 0);
const table = (header: readonly string[], align: readonly ("l" | "r")[], rows: readonly (readonly string[])[]): string[] => [
  `| ${header.join(" | ")} |`,
  `| ${align.map((a) => (a === "r" ? "---:" : "---")).join(" | ")} |`,
  ...rows.map((row) => `| ${row.join(" | ")} |`),
];

function scenariosSection(run: BenchRun): string[] {
  const harness = run.scenarios.find((s) => s.harnessMs !== undefined)?.harnessMs;
  return [
    `## ${SECTIONS.scenarios}`,
    "",
    ...table(
      ["scenario", "ours ops/s", "reference ops/s", "ratio", "ours p50 / p99", "reference p50 / p99", "ours sync ops/s"],
      ["l", "r", "r", "r", "r", "r", "r"],
      run.scenarios.map(({ id, title, ours, reference, sync }) => [
        `${id}: ${title}`,
        fmt(ours.hz),
        fmt(reference.hz),
        `**${times(ours.hz / reference.hz)}**`,
        `${us(ours.p50)} / ${us(ours.p99)}`,
        `${us(reference.p50)} / ${us(reference.p99)}`,
        sync ? fmt(sync.hz) : "n/a",
      ]),
    ),
    "",
    `The harness's own cost per timed call (an empty async task, median): ${harness === undefined ? "n/a" : `${fmt(harness * 1000, 2)} µs`}, included in every time above.`,
    "",
    `### ${SECTIONS.tail}`,
    "",
    ...table(
      ["ids", "calls reported", "p50", "p90", "p99", "p99.9", "first call after each wait for notifications (median)"],
      ["l", "r", "r", "r", "r", "r", "r"],
      run.tail.map((t) => [
        t.ids === "premade" ? "premade: ids drawn before the run" : "built-in: the client draws its own ids",
        fmt(t.calls),
        us(t.p50),
        us(t.p90),
        us(t.p99),
        us(t.p999),
        us(t.firstAfterWait),
      ]),
    ),
  ];
}

function deliverySection(delivery: DeliveryResult): string[] {
  const by = (variant: DeliveryVariant): DeliveryVariantResult => {
    const found = delivery.variants.find((v) => v.variant === variant);
    if (!found) throw new Error(`the delivery benchmark did not measure ${variant}`);
    return found;
  };
  const cpu = (variant: DeliveryVariant) => by(variant).cpuUsPerCall;
  const rows = DELIVERY_VARIANTS.map((variant) => {
    const v = by(variant);
    return [
      `${variant}: ${VARIANT_TITLES[variant]}`,
      fmt(v.calls),
      `**${fmt(v.cpuUsPerCall, 1)}**`,
      `${fmt(v.userUsPerCall, 1)} / ${fmt(v.systemUsPerCall, 1)}`,
      fmt(v.wallUsPerCall, 1),
      v.roundsCpuUsPerCall.map((x) => fmt(x, 1)).join(", "),
      `${fmt(v.received)} of ${fmt(v.owed)}`,
      fmt(v.droppedTotal),
    ];
  });
  return [
    `## ${SECTIONS.delivery}`,
    "",
    ...table(
      [
        "variant",
        "calls per round",
        "CPU µs per call",
        "user / system µs per call",
        "wall µs per call",
        "CPU µs per call, each round",
        "notifications answered",
        "dropped",
      ],
      ["l", "r", "r", "r", "r", "r", "r", "r"],
      rows,
    ),
    "",
    ...table(
      ["comparison", "ratio"],
      ["l", "r"],
      [
        ["reference-vs-ours: Adobe's SDK's CPU per call over ours", `**${times(cpu("reference") / cpu("ours"))}**`],
        ["ours-vs-floor-node: ours over the bare `node:http` POST", `**${times(cpu("ours") / cpu("floor-node"), 2)}**`],
        ["ours-fetch-vs-floor-fetch: ours given `fetch` over the bare `fetch` POST", times(cpu("ours-fetch") / cpu("floor-fetch"), 2)],
        ["ours-fetch-vs-ours: ours given `fetch` over ours with its default transport", times(cpu("ours-fetch") / cpu("ours"), 2)],
      ],
    ),
  ];
}

const sweepRows = (rows: readonly MeasuredRow[]): string[][] => rows.map((row) => [row.id, fmt(row.oursUs, 2), fmt(row.referenceUs, 1), sweepRatio(row.ratio)]);

function sweepSection(sweep: SweepResult): string[] {
  const summary = sweepSummary(sweep.rows);
  const { measured, skipped } = summary;
  const named = (row: SweepRow | undefined) => (row ? `**${sweepRatio(row.ratio)}** (${row.id})` : "n/a");
  const header = ["input", "ours µs per call", "reference µs per call", "ratio"];
  const align = ["l", "r", "r", "r"] as const;
  return [
    `## ${SECTIONS.sweep}`,
    "",
    ...table(
      ["inputs measured", "left out", "worst ratio", "median ratio", "worst macro input ratio"],
      ["r", "r", "l", "r", "l"],
      [[fmt(measured.length), fmt(skipped.length), named(summary.worst), `**${sweepRatio(summary.medianRatio)}**`, named(summary.worstMacro)]],
    ),
    "",
    "The 10 worst inputs:",
    "",
    ...table(header, align, sweepRows(measured.slice(0, 10))),
    "",
    `<details><summary>Every input (${measured.length}), worst first</summary>`,
    "",
    ...table(header, align, sweepRows(measured)),
    "",
    "</details>",
    ...(skipped.length > 0 ? ["", "Left out:", "", ...skipped.map((row) => `- ${row.id}: ${row.skipped}`)] : []),
  ];
}

function loadSections(run: BenchRun): string[] {
  const { scaling } = run;
  return [
    `## ${SECTIONS.loads}`,
    "",
    ...table(
      ["artifact", "engine", "JSON bytes", "load time", "retained heap", "heap / JSON"],
      ["l", "l", "r", "r", "r", "r"],
      run.loads.map((l) => [
        l.artifact === "large" ? "large: artifact-large.json" : `synthetic: ${fmt(run.settings.syntheticActivities)} activities`,
        l.engine,
        fmt(l.jsonBytes),
        `${fmt(l.loadMs, 1)} ms`,
        `${fmt(l.heapBytes / 1024)} KiB`,
        times(l.heapBytes / l.jsonBytes, 2),
      ]),
    ),
    "",
    ...table(
      ["decision cost vs artifact size (ours, sync, one requested mbox)", "10 activities ops/s", `${fmt(scaling.activities)} activities ops/s`, "cost ratio"],
      ["l", "r", "r", "r"],
      [[`scaling: ${fmt(scaling.activities)} activities against 10`, fmt(scaling.smallHz), fmt(scaling.largeHz), times(scaling.smallHz / scaling.largeHz, 2)]],
    ),
    "",
    `## ${SECTIONS.visitors}`,
    "",
    ...table(
      ["distinct visitors", "engine", "heap before", "heap after", "growth per visitor"],
      ["r", "l", "r", "r", "r"],
      run.visitors.map((v) => [
        fmt(v.visitors),
        v.engine,
        `${fmt(v.before / 2 ** 20, 1)} MiB`,
        `${fmt(v.after / 2 ** 20, 1)} MiB`,
        `${fmt(Math.max(0, v.bytesPerVisitor), 1)} bytes`,
      ]),
    ),
    "",
    `## ${SECTIONS.allocation}`,
    "",
    ...table(
      ["scenario", "ours bytes per call", "reference bytes per call", "reference / ours"],
      ["l", "r", "r", "r"],
      run.allocations.map((a) => [a.id, fmt(a.ours.bytesPerCall), fmt(a.reference.bytesPerCall), times(a.reference.bytesPerCall / a.ours.bytesPerCall, 0)]),
    ),
  ];
}

function notes(run: BenchRun): string[] {
  const { settings } = run;
  const { delivery } = settings;
  return [
    `## ${SECTIONS.notes}`,
    "",
    `- Scenarios 1 to 4 are tinybench tasks that await one call at a time, for ${fmt(settings.time)} ms each after a warm-up.
  Scenarios 1 to 3 time the engines, whose notifications go to a function that drops them.
  Operations per second are medians over the calls (one over the median latency), as the
  targets are: the mean of per-call rates leans towards the fastest calls. Every time includes
  the harness's own cost per call, shown under the table.
- Each scenario runs in a fresh Node process, in which both SDKs run one after the other on
  the same requests (a new visitor id per call): code that V8 optimized for one scenario's
  artifact and requests would otherwise slow the next scenario down, as no server would see.
  The reference's own speed moves from run to run (its per-visitor allocation cache grows with
  every new visitor), so compare ratios within one run.
- "ours sync" is \`createDecider().decide()\`: the same decision without the promise and the
  notification hand-off.
- Scenario 4 times the client's call and reads one value from each answer (\`getValue\`), in
  both SDKs: ours reads attributes straight from the decided options and builds the full
  \`getOffers\` result (cookies, token lists) only when \`getResponse()\` asks for it, so an
  answer nobody reads would flatter it. Both SDKs owe Target one display notification per call
  (an HTTP request per visitor: the Delivery API takes one visitor per request), sent after the
  call returns, here to an in-process stub; every ${SETTLE_EVERY} calls, untimed, the run waits until both
  have sent everything owed (the run fails if our client drops any). What the sending costs is
  measured in "${SECTIONS.delivery}".
- "${SECTIONS.tail}" (\`tail.ts\`, ${fmt(settings.tailCalls)} calls, the second half reported)
  shows where scenario 4's p99 comes from. With the client's own ids, a call now and then draws
  the next batch of ids (random bytes and their hex); with ids drawn before the run
  ("premade") those draws leave the calls. The first call after each untimed wait for
  notifications comes after the client sent a batch of requests, with caches gone cold.
- "${SECTIONS.delivery}" (\`delivery/run.ts\`) is what a server pays per call once each call's
  notification is sent. The Delivery API is a keep-alive HTTP server on 127.0.0.1 in a process
  of its own (its CPU is not counted). Each variant runs in a fresh process:
  ${fmt(delivery.calls)} \`getAttributes\` calls (${fmt(delivery.referenceCalls)} for Adobe's SDK), each for a new visitor
  and so each owing one notification request, after untimed warm-up calls. The event loop turns
  every ${BURST} calls, as a server's does between requests, and while more than ${fmt(MAX_BACKLOG)}
  notifications are owed the loop waits (a server's load stays below what it can send; the
  CPU spent meanwhile counts). The process's CPU time (user + system) is counted until every
  notification has been answered. The floors POST the very notification our client sent, with
  nothing else: a floor under any SDK that sends it over the same transport. Every variant runs
  ${delivery.rounds === 1 ? "once" : `${delivery.rounds} times, the variants taking turns, and its figure is the median round`}.
  "Answered" counts the notification requests the server received over every round, warm-ups
  included; the run fails if a notification is neither answered nor counted as dropped.
- "${SECTIONS.sweep}" (\`sweep.ts\`): every input of Adobe's conformance schema that decides
  (tests that expect the engine to refuse its artifact are left out), each engine configured as
  the test configures it, with the artifact and geo answers served by an in-process fetch;
  then two real-world inputs on artifact-large.json that the schema lacks: an offer with 14
  campaign macros, and a traced page load with every view. Each engine decides the input in
  batches of fresh copies (copied outside the clock) for ${settings.quick ? "a few short batches" : `${fmt(settings.sweepTime)} ms`} after a
  warm-up; the figure is the median batch's cost per call. Every input runs in one process, one
  after the other. Macro inputs are the MACROS suite's and the real-world macros offer.
- "${SECTIONS.loads}" (\`load.ts\`) is the second of two loads of the same artifact in a fresh
  process, so that code compiled on first use does not count as heap the artifact holds. The
  scaling row (\`scaling.ts\`) is our synchronous decision on a 10-activity synthetic artifact
  against one of ${fmt(settings.syntheticActivities)}, one requested mbox each, best of two alternating rounds.
- "${SECTIONS.visitors}" (\`visitors.ts\`): the heap after a forced collection, before and after
  that many decisions each for a new visitor (scenario 2's request), once code and caches are warm.
- "${SECTIONS.allocation}" (\`allocation.ts\`): the heap's growth over calls with a young
  generation big enough that nothing is collected meanwhile (the run fails if anything is).
  Allocation volume repeats from run to run far better than time on a shared machine, so a
  change shows up there first. Ours include the notification payload each call leaves queued.
- What the speed comes from is listed in docs/ARCHITECTURE.md ("How a decision stays cheap").`,
  ];
}

/** docs/benchmarks.md for one run. */
export function renderReport(run: BenchRun): string {
  const { machine, settings } = run;
  const lines = [
    "# Benchmarks",
    "",
    `Written whole by \`${BENCH_COMMAND}\` from one run: every figure below comes from it, and the README's from here. Each scenario, probe and variant runs in a fresh process.`,
    "",
    ...(settings.quick ? ["**A quick smoke run (`--quick`): the parts and tables of the full run, with figures not worth comparing.**", ""] : []),
    `Machine: ${machine.cpu} × ${machine.cores}, ${fmt(machine.memoryGiB)} GiB, Node ${machine.node}, ${machine.platform}`,
    "",
    "Reference: @adobe/target-decisioning-engine 1.9.3 with PSL domain parsing, and @adobe/target-nodejs-sdk 2.4.3 for the clients.",
    "",
    ...scenariosSection(run),
    "",
    ...deliverySection(run.delivery),
    "",
    ...sweepSection(run.sweep),
    "",
    ...loadSections(run),
    "",
    ...notes(run),
    "",
  ];
  return lines.join("\n");
}
