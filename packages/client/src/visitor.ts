/**
 * The Experience Cloud visitor, server side: what the reference gets from Adobe's proprietary
 * `@adobe-mcid/visitor-js-server`, reimplemented from its documented behaviour. It reads the
 * `AMCV_{orgId}` cookie (Marketing Cloud visitor id, Audience Manager hint and blob), mints
 * supplemental data ids (SDID) for Analytics for Target, keeps customer ids, and exposes the
 * state that the browser's VisitorAPI takes as `serverState`.
 */
import { DEFAULT_GLOBAL_MBOX } from "@decisioning/engine";
import type { ClientPlatform } from "./platform.js";

/** Authentication states for `customerIds`, the values of Adobe's `Visitor.AuthState`. */
export const AuthState = { UNKNOWN: 0, AUTHENTICATED: 1, LOGGED_OUT: 2 } as const;
/** One of the {@link AuthState} values. */
export type AuthState = (typeof AuthState)[keyof typeof AuthState];

/** A customer id as the Visitor API takes it: an id, or an id with an authentication state. */
export type CustomerIdValue = string | { id?: string; authState?: AuthState };

/** Customer ids keyed by integration code (the Visitor API's `setCustomerIDs` format). */
export type CustomerIds = Record<string, CustomerIdValue>;

/** The values read from the AMCV cookie. */
export interface VisitorValues {
  /** Marketing Cloud (Experience Cloud) visitor id. */
  MCMID?: string;
  /** Audience Manager location hint. */
  MCAAMLH?: string;
  /** Audience Manager blob. */
  MCAAMB?: string;
}

/** Supplemental data id bookkeeping, as the browser's VisitorAPI expects it. */
export interface SdidState {
  supplementalDataIDCurrent?: string;
  supplementalDataIDCurrentConsumed: Record<string, boolean>;
  supplementalDataIDLast?: string;
  supplementalDataIDLastConsumed: Record<string, boolean>;
}

/** One organization's visitor state. */
export interface OrgVisitorState {
  sdid?: SdidState;
  customerIDs?: CustomerIds;
}

/** Visitor state keyed by organization id; hand it to the browser's VisitorAPI as `serverState`. */
export type VisitorState = Record<string, OrgVisitorState>;

/** What the client needs from a visitor; Adobe's `Visitor` instances qualify too. */
export interface VisitorLike {
  getVisitorValues(): VisitorValues;
  getSupplementalDataID(consumerId: string): string;
  setCustomerIDs(customerIds: CustomerIds): void;
  getState(): VisitorState;
}

const AMCV_PREFIX = "AMCV_";
const CONSUMER_PREFIX = "payload:";
const PICKED = ["MCMID", "MCAAMB", "MCAAMLH"] as const;

/** An org id in its canonical form (`…@AdobeOrg`). */
export function normalizeOrgId(organizationId: string): string {
  return organizationId.includes("@") ? organizationId : `${organizationId}@AdobeOrg`;
}

/** The AMCV cookie's name for an organization. */
export function visitorCookieName(organizationId: string): string {
  return AMCV_PREFIX + organizationId;
}

/** One field of the AMCV cookie. */
export interface AmcvField {
  value: string;
  /** Seconds since epoch; 0 when the field does not expire. */
  expires: number;
}

/**
 * Parse an AMCV cookie value: an optional numeric settings digest, then `KEY[-EXPIRES]|VALUE`
 * pairs separated by `|` (e.g. `MCMID|123|MCAAMLH-1700000000|9`). Expired fields are kept,
 * as the reference does: the browser's VisitorAPI is the one that resyncs them.
 */
export function parseAmcvCookie(cookieValue: string | undefined): Record<string, AmcvField> {
  const result: Record<string, AmcvField> = Object.create(null) as Record<string, AmcvField>;
  if (typeof cookieValue !== "string" || cookieValue === "" || cookieValue === "T") return result;
  let text = cookieValue;
  try {
    text = decodeURIComponent(cookieValue);
  } catch {
    // An undecodable cookie is read as written.
  }
  const parts = text.split("|");
  if (/^[-0-9]+$/.test(parts[0] ?? "")) {
    parts.shift();
    if (parts.length % 2 === 1) parts.pop();
  }
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const [key = "", expiry = ""] = (parts[i] ?? "").split("-");
    const expires = Number.parseInt(expiry, 10);
    result[key] = { value: parts[i + 1] ?? "", expires: Number.isNaN(expires) ? 0 : expires };
  }
  return result;
}

const HEX_CODES = Array.from("0123456789ABCDEF", (digit) => digit.charCodeAt(0));
const hexDigit = (value: number, shift: number): number => HEX_CODES[(value >>> shift) & 15] as number;

/** Scales of one draw: 31 bits (a half's first word stays below 8000…) and 32 bits. */
const BITS_31 = 2 ** 31;
const BITS_32 = 2 ** 32;
const DASH = "-".charCodeAt(0);

/**
 * A fresh SDID: two 16-digit upper-case hex halves joined by `-`, each read by Analytics as a
 * positive signed 64-bit number (so each half's first digit is below 8). Each half takes two
 * draws (31 and 32 bits), and all 33 characters come from one `fromCharCode` call: joining
 * pieces cost as much again (and the scales are constants: `2 ** bits` per call was slower still).
 */
export function generateSdid(random: () => number): string {
  const a = Math.floor(random() * BITS_31);
  const b = Math.floor(random() * BITS_32);
  const c = Math.floor(random() * BITS_31);
  const d = Math.floor(random() * BITS_32);
  return String.fromCharCode(
    hexDigit(a, 28),
    hexDigit(a, 24),
    hexDigit(a, 20),
    hexDigit(a, 16),
    hexDigit(a, 12),
    hexDigit(a, 8),
    hexDigit(a, 4),
    hexDigit(a, 0),
    hexDigit(b, 28),
    hexDigit(b, 24),
    hexDigit(b, 20),
    hexDigit(b, 16),
    hexDigit(b, 12),
    hexDigit(b, 8),
    hexDigit(b, 4),
    hexDigit(b, 0),
    DASH,
    hexDigit(c, 28),
    hexDigit(c, 24),
    hexDigit(c, 20),
    hexDigit(c, 16),
    hexDigit(c, 12),
    hexDigit(c, 8),
    hexDigit(c, 4),
    hexDigit(c, 0),
    hexDigit(d, 28),
    hexDigit(d, 24),
    hexDigit(d, 20),
    hexDigit(d, 16),
    hexDigit(d, 12),
    hexDigit(d, 8),
    hexDigit(d, 4),
    hexDigit(d, 0),
  );
}

/**
 * A visitor built from the AMCV cookie. SDIDs follow the VisitorAPI's consumption rule: each
 * consumer gets the current SDID once; a consumer asking again starts a new one (the old one
 * becomes "last"), and consumers that had not yet seen "last" get it first, so that calls made
 * for one page view share one SDID.
 */
let visitorSerials = 0;

export class ServerVisitor implements VisitorLike {
  /** Tells visitor objects apart in keys (the notification queue merges per visitor object). */
  readonly serial = ++visitorSerials;
  private readonly orgId: string;
  private readonly values: VisitorValues;
  private readonly random: () => number;
  private sdid: SdidState | undefined;
  private customerIds: CustomerIds | undefined;

  constructor(organizationId: string, amcvCookie?: string, platform?: Pick<ClientPlatform, "random">) {
    this.orgId = normalizeOrgId(organizationId);
    this.random = platform?.random ?? Math.random;
    const values: VisitorValues = {};
    // Most visitors come without a cookie; parsing none still builds a (slow, null-prototype) object.
    if (amcvCookie) {
      const fields = parseAmcvCookie(amcvCookie);
      for (const key of PICKED) {
        const field = fields[key];
        if (field) values[key] = field.value;
      }
    }
    this.values = values;
  }

  /** The AMCV cookie's name for this visitor's organization. */
  getCookieName(): string {
    return visitorCookieName(this.orgId);
  }

  /** `MCMID`, `MCAAMLH` and `MCAAMB` from the AMCV cookie. */
  getVisitorValues(): VisitorValues {
    return { ...this.values };
  }

  /** What `getVisitorValues` copies, without the copy. Read only. */
  peekValues(): Readonly<VisitorValues> {
    return this.values;
  }

  /** The SDID for a consumer (an mbox name, or `target-global-mbox`). */
  getSupplementalDataID(consumerId: string): string {
    if (this.sdid === undefined && consumerId === DEFAULT_GLOBAL_MBOX) {
      // A visitor's first SDID, for the usual consumer: the state the general path below
      // builds, keys in the same order, as literals (adding a computed key is a slow store).
      const sdid = generateSdid(this.random);
      this.sdid = {
        supplementalDataIDCurrentConsumed: { "payload:target-global-mbox": true },
        supplementalDataIDLastConsumed: {},
        supplementalDataIDCurrent: sdid,
      };
      return sdid;
    }
    const consumer = CONSUMER_PREFIX + consumerId;
    const state: SdidState = this.sdid ?? { supplementalDataIDCurrentConsumed: {}, supplementalDataIDLastConsumed: {} };
    this.sdid = state;
    if (!state.supplementalDataIDCurrent) state.supplementalDataIDCurrent = generateSdid(this.random);
    if (state.supplementalDataIDLast && !state.supplementalDataIDLastConsumed[consumer]) {
      state.supplementalDataIDLastConsumed[consumer] = true;
      return state.supplementalDataIDLast;
    }
    if (state.supplementalDataIDCurrentConsumed[consumer]) {
      state.supplementalDataIDLast = state.supplementalDataIDCurrent;
      state.supplementalDataIDLastConsumed = state.supplementalDataIDCurrentConsumed;
      state.supplementalDataIDCurrent = generateSdid(this.random);
      state.supplementalDataIDCurrentConsumed = {};
    }
    state.supplementalDataIDCurrentConsumed[consumer] = true;
    return state.supplementalDataIDCurrent;
  }

  /** Replace the customer ids (keyed by integration code). */
  setCustomerIDs(customerIds: CustomerIds): void {
    this.customerIds = customerIds;
  }

  /** `{[orgId]: {sdid?, customerIDs?}}`, a copy. */
  getState(): VisitorState {
    const state: OrgVisitorState = {};
    const sdid = this.sdid;
    if (sdid) {
      // Key by key rather than with conditional spreads: adding keys to a spread copy is slow in V8.
      const copy = {} as SdidState;
      if (sdid.supplementalDataIDCurrent !== undefined) copy.supplementalDataIDCurrent = sdid.supplementalDataIDCurrent;
      copy.supplementalDataIDCurrentConsumed = { ...sdid.supplementalDataIDCurrentConsumed };
      if (sdid.supplementalDataIDLast !== undefined) copy.supplementalDataIDLast = sdid.supplementalDataIDLast;
      copy.supplementalDataIDLastConsumed = { ...sdid.supplementalDataIDLastConsumed };
      state.sdid = copy;
    }
    if (this.customerIds) state.customerIDs = { ...this.customerIds };
    return { [this.orgId]: state };
  }

  /**
   * What building a request reads of the state, the customer ids as set and the current SDID,
   * without the copies `getState` makes. Read only.
   */
  peekState(): { customerIds: CustomerIds | undefined; currentSdid: string | undefined } {
    return { customerIds: this.customerIds, currentSdid: this.sdid?.supplementalDataIDCurrent };
  }
}
