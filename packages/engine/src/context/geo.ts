import type { Geo } from "../types.js";
import { defineOwn } from "../util/json.js";
import { isValidIpAddress, UNKNOWN_IP_ADDRESS } from "./ip.js";

/** Target's IP-to-geo endpoint. */
export const GEO_LOOKUP_URL = "https://assets.adobetarget.com/v1/geo";

/** Header (or JSON key) of the geo service and the CDN, the geo field it fills, and how its text is read. */
const LOOKUP_FIELDS: ReadonlyArray<readonly [string, keyof Geo, (value: unknown) => unknown]> = [
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
  for (const [name, key, parse] of LOOKUP_FIELDS) {
    const value = read(name);
    if (value !== null && value !== undefined) geo[key] = parse(value);
  }
  return geo as Geo;
}

/** The geo context with unusable IP addresses dropped. */
export function cleanGeo(geo: Geo | undefined): Geo {
  if (!geo) return {};
  const ip = geo.ipAddress;
  if (ip === undefined || (ip !== UNKNOWN_IP_ADDRESS && isValidIpAddress(ip))) return { ...geo };
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(geo)) {
    if (key !== "ipAddress") defineOwn(result, key, (geo as Record<string, unknown>)[key]);
  }
  return result as Geo;
}

/** True when the geo context holds an IP address and nothing else worth deciding with. */
export function needsGeoLookup(geo: Geo | undefined): boolean {
  if (!geo) return false;
  const ip = geo.ipAddress;
  return (
    (ip === UNKNOWN_IP_ADDRESS || isValidIpAddress(ip)) &&
    geo.latitude === undefined &&
    geo.longitude === undefined &&
    geo.countryCode === undefined &&
    geo.stateCode === undefined &&
    geo.city === undefined
  );
}

/** The geo context of a request without one: shared, and frozen so no rule can change it. */
export const NO_GEO_CONTEXT: Readonly<Record<string, unknown>> = Object.freeze({
  country: undefined,
  region: undefined,
  city: undefined,
  latitude: undefined,
  longitude: undefined,
});

/** The geo context rules read (`geo.country`, …); the shared empty one when the request locates nothing. */
export function geoContextOf(geo: Geo | undefined | null): Readonly<Record<string, unknown>> {
  if (geo === undefined || geo === null) return NO_GEO_CONTEXT;
  const { countryCode, stateCode, city, latitude, longitude } = geo;
  if (countryCode === undefined && stateCode === undefined && city === undefined && latitude === undefined && longitude === undefined) return NO_GEO_CONTEXT;
  return { country: countryCode, region: stateCode, city, latitude, longitude };
}
