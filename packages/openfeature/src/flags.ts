/**
 * How OpenFeature's vocabulary maps onto Target's: flag keys onto mboxes and attributes, the
 * evaluation context onto a Delivery API request, and an artifact onto the flags it defines.
 */
import { internal, type ChannelType, type Decider, type DeliveryRequest, type Rule } from "@decisioning/engine";
import type { EvaluationContext, EvaluationContextValue } from "@openfeature/server-sdk";

const { isRecord } = internal;

/** A flag key read as `mbox/attribute` (or a bare `mbox` for all its attributes). */
export interface FlagKey {
  mbox: string;
  /** Undefined for a bare mbox name: the flag's value is the mbox's whole attribute object. */
  attribute: string | undefined;
}

/** Split `mbox/attribute` at the first `/`: mbox names never contain one, attribute keys may. */
export function parseFlagKey(flagKey: string): FlagKey {
  const slash = flagKey.indexOf("/");
  if (slash < 0) return { mbox: flagKey, attribute: undefined };
  return { mbox: flagKey.slice(0, slash), attribute: flagKey.slice(slash + 1) };
}

/** Context keys with a meaning of their own; every other primitive becomes an mbox parameter. */
export const RESERVED_CONTEXT_KEYS = [
  "targetingKey",
  "marketingCloudVisitorId",
  "thirdPartyId",
  "url",
  "referringUrl",
  "userAgent",
  "clientHints",
  "geo",
  "channel",
  "propertyToken",
  "mboxParameters",
] as const;

const RESERVED = new Set<string>(RESERVED_CONTEXT_KEYS);

// Evaluation context values may be dates, which are objects but no records.
const isObjectValue = (value: unknown): value is Record<string, unknown> => isRecord(value) && !(value instanceof Date);

/** A context value as an mbox parameter (Target parameters are strings), or undefined for structures. */
function parameterOf(value: EvaluationContextValue): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value instanceof Date) return value.toISOString();
  return undefined;
}

const text = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);

/**
 * The Delivery API request for evaluating an mbox: `targetingKey` is the visitor's tntId, `url`,
 * `referringUrl`, `userAgent`, `clientHints`, `geo` and `channel` fill the context, and every
 * other string, number, boolean or date (plus the entries of `mboxParameters`) becomes an mbox
 * parameter.
 */
export function requestOf(context: EvaluationContext, mbox: string, propertyToken: string | undefined): DeliveryRequest {
  const id: Record<string, string> = {};
  const tntId = text(context.targetingKey);
  const mcid = text(context.marketingCloudVisitorId);
  const thirdPartyId = text(context.thirdPartyId);
  if (tntId) id.tntId = tntId;
  if (mcid) id.marketingCloudVisitorId = mcid;
  if (thirdPartyId) id.thirdPartyId = thirdPartyId;

  // Any channel given is passed on as is (the engine does not read it).
  const requestContext: NonNullable<DeliveryRequest["context"]> = { channel: (text(context.channel) ?? "web") as ChannelType };
  const url = text(context.url);
  const referringUrl = text(context.referringUrl);
  if (url !== undefined || referringUrl !== undefined)
    requestContext.address = { ...(url !== undefined ? { url } : {}), ...(referringUrl !== undefined ? { referringUrl } : {}) };
  const userAgent = text(context.userAgent);
  if (userAgent !== undefined) requestContext.userAgent = userAgent;
  if (isObjectValue(context.clientHints)) requestContext.clientHints = context.clientHints as NonNullable<DeliveryRequest["context"]>["clientHints"];
  if (isObjectValue(context.geo)) requestContext.geo = context.geo as NonNullable<DeliveryRequest["context"]>["geo"];

  // A null-prototype record: context keys come from callers and must not reach Object.prototype.
  const parameters = Object.create(null) as Record<string, string>;
  for (const [key, value] of Object.entries(context)) {
    if (RESERVED.has(key) || value === undefined || value === null) continue;
    const parameter = parameterOf(value);
    if (parameter !== undefined) parameters[key] = parameter;
  }
  if (isObjectValue(context.mboxParameters)) {
    for (const [key, value] of Object.entries(context.mboxParameters)) {
      const parameter = value === undefined || value === null ? undefined : parameterOf(value as EvaluationContextValue);
      if (parameter !== undefined) parameters[key] = parameter;
    }
  }
  const item = { name: mbox, index: 1, ...(Object.keys(parameters).length > 0 ? { parameters: { ...parameters } } : {}) };
  const token = text(context.propertyToken) ?? propertyToken;
  return {
    ...(Object.keys(id).length > 0 ? { id } : {}),
    context: requestContext,
    ...(token !== undefined ? { property: { token } } : {}),
    execute: { mboxes: [item] },
  };
}

/** What the provider knows about an mbox. */
export interface MboxFacts {
  /** True when the artifact cannot decide it on-device (the Delivery API would be needed). */
  remote: boolean;
  /** Attribute keys set by some json offer of its rules. */
  attributes: Set<string>;
  /** The rules as text, to tell whether an artifact update changed them. */
  fingerprint: string;
}

/** An artifact, indexed for resolving flags: every mbox's attributes and remoteness. */
export interface ArtifactIndex {
  mboxes: Map<string, MboxFacts>;
}

/** Index the artifact a decider decides with. */
export function indexOf(decider: Decider): ArtifactIndex {
  const { artifact } = decider;
  const mboxes = new Map<string, MboxFacts>();
  const rulesByMbox = artifact.rules.mboxes ?? {};
  const names = new Set([...Object.keys(rulesByMbox), ...(artifact.localMboxes ?? []), ...(artifact.remoteMboxes ?? [])]);
  for (const name of names) {
    const rules = rulesByMbox[name] ?? [];
    const attributes = new Set<string>();
    for (const rule of rules) {
      for (const key of jsonKeysOf(rule)) attributes.add(key);
    }
    const remote = decider.hasRemoteDependency({ execute: { mboxes: [{ name, index: 1 }] } }).remoteNeeded;
    mboxes.set(name, { remote, attributes, fingerprint: JSON.stringify(rules) });
  }
  return { mboxes };
}

/** The attribute keys a rule's json offers set. */
export function jsonKeysOf(rule: Rule): string[] {
  return (rule.consequence.options ?? []).flatMap((option) => (option.type === "json" && isRecord(option.content) ? Object.keys(option.content) : []));
}

/** Flag keys whose answers may differ between two indexes: every key of an mbox whose rules or remoteness changed. */
export function changedFlags(before: ArtifactIndex | undefined, after: ArtifactIndex): string[] {
  const changed: string[] = [];
  const names = new Set([...(before?.mboxes.keys() ?? []), ...after.mboxes.keys()]);
  for (const name of names) {
    const old = before?.mboxes.get(name);
    const now = after.mboxes.get(name);
    if (old && now && old.fingerprint === now.fingerprint && old.remote === now.remote) continue;
    changed.push(name);
    const attributes = new Set([...(old?.attributes ?? []), ...(now?.attributes ?? [])]);
    for (const attribute of [...attributes].sort()) changed.push(`${name}/${attribute}`);
  }
  return changed;
}
