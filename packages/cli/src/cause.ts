/** Error messages that name the root cause, which `fetch` hides behind "fetch failed". */

/**
 * The error's message, followed by its deepest cause when that says more: undici's
 * `TypeError: fetch failed` carries `connect ECONNREFUSED 127.0.0.1:1` (or ENOTFOUND, a TLS
 * failure) in its cause. Follows at most a few links.
 */
export function causeOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  let root: Error = error;
  for (let depth = 0; depth < 8 && root.cause instanceof Error; depth++) root = root.cause;
  if (root === error) return error.message;
  const code = (root as { code?: unknown }).code;
  let detail = root.message;
  if (typeof code === "string" && !detail.includes(code) && !error.message.includes(code)) detail = `${detail}, ${code}`;
  return detail && !error.message.includes(detail) ? `${error.message} (${detail})` : error.message;
}
