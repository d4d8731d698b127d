import { stringOption } from "../args.js";
import { validateDeep } from "../analysis/validate.js";
import { CliError, CliErrorCode } from "../errors.js";
import { readArtifact } from "../io.js";
import { plural, table } from "../format/text.js";
import { printJson, type Command } from "./common.js";

/** `decisioning validate`: schema and semantic checks; exit code 1 on errors. */
export const validateCommand: Command = {
  spec: {
    name: "validate",
    summary: "check an artifact: schema, unknown operators, unreachable rules, traffic splits, mbox lists",
    usage: ["decisioning validate <artifact> [--strict] [--json]"],
    positionals: ["artifact"],
    options: {
      "organization-id": { type: "string", value: "<id>", description: "Experience Cloud organization id, to read an obfuscated rules.bin" },
      strict: { type: "boolean", description: "treat warnings as errors (exit code 1 when there is any)" },
    },
    notes: [
      "Errors (exit code 1): the engine refuses the artifact; a condition uses an unknown operator;",
      "two experiences of an activity claim the same visitors.",
      "Warnings: a rule that is never reached because earlier rules take all its visitors; a rule",
      "that can never match; visitors a traffic split gives no experience; an mbox listed local",
      "without rules; a name listed both local and remote, or with rules but listed neither.",
    ],
    examples: ["decisioning validate rules.json", "decisioning validate --json rules.json | jq '.issues[] | select(.severity == \"error\")'"],
  },
  async run(options, positionals, io) {
    const source = positionals[0];
    if (source === undefined) throw new CliError(CliErrorCode.Usage, "validate needs the artifact to check: decisioning validate <file|url>");
    if (positionals.length > 1) throw new CliError(CliErrorCode.Usage, `validate checks one artifact; got ${positionals.length}: ${positionals.join(" ")}`);
    const artifact = await readArtifact(source, io, stringOption(options, "organization-id"));
    const report = validateDeep(artifact);
    const strict = options.strict === true;
    const failed = report.errors > 0 || (strict && report.warnings > 0);
    if (options.json === true) {
      printJson(io, { source, ...report, valid: !failed }, true);
    } else {
      const verdict = failed ? "✗ invalid" : "✓ valid";
      io.stdout.write(`${verdict}: ${source}: ${plural(report.errors, "error")}, ${plural(report.warnings, "warning")}\n`);
      if (report.issues.length > 0) {
        const rows = report.issues.map((issue) => [issue.severity, issue.code, issue.message]);
        io.stdout.write(`\n${table(["severity", "check", "finding"], rows)}\n`);
      }
    }
    return failed ? 1 : 0;
  },
};
