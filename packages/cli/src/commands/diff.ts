import { RequestError, validateArtifact } from "@decisioning/engine";
import { integerOption, stringOption, type ParsedOptions } from "../args.js";
import { diffArtifacts, estimateImpact, type ArtifactDiff, type ImpactEstimate } from "../analysis/diff.js";
import { CliError, CliErrorCode } from "../errors.js";
import { table } from "../format/text.js";
import { artifactProblem, readArtifact, readJson, type Io } from "../io.js";
import { printNotices, requestNotices } from "../notices.js";
import { REQUEST_OPTIONS, applyShortcuts, nowOf, optionsOf, parametersOf } from "../request.js";
import { clientOf, printJson, type Command } from "./common.js";

const DEFAULT_SAMPLES = 10000;

function formatDiff(oldSource: string, newSource: string, diff: ArtifactDiff, estimate: ImpactEstimate | undefined): string {
  const out: string[] = [`--- ${oldSource}`, `+++ ${newSource}`];
  if (diff.identical) out.push("", "no differences in activities, experiences, splits, audiences, offers or mbox lists");
  if (diff.artifact.length > 0) out.push("", "Artifact", ...diff.artifact.map((c) => `  ~ ${c}`));
  const { added, removed, changed } = diff.activities;
  if (added.length + removed.length + changed.length > 0) {
    out.push("", "Activities");
    for (const a of added) out.push(`  + ${a.id} ${JSON.stringify(a.name ?? "")} (${a.type ?? "?"}) on ${a.locations.join(", ")}: ${a.experiences.join(", ")}`);
    for (const a of removed) out.push(`  - ${a.id} ${JSON.stringify(a.name ?? "")} (${a.type ?? "?"}) on ${a.locations.join(", ")}`);
    for (const a of changed) {
      out.push(`  ~ ${a.id} ${JSON.stringify(a.name ?? "")}`);
      for (const change of a.changes) out.push(`      ${change}`);
    }
  }
  for (const kind of ["mboxes", "views"] as const) {
    const list = diff[kind];
    if (list.added.length + list.removed.length + list.changed.length === 0) continue;
    out.push("", kind === "mboxes" ? "Mboxes" : "Views");
    for (const name of list.added) out.push(`  + ${name}`);
    for (const name of list.removed) out.push(`  - ${name}`);
    for (const change of list.changed) out.push(`  ~ ${change}`);
  }
  if (estimate) {
    out.push(
      "",
      `Impact (${estimate.samples} sampled visitors, one request context)`,
      `  ${estimate.experienceChanged}% would be placed in another activity or experience`,
      `  ${estimate.contentChanged}% would see different content`,
    );
    if (estimate.locations.length > 0) {
      const rows = estimate.locations.map((l) => [`${l.kind} ${l.name}`, `${l.experienceChanged}%`, `${l.contentChanged}%`]);
      out.push("", table(["location", "experience changed", "content changed"], rows).replace(/^/gm, "  "));
    }
  }
  return `${out.join("\n")}\n`;
}

/** Progress on stderr: rewritten in place on a terminal, a line per 10% otherwise. */
function progressReporter(io: Io, options: ParsedOptions): ((done: number, total: number) => void) | undefined {
  if (options.quiet === true) return undefined;
  const tty = io.stderr.isTTY === true;
  if (!tty && options.progress !== true) return undefined;
  let lastTenth = -1;
  return (done, total) => {
    const percent = Math.floor((done / total) * 100);
    if (tty) {
      io.stderr.write(`\rsampling visitors ${done}/${total} (${percent}%)${done === total ? "\n" : ""}`);
      return;
    }
    const tenth = Math.floor(percent / 10);
    if (tenth === lastTenth && done !== total) return;
    lastTenth = tenth;
    io.stderr.write(`sampling visitors ${done}/${total} (${percent}%)\n`);
  };
}

async function loadBoth(options: ParsedOptions, positionals: string[], io: Io): Promise<[unknown, unknown]> {
  const organizationId = stringOption(options, "organization-id");
  const [a, b] = positionals as [string, string];
  return Promise.all([readArtifact(a, io, organizationId), readArtifact(b, io, organizationId)]);
}

/** `decisioning diff`: what changed between two artifacts, and for what share of visitors. */
export const diffCommand: Command = {
  spec: {
    name: "diff",
    summary: "compare two artifacts and estimate the share of visitors whose experience changes",
    usage: ["decisioning diff <old> <new> [--samples N] [--url <url>] [--param k=v] [--mbox <name>] ... [--json]"],
    positionals: ["old", "new"],
    options: {
      "organization-id": {
        type: "string",
        value: "<id>",
        description: "Experience Cloud organization id, to read obfuscated rules.bin files (a .json side is read as JSON)",
      },
      client: { type: "string", value: "<code>", description: "Target client code (default: the new artifact's meta.clientCode)" },
      samples: { type: "string", value: "<n>", description: `visitors to sample for the estimate (default ${DEFAULT_SAMPLES}; 0 skips it)` },
      seed: { type: "string", value: "<text>", description: 'seed of the sampled visitor ids (default "decisioning"): same seed, same visitors' },
      progress: { type: "boolean", description: "report sampling progress on stderr even when it is not a terminal" },
      quiet: { type: "boolean", description: "no progress output" },
      "exit-code": { type: "boolean", description: "exit with 1 when the artifacts differ, like git diff --exit-code" },
      ...REQUEST_OPTIONS,
    },
    notes: [
      "Every sampled visitor sends the same request: by default every mbox and view with rules, with",
      "no page URL or parameters. Use the request options to sample a specific page or audience:",
      "--param goes on every sampled mbox and view; --mbox and --view limit the estimate to those",
      "locations (a name neither artifact knows gets a warning with the closest known name).",
      'Offers that changed are listed key by key: searchProviderId: "starwars" → 999.',
    ],
    examples: [
      "decisioning diff rules-old.json rules-new.json",
      "decisioning diff old.json new.json --samples 50000 --url https://shop.example.com/checkout --param tier=gold",
    ],
  },
  async run(options, positionals, io) {
    if (positionals.length !== 2)
      throw new CliError(
        CliErrorCode.Usage,
        `diff compares two artifacts: decisioning diff <old> <new> (got ${positionals.length} argument${positionals.length === 1 ? "" : "s"})`,
      );
    const [oldSource, newSource] = positionals as [string, string];
    const samples = integerOption(options, "samples", DEFAULT_SAMPLES, 0);
    const [oldArtifact, newArtifact] = await loadBoth(options, positionals, io);
    for (const [artifact, source] of [
      [oldArtifact, oldSource],
      [newArtifact, newSource],
    ] as const) {
      try {
        validateArtifact(artifact);
      } catch (error) {
        artifactProblem(error, source);
      }
    }
    const diff = diffArtifacts(oldArtifact, newArtifact);
    let estimate: ImpactEstimate | undefined;
    if (samples > 0) {
      const source = stringOption(options, "request");
      const base = source === undefined ? undefined : optionsOf(await readJson(source, "request", io), `the request ${source}`);
      const onProgress = progressReporter(io, options);
      const template = applyShortcuts(base, options);
      printNotices(io, "diff", requestNotices(template, oldArtifact, newArtifact));
      try {
        estimate = estimateImpact({
          client: clientOf(options, newArtifact, newSource),
          oldArtifact,
          newArtifact,
          template,
          parameters: parametersOf(options),
          samples,
          seed: stringOption(options, "seed") ?? "decisioning",
          now: nowOf(options),
          ...(onProgress ? { onProgress } : {}),
        });
      } catch (error) {
        if (error instanceof RequestError)
          throw new CliError(CliErrorCode.Request, `the sampling request cannot be decided: ${error.message}`, { cause: error });
        throw error;
      }
    }
    if (options.json === true) printJson(io, { old: oldSource, new: newSource, ...diff, estimate }, true);
    else io.stdout.write(formatDiff(oldSource, newSource, diff, estimate));
    const differs = !diff.identical || (estimate !== undefined && (estimate.experienceChanged > 0 || estimate.contentChanged > 0));
    return options["exit-code"] === true && differs ? 1 : 0;
  },
};
