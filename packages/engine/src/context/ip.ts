/** The placeholder Target accepts for "look up the caller's own address". */
export const UNKNOWN_IP_ADDRESS = "unknownIpAddress";

const WHITESPACE = /\s/;
const LINE_TERMINATOR = /[\n\r\u2028\u2029]/;
const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;

function isOctet(part: string): boolean {
  if (part.length === 0 || part.length > 3) return false;
  for (let i = 0; i < part.length; i++) {
    const c = part.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  if (part.length > 1 && part[0] === "0") return false;
  return Number(part) <= 255;
}

function isIpv4(text: string): boolean {
  const parts = text.split(".");
  return parts.length === 4 && parts.every(isOctet);
}

/** Explicit 16-bit groups in a colon-separated run (an IPv4 tail counts as two), or -1. */
function countGroups(run: string, allowIpv4Tail: boolean): number {
  if (run === "") return 0;
  const parts = run.split(":");
  let groups = 0;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? "";
    if (HEX_GROUP.test(part)) groups += 1;
    else if (allowIpv4Tail && i === parts.length - 1 && isIpv4(part)) groups += 2;
    else return -1;
  }
  return groups;
}

function isIpv6(text: string): boolean {
  const gap = text.indexOf("::");
  if (gap === -1) return countGroups(text, true) === 8;
  if (text.indexOf("::", gap + 1) !== -1) return false;
  const head = countGroups(text.slice(0, gap), false);
  const tail = countGroups(text.slice(gap + 2), true);
  // "::" stands for at least one zero group.
  return head >= 0 && tail >= 0 && head + tail <= 7;
}

function trimStart(text: string): string {
  let i = 0;
  while (i < text.length && WHITESPACE.test(text[i] ?? "")) i++;
  return text.slice(i);
}

function trimEnd(text: string): string {
  let end = text.length;
  while (end > 0 && WHITESPACE.test(text[end - 1] ?? "")) end--;
  return text.slice(0, end);
}

/** A zone id (`%eth0`) as Target's validator accepts it: one line of text, then only spaces. */
function isZone(zone: string): boolean {
  if (zone.length === 0 || LINE_TERMINATOR.test(zone[0] ?? "")) return false;
  const match = LINE_TERMINATOR.exec(zone);
  return match === null || trimEnd(zone.slice(match.index)) === "";
}

/**
 * Whether a string is an IPv4 or IPv6 address as Target's SDKs judge it: surrounding
 * whitespace allowed, no leading zeros in IPv4 octets, an optional IPv6 zone id. Written as
 * a linear scan so that hostile input costs no more than its length.
 */
export function isValidIpAddress(value: unknown): boolean {
  if (typeof value !== "string" || value.length > 1024) return false;
  const text = trimStart(value);
  const zoneAt = text.indexOf("%");
  if (zoneAt === -1) {
    const address = trimEnd(text);
    return isIpv4(address) || isIpv6(address);
  }
  return isIpv6(text.slice(0, zoneAt)) && isZone(text.slice(zoneAt + 1));
}
