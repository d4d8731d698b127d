import { geoFromLookup } from "../context/geo.js";
import { UNKNOWN_IP_ADDRESS } from "../context/ip.js";
import type { FetchApi, Geo } from "../types.js";
import { isRecord } from "../util/json.js";

/** Ask the geo service where an IP address is; `unknownIpAddress` asks about the caller. */
export async function lookupGeo(fetchApi: FetchApi, url: string, ipAddress: string | undefined): Promise<Geo> {
  const headers: Record<string, string> = {};
  if (ipAddress !== undefined && ipAddress !== UNKNOWN_IP_ADDRESS) headers["x-forwarded-for"] = ipAddress;
  const response = await fetchApi(url, { headers });
  if (!response.ok) throw new Error(`geo lookup failed: HTTP ${response.status}`);
  const body: unknown = await response.json();
  return geoFromLookup((name) => (isRecord(body) ? body[name] : undefined));
}
