import { ArtifactError, RequestError } from "@decisioning/engine";
import { explainRequest } from "../analysis/explain.js";
import { CliError, CliErrorCode } from "../errors.js";
import { formatExplanation } from "../format/explain.js";
import { printNotices, requestNotices } from "../notices.js";
import { artifactProblem } from "../io.js";
import { ARTIFACT_OPTIONS, REQUEST_OPTIONS, nowOf, requestOf } from "../request.js";
import { loadArtifact, printJson, type Command } from "./common.js";

/** `decisioning explain`: why each rule of the requested mboxes and views did or did not match. */
export const explainCommand: Command = {
  spec: {
    name: "explain",
    summary: "show, rule by rule, why a visitor gets what they get",
    usage: [
      "decisioning explain --artifact <file|url> --request <file|->",
      "decisioning explain --artifact <file|url> --mbox <name> --visitor <id> [--url <url>] [--param k=v] ...",
    ],
    options: { ...ARTIFACT_OPTIONS, ...REQUEST_OPTIONS },
    notes: [
      "For every rule of every requested mbox, view and page load: whether it matched, each",
      "condition with the context values it read, the visitor's allocation for the activity and",
      "the range of allocations the experience receives. ✓ holds, ✗ does not, · was not evaluated.",
      "--json adds the engine's own response to the same request. Times show as ISO 8601 (UTC); an",
      "experience chosen with no offer is the activity's default content. A name the artifact does",
      "not know gets a warning on stderr with the closest known name.",
    ],
    examples: [
      "decisioning explain -a fixtures/artifacts/features.json --mbox ab-hero --visitor v-1",
      "decisioning explain -a rules.json --mbox flags --param tier=Gold --user-agent 'Mozilla/5.0 ... Firefox/120.0'",
    ],
  },
  async run(options, _positionals, io) {
    const loaded = await loadArtifact(options, io, "explain");
    const request = await requestOf(options, io, "explain");
    let explanation;
    try {
      explanation = explainRequest({ client: loaded.client, artifact: loaded.artifact, options: request, now: nowOf(options) });
    } catch (error) {
      if (error instanceof RequestError) throw new CliError(CliErrorCode.Request, `the request cannot be decided: ${error.message}`, { cause: error });
      if (error instanceof ArtifactError) artifactProblem(error, loaded.source);
      throw error;
    }
    printNotices(io, "explain", requestNotices(request, loaded.artifact));
    if (options.json === true) printJson(io, explanation, true);
    else io.stdout.write(formatExplanation(explanation));
    return 0;
  },
};
