import { UNKNOWN_IP_ADDRESS } from "../context/ip.js";
import type { FetchApi, Geo } from "../types.js";
import { isRecord } from "../util/json.js";

/** Target's IP-to-geo endpoint. */
export const GEO_LOOKUP_URL = "https://assets.adobetarget.com/v1/geo";

const MAPPINGS: ReadonlyArray<readonly [string, keyof Geo, (value: unknown) => unknown]> = [
  ["x-forwarded-for", "ipAddress", (v) => v],
  ["x-geo-latitude", "latitude", (v) => Number.parseFloat(String(v))],
  ["x-geo-longitude", "longitude", (v) => Number.parseFloat(String(v))],
  ["x-geo-country-code", "countryCode", (v) => v],
  ["x-geo-region-code", "stateCode", (v) => v],
  ["x-geo-city", "city", (v) => v],
];

/** Map the geo service's JSON body (or CDN response headers) onto a request geo context. */
export function geoFromLookup(read: (name: string) => unknown): Geo {
  const geo: Record<string, unknown> = {};
  for (const [name, key, parse] of MAPPINGS) {
    const value = read(name);
    if (value !== null && value !== undefined) geo[key] = parse(value);
  }
  return geo as Geo;
}

/** Ask the geo service where an IP address is; `unknownIpAddress` asks about the caller. */
export async function lookupGeo(fetchApi: FetchApi, url: string, ipAddress: string | undefined): Promise<Geo> {
  const headers: Record<string, string> = {};
  if (ipAddress !== undefined && ipAddress !== UNKNOWN_IP_ADDRESS) headers["x-forwarded-for"] = ipAddress;
  const response = await fetchApi(url, { headers });
  if (!response.ok) throw new Error(`geo lookup failed: HTTP ${response.status}`);
  const body: unknown = await response.json();
  return geoFromLookup((name) => (isRecord(body) ? body[name] : undefined));
}
