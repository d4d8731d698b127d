import { ArtifactError } from "@decisioning/engine";
import { stringOption } from "../args.js";
import { formatRange } from "../analysis/allocation.js";
import { inspectArtifact, type Inspection } from "../analysis/inspect.js";
import { CliError, CliErrorCode } from "../errors.js";
import { brief, table } from "../format/text.js";
import { artifactProblem, readArtifact } from "../io.js";
import { printJson, type Command } from "./common.js";

const SECTIONS = ["activities", "splits", "mboxes", "views", "audiences"] as const;
type Section = (typeof SECTIONS)[number];

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function formatInspection(source: string, inspection: Inspection, sections: readonly Section[]): string {
  const out: string[] = [];
  out.push(
    `${source}: artifact ${inspection.version}, client ${String(inspection.clientCode ?? "?")} (${String(inspection.environment ?? "?")}), global mbox ${inspection.globalMbox}, geo targeting ${inspection.geoTargetingEnabled ? "on" : "off"}`,
  );
  if (inspection.responseTokens.length > 0) out.push(`response tokens: ${inspection.responseTokens.join(", ")}`);
  if (sections.includes("activities")) {
    out.push("", `Activities (${inspection.activities.length})`);
    const rows = inspection.activities.map((a) => [a.id, cut(a.name ?? "", 40), a.type ?? "", String(a.experiences.length), cut(a.locations.join(", "), 50)]);
    out.push(table(["id", "name", "type", "experiences", "locations"], rows));
  }
  if (sections.includes("splits")) {
    out.push("", "Traffic splits");
    const rows = inspection.activities.flatMap((a) =>
      a.experiences.map((e) => [
        a.id,
        cut(e.name ?? String(e.id ?? ""), 24),
        e.split ? formatRange(e.split) : "all (not split)",
        cut(e.audiences.join(" | "), 60),
        e.offers.join(", "),
      ]),
    );
    out.push(table(["activity", "experience", "allocation", "audience", "offers"], rows));
  }
  for (const kind of ["mboxes", "views"] as const) {
    if (!sections.includes(kind)) continue;
    const list = inspection[kind];
    out.push("", `${kind === "mboxes" ? "Mboxes" : "Views"} (${list.length})`);
    const rows = list.map((l) => [l.name + (l.global ? " (global)" : ""), l.decided, String(l.rules), cut(l.activities.join(", "), 50) || "-"]);
    out.push(table(["name", "decided", "rules", "activities"], rows));
  }
  if (sections.includes("audiences")) {
    out.push("", `Audiences (${inspection.audiences.length})`);
    const rows = inspection.audiences.map((a) => [
      cut(a.condition, 70),
      cut(a.usedBy.map((u) => `${u.activity}${u.experience ? ` ${brief(u.experience, 24)}` : ""}`).join(", "), 60),
    ]);
    out.push(table(["condition", "used by (activity experience)"], rows));
  }
  return `${out.join("\n")}\n`;
}

/** The inspection limited to the sections asked for; `splits` becomes one row per experience, as in the table. */
function selectSections(inspection: Inspection, sections: readonly Section[]): Record<string, unknown> {
  const { activities, mboxes, views, audiences, ...header } = inspection;
  const all = { activities, mboxes, views, audiences };
  const out: Record<string, unknown> = { ...header };
  for (const section of sections) {
    if (section === "splits") {
      out.splits = activities.flatMap((a) =>
        a.experiences.map((e) => ({ activity: a.id, experience: e.name ?? e.id, split: e.split ?? null, audiences: e.audiences, offers: e.offers })),
      );
    } else out[section] = all[section];
  }
  return out;
}

/** `decisioning inspect`: activities, mboxes, views, audiences and traffic splits as tables. */
export const inspectCommand: Command = {
  spec: {
    name: "inspect",
    summary: "show an artifact's activities, traffic splits, mboxes, views and audiences as tables",
    usage: ["decisioning inspect <artifact> [--only activities|splits|mboxes|views|audiences] [--json]"],
    positionals: ["artifact"],
    options: {
      "organization-id": { type: "string", value: "<id>", description: "Experience Cloud organization id, to read an obfuscated rules.bin" },
      only: {
        type: "string",
        multiple: true,
        value: "<section>",
        description: `show only these sections: ${SECTIONS.join(", ")} (with --json too; splits are one row per experience)`,
      },
    },
    examples: ["decisioning inspect rules.json", "decisioning inspect rules.json --only splits", "decisioning inspect --json rules.json"],
  },
  async run(options, positionals, io) {
    const source = positionals[0];
    if (source === undefined) throw new CliError(CliErrorCode.Usage, "inspect needs an artifact: decisioning inspect <file|url>");
    const only = options.only;
    const sections = (Array.isArray(only) ? only : []) as Section[];
    for (const section of sections) {
      if (!SECTIONS.includes(section)) throw new CliError(CliErrorCode.Usage, `--only takes ${SECTIONS.join(", ")}; got ${JSON.stringify(section)}`);
    }
    const artifact = await readArtifact(source, io, stringOption(options, "organization-id"));
    let inspection: Inspection;
    try {
      inspection = inspectArtifact(artifact);
    } catch (error) {
      if (error instanceof ArtifactError) artifactProblem(error, source);
      throw error;
    }
    if (options.json === true) printJson(io, sections.length > 0 ? selectSections(inspection, sections) : inspection, true);
    else io.stdout.write(formatInspection(source, inspection, sections.length > 0 ? sections : SECTIONS));
    return 0;
  },
};
