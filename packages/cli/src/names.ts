/**
 * Mbox and view names a request asks for that the artifact does not know (neither local nor
 * remote, no rules), with the closest known name: a mistyped name otherwise comes back as a
 * silent 206 "needs the Delivery API".
 */
import { internal, type DeliveryRequest } from "@decisioning/engine";
import { suggest } from "./args.js";

const { isRecord } = internal;

/** The names an artifact (or several) knows, by kind. */
export interface KnownNames {
  mboxes: Set<string>;
  views: Set<string>;
}

/** A requested name the artifacts do not know. */
export interface UnknownName {
  kind: "mbox" | "view";
  name: string;
  /** The closest known name of the same kind, when one is close enough to be a typo. */
  suggestion?: string;
}

function addAll(into: Set<string>, list: unknown): void {
  if (Array.isArray(list)) for (const name of list) if (typeof name === "string") into.add(name);
}

/** Every mbox and view name the artifacts list (local, remote, global) or have rules for. */
export function knownNames(...artifacts: unknown[]): KnownNames {
  const known: KnownNames = { mboxes: new Set(), views: new Set() };
  for (const artifact of artifacts) {
    if (!isRecord(artifact)) continue;
    addAll(known.mboxes, artifact.localMboxes);
    addAll(known.mboxes, artifact.remoteMboxes);
    addAll(known.views, artifact.localViews);
    addAll(known.views, artifact.remoteViews);
    if (typeof artifact.globalMbox === "string") known.mboxes.add(artifact.globalMbox);
    const rules = isRecord(artifact.rules) ? artifact.rules : {};
    if (isRecord(rules.mboxes)) addAll(known.mboxes, Object.keys(rules.mboxes));
    if (isRecord(rules.views)) addAll(known.views, Object.keys(rules.views));
  }
  return known;
}

/** The mbox and view names a request asks for (execute and prefetch), each once, in order. */
export function requestedNames(request: DeliveryRequest): Array<{ kind: "mbox" | "view"; name: string }> {
  const seen = new Set<string>();
  const out: Array<{ kind: "mbox" | "view"; name: string }> = [];
  for (const block of [request.execute, request.prefetch]) {
    if (!isRecord(block)) continue;
    for (const [kind, list] of [
      ["mbox", block.mboxes],
      ["view", block.views],
    ] as const) {
      if (!Array.isArray(list)) continue;
      for (const item of list) {
        const name = isRecord(item) ? item.name : undefined;
        if (typeof name !== "string" || name === "" || seen.has(`${kind} ${name}`)) continue;
        seen.add(`${kind} ${name}`);
        out.push({ kind, name });
      }
    }
  }
  return out;
}

/** Requested names the artifacts do not know, with suggestions. */
export function unknownNames(request: DeliveryRequest, known: KnownNames): UnknownName[] {
  const out: UnknownName[] = [];
  for (const { kind, name } of requestedNames(request)) {
    const names = kind === "mbox" ? known.mboxes : known.views;
    if (names.has(name)) continue;
    const suggestion = suggest(name, names);
    out.push({ kind, name, ...(suggestion !== undefined ? { suggestion } : {}) });
  }
  return out;
}

/** One line about an unknown name, for a warning. */
export function describeUnknown(unknown: UnknownName): string {
  const hint = unknown.suggestion !== undefined ? `: did you mean ${JSON.stringify(unknown.suggestion)}?` : "";
  return `${unknown.kind} ${JSON.stringify(unknown.name.slice(0, 128))} is not in the artifact (not local, not remote, no rules), so it is left to the Delivery API (status 206)${hint}`;
}
