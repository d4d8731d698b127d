import { RequestError } from "@decisioning/engine";
import { CliError, CliErrorCode } from "../errors.js";
import { printNotices, requestNotices } from "../notices.js";
import { ARTIFACT_OPTIONS, REQUEST_OPTIONS, nowOf, requestOf } from "../request.js";
import { deciderOf, loadArtifact, printJson, type Command } from "./common.js";

/** `decisioning decide`: decide a request on-device and print the delivery response. */
export const decideCommand: Command = {
  spec: {
    name: "decide",
    summary: "decide a request on-device and print the Delivery API response",
    usage: [
      "decisioning decide --artifact <file|url> --request <file|->",
      "decisioning decide --artifact <file|url> --mbox <name> [--visitor <id>] [--url <url>] [--param k=v] ...",
    ],
    options: { ...ARTIFACT_OPTIONS, ...REQUEST_OPTIONS },
    notes: [
      "The shortcuts write the request for you, or adjust the one given with --request.",
      "With --json the response is printed on one line.",
      "A name the artifact does not know (not local, not remote, no rules) gets a warning on stderr with",
      "the closest known name: on-device it is left to the Delivery API (status 206).",
    ],
    examples: [
      "decisioning decide -a fixtures/artifacts/features.json --mbox flags --visitor v-1",
      "decisioning decide -a rules.json --mbox hero --url 'https://shop.example.com/?sale=1' --param tier=gold --at 2026-01-30T19:00:00Z",
      "cat request.json | decisioning decide -a https://assets.adobetarget.com/acme/production/v1/rules.json -r -",
    ],
  },
  async run(options, _positionals, io) {
    const loaded = await loadArtifact(options, io, "decide");
    const request = await requestOf(options, io, "decide");
    const now = nowOf(options);
    const decider = deciderOf(loaded, () => now);
    printNotices(io, "decide", requestNotices(request, decider.artifact));
    try {
      printJson(io, decider.decide(request).response, options.json === true);
    } catch (error) {
      if (error instanceof RequestError) throw new CliError(CliErrorCode.Request, `the request cannot be decided: ${error.message}`, { cause: error });
      throw error;
    }
    return 0;
  },
};
