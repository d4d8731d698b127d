/**
 * Response tokens filled from the request's geo context, with the geo context key each reads.
 * Requests and artifacts select among them with bit masks (bit i for token i).
 */
export const GEO_TOKENS = [
  ["geo.city", "city"],
  ["geo.country", "country"],
  ["geo.state", "region"],
  ["geo.latitude", "latitude"],
  ["geo.longitude", "longitude"],
] as const;
