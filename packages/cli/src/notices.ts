/**
 * Warnings about a request that would otherwise be decided silently wrong: names the artifact
 * does not know (with a did-you-mean), and an IP address the CLI will not look up.
 */
import type { GetOffersOptions } from "@decisioning/engine";
import { describeUnknown, knownNames, unknownNames } from "./names.js";
import { println, type Io } from "./io.js";

/** Warnings for a request decided against these artifacts. */
export function requestNotices(options: GetOffersOptions, ...artifacts: unknown[]): string[] {
  const notices = unknownNames(options.request, knownNames(...artifacts)).map(describeUnknown);
  const geo = options.request.context?.geo;
  if (geo && typeof geo.ipAddress === "string") {
    const others = Object.keys(geo).filter((key) => key !== "ipAddress" && geo[key as keyof typeof geo] !== undefined);
    notices.push(
      `geo ipAddress ${JSON.stringify(geo.ipAddress)} is not looked up (the CLI works offline): geo conditions see ${others.length > 0 ? `only ${others.join(", ")}` : "no location"}; give --geo countryCode=, stateCode=, city=, zip=, latitude= or longitude= instead`,
    );
  }
  return notices;
}

/** Print warnings on stderr (stdout stays the command's output, JSON or not). */
export function printNotices(io: Io, command: string, notices: readonly string[]): void {
  for (const notice of notices) println(io.stderr, `decisioning ${command}: warning: ${notice}`);
}
