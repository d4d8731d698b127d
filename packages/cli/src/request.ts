/**
 * The request a command decides: a request file, shortcuts that write one for you, or both
 * (shortcuts then adjust the file's request).
 */
import {
  internal,
  type DeliveryRequest,
  type GetOffersOptions,
  type MboxRequest,
  type ModeRequest,
  type RequestDetails,
  type ViewRequest,
} from "@decisioning/engine";
import { keyValue, listOption, stringOption, type OptionSpec, type ParsedOptions } from "./args.js";
import { CliError, CliErrorCode } from "./errors.js";
import { readJson, type Io } from "./io.js";

const { isRecord } = internal;

/** Options that describe the artifact to decide with. */
export const ARTIFACT_OPTIONS: Record<string, OptionSpec> = {
  artifact: { type: "string", short: "a", value: "<file|url>", description: "the rules artifact: rules.json, or rules.bin with --organization-id" },
  "organization-id": { type: "string", value: "<id>", description: "Experience Cloud organization id, to read an obfuscated rules.bin" },
  client: { type: "string", value: "<code>", description: "Target client code (default: the artifact's meta.clientCode)" },
};

/** Keys `--geo` takes: the Delivery API's geo context. */
export const GEO_KEYS = ["countryCode", "stateCode", "city", "zip", "latitude", "longitude", "ipAddress"] as const;

/** Options that describe the request (the visitor and page) to decide. */
export const REQUEST_OPTIONS: Record<string, OptionSpec> = {
  request: {
    type: "string",
    short: "r",
    value: "<file|->",
    description: "a Delivery API request (or {request, sessionId, ...} options) as JSON; - reads stdin",
  },
  mbox: { type: "string", short: "m", multiple: true, value: "<name>", description: "request this mbox" },
  view: { type: "string", multiple: true, value: "<name>", description: "request this view" },
  "page-load": { type: "boolean", description: "request the page load (the global mbox)" },
  prefetch: { type: "boolean", description: "put the requested mboxes, views and page load under prefetch instead of execute" },
  visitor: { type: "string", value: "<id>", description: "the visitor's tntId" },
  url: { type: "string", value: "<url>", description: "the page URL (context.address.url)" },
  referrer: { type: "string", value: "<url>", description: "the referring URL" },
  param: { type: "string", short: "p", multiple: true, value: "<key=value>", description: "an mbox parameter on the requested mboxes, views and page load" },
  "user-agent": { type: "string", value: "<ua>", description: "the browser's user agent" },
  geo: {
    type: "string",
    multiple: true,
    value: "<key=value>",
    description: `geo context: ${GEO_KEYS.join(", ")} (an ipAddress is not looked up: give the others)`,
  },
  property: { type: "string", value: "<token>", description: "at.js property token" },
  at: { type: "string", value: "<time>", description: "decide as of this ISO 8601 time (default: now)" },
};

const REQUEST_KEYS = ["execute", "prefetch", "context", "id", "property", "experienceCloud", "requestId", "trace", "notifications"];

/** Accept either getOffers options (`{request, sessionId, ...}`) or a bare Delivery API request. */
export function optionsOf(json: unknown, label: string): GetOffersOptions {
  if (!isRecord(json)) throw new CliError(CliErrorCode.Request, `${label} must be a JSON object: a Delivery API request, or {"request": ...}`);
  const isRequest = REQUEST_KEYS.some((key) => key in json);
  if (!isRequest && "request" in json && !isRecord(json.request)) {
    throw new CliError(
      CliErrorCode.Request,
      `${label}: request must be a JSON object (a Delivery API request), got ${json.request === null ? "null" : Array.isArray(json.request) ? "an array" : typeof json.request}`,
    );
  }
  const looksLikeOptions = isRecord(json.request) && !isRequest;
  return looksLikeOptions ? { ...(json as unknown as GetOffersOptions) } : { request: json as DeliveryRequest };
}

/** The decision time from `--at`, or now. */
export function nowOf(options: ParsedOptions): number {
  const at = stringOption(options, "at");
  if (at === undefined) return Date.now();
  const ms = Date.parse(at);
  if (Number.isNaN(ms)) throw new CliError(CliErrorCode.Usage, `--at takes an ISO 8601 time such as 2026-01-31T18:30:00Z, got ${JSON.stringify(at)}`);
  return ms;
}

/** The `--param key=value` pairs. */
export function parametersOf(options: ParsedOptions): Record<string, string> {
  const parameters: Record<string, string> = {};
  for (const raw of listOption(options, "param")) {
    const [key, value] = keyValue(raw, "param");
    parameters[key] = value;
  }
  return parameters;
}

/** True when the command line asks for something to decide without a request file. */
export function hasShortcutItems(options: ParsedOptions): boolean {
  return listOption(options, "mbox").length > 0 || listOption(options, "view").length > 0 || options["page-load"] === true;
}

/**
 * Apply the shortcuts to a request (a fresh one when none was given). Parameters go to the
 * items the shortcuts add, or to every item of the request file when they add none.
 */
export function applyShortcuts(base: GetOffersOptions | undefined, options: ParsedOptions): GetOffersOptions {
  const result: GetOffersOptions = base ? structuredClone(base) : { request: {} };
  const request = result.request;
  const context = (request.context ??= { channel: "web" });
  const visitor = stringOption(options, "visitor");
  if (visitor !== undefined) request.id = { ...request.id, tntId: visitor };
  const url = stringOption(options, "url");
  const referrer = stringOption(options, "referrer");
  if (url !== undefined || referrer !== undefined) {
    context.address = { ...context.address, ...(url !== undefined ? { url } : {}), ...(referrer !== undefined ? { referringUrl: referrer } : {}) };
  }
  const userAgent = stringOption(options, "user-agent");
  if (userAgent !== undefined) context.userAgent = userAgent;
  const geo = listOption(options, "geo");
  if (geo.length > 0) {
    const values: Record<string, unknown> = { ...context.geo };
    for (const raw of geo) {
      const [key, value] = keyValue(raw, "geo");
      if (!(GEO_KEYS as readonly string[]).includes(key))
        throw new CliError(CliErrorCode.Usage, `--geo takes ${GEO_KEYS.join(", ")}; got ${JSON.stringify(key)}`);
      values[key] = key === "latitude" || key === "longitude" ? Number(value) : value;
    }
    context.geo = values;
  }
  const property = stringOption(options, "property");
  if (property !== undefined) request.property = { ...request.property, token: property };

  const parameters = parametersOf(options);
  const withParameters = <T extends RequestDetails>(item: T): T =>
    Object.keys(parameters).length > 0 ? { ...item, parameters: { ...item.parameters, ...parameters } } : item;

  const mode: "execute" | "prefetch" = options.prefetch === true ? "prefetch" : "execute";
  const mboxes = listOption(options, "mbox");
  const views = listOption(options, "view");
  const added = hasShortcutItems(options);
  if (added) {
    const block: ModeRequest = (request[mode] ??= {});
    if (mboxes.length > 0) {
      const existing = [...(request.execute?.mboxes ?? []), ...(request.prefetch?.mboxes ?? [])];
      let index = Math.max(0, ...existing.map((m) => (typeof m.index === "number" ? m.index : 0)));
      block.mboxes = [...(block.mboxes ?? []), ...mboxes.map((name): MboxRequest => withParameters<MboxRequest>({ name, index: ++index }))];
    }
    if (views.length > 0) block.views = [...(block.views ?? []), ...views.map((name): ViewRequest => withParameters<ViewRequest>({ name }))];
    if (options["page-load"] === true) block.pageLoad = withParameters({ ...block.pageLoad });
  } else if (Object.keys(parameters).length > 0) {
    for (const key of ["execute", "prefetch"] as const) {
      const block = request[key];
      if (!block) continue;
      if (block.mboxes) block.mboxes = block.mboxes.map(withParameters);
      if (block.views) block.views = block.views.map(withParameters);
      if (block.pageLoad) block.pageLoad = withParameters(block.pageLoad);
    }
  }
  return result;
}

/** The request a command decides, from `--request` and the shortcuts; throws a usage error when there is nothing to decide. */
export async function requestOf(options: ParsedOptions, io: Io, command: string): Promise<GetOffersOptions> {
  const source = stringOption(options, "request");
  if (source === undefined && !hasShortcutItems(options)) {
    throw new CliError(
      CliErrorCode.Usage,
      `nothing to ${command}: give --request <file|->, or --mbox <name>, --view <name> or --page-load (see decisioning ${command} --help)`,
    );
  }
  const base =
    source === undefined ? undefined : optionsOf(await readJson(source, "request", io), source === "-" ? "the request on stdin" : `the request ${source}`);
  return applyShortcuts(base, options);
}
