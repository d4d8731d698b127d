/**
 * Requested mboxes and views the artifact does not know (neither decides nor lists as remote),
 * told once per name: a typo in a name otherwise answers silently with nothing (status 206,
 * the name listed as remote). Bounded, since names come from requests.
 */
import type { Decider, DecidedResponse, internal } from "@decisioning/engine";
import type { Emit } from "./events.js";

type SafeLogger = internal.SafeLogger;

/** Names told about, at most; past it, unknown names are no longer reported. */
export const MAX_UNKNOWN_NAMES = 100;

/** Tells the logger (warn) and the `unknownLocation` event about names an artifact does not know. */
export class UnknownNames {
  private readonly told = new Set<string>();

  constructor(
    private readonly logger: SafeLogger,
    private readonly emit: Emit,
  ) {}

  /** Check an on-device answer's remote names (only an answer with any: status 206). */
  check(response: DecidedResponse, decider: Decider | undefined): void {
    if (decider === undefined || this.told.size >= MAX_UNKNOWN_NAMES) return;
    for (const name of response.remoteMboxes) this.checkOne("mbox", name, decider);
    for (const name of response.remoteViews) this.checkOne("view", name, decider);
  }

  private checkOne(kind: "mbox" | "view", name: string, decider: Decider): void {
    const key = `${kind}\u0000${name}`;
    if (this.told.has(key) || this.told.size >= MAX_UNKNOWN_NAMES || decider.declares(kind, name)) return;
    this.told.add(key);
    // JSON-quoted and cut short: the name is a caller's (maybe a visitor's), and must not forge log lines.
    const quoted = JSON.stringify(name.slice(0, 128));
    this.logger.warn(
      `the artifact has no ${kind} ${quoted} (neither decided on-device nor listed as remote): answered as remote, with no content; a misspelled name?`,
    );
    this.emit("unknownLocation", { kind, name, artifactVersion: decider.artifact.version });
  }
}
