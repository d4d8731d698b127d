/** What `createDecisioningEngine` and `createDecider` give back. */
import type { Artifact, Rule } from "./artifact.js";
import type { GetOffersOptions, NotificationPayload, RemoteDependency } from "./decision.js";
import type { DecidedResponse, DeliveryRequest } from "./delivery.js";

/** The engine contract shared with Adobe's decisioning engine; `V` is the type of `GetOffersOptions.visitor`. */
export interface DecisioningEngine<V = unknown> {
  /** Decide a request on-device. */
  getOffers(options: GetOffersOptions<V>): Promise<DecidedResponse>;
  /**
   * Addition: decide at once, with no promise in between. Undefined when the request needs an
   * IP geo lookup first (call `getOffers`); throws the errors `getOffers` rejects with.
   */
  getOffersSync(options: GetOffersOptions<V>): DecidedResponse | undefined;
  /** A copy of the artifact in use. */
  getRawArtifact(): Artifact | undefined;
  /**
   * Addition: the decider of the artifact in use (undefined before one is loaded): decides as
   * `getOffersSync` does, without the notification hand-off and the geo lookup, and can report
   * the matched rules. Ask again per decision: the engine swaps deciders as artifacts arrive.
   */
  getDecider(): Decider | undefined;
  /** Which requested names need the Delivery API. */
  hasRemoteDependency(request: DeliveryRequest): RemoteDependency;
  /** Whether an artifact is loaded. */
  isReady(): boolean;
  /** Stop refreshing the artifact. */
  stopPolling(): void;
  /** Stop refreshing, then wait for pending notifications and downloads. */
  close(): Promise<void>;
}

/** An id and a name from a rule's meta (`activity.id` and `activity.name`, say), as the artifact gives them. */
export interface MetaRef {
  readonly id: string | number | undefined;
  readonly name: string | undefined;
}

/** What a rule's meta says about it, and whether it splits traffic. */
export interface RuleFacts {
  /** The rule as the artifact has it (do not mutate). */
  readonly rule: Rule;
  readonly ruleKey: string | undefined;
  readonly activity: MetaRef & { readonly type: string | undefined };
  readonly experience: MetaRef;
  readonly offer: MetaRef;
  readonly option: MetaRef;
  /** Whether the rule's condition reads the visitor's allocation: its answer is a traffic split (an A/B test), not targeting alone. */
  readonly split: boolean;
}

/** A rule that answered one item of a request. */
export interface RuleMatch extends RuleFacts {
  /** The request block the item is in. */
  readonly mode: "execute" | "prefetch";
  /** What the item asked for: an mbox, a view, or the page load (the global mbox). */
  readonly kind: "mbox" | "view" | "pageLoad";
  /** The item's position in its block's `mboxes` or `views` list (0 for the page load). */
  readonly item: number;
  /** The mbox or view the rule answered: the item's name, the view's for a request of every view, the global mbox for the page load. */
  readonly name: string;
}

/** What a decision reports besides its answer. */
export interface DecideReport {
  /** Report the rules that matched, in `DecideResult.matches` (off by default: decisions pay nothing for it). */
  matches?: boolean;
}

/** A decided request: the response and, when something is owed to Target, the notification payload. */
export interface DecideResult {
  response: DecidedResponse;
  /** The request as decided (ids, request id and geo filled in). */
  request: DeliveryRequest;
  /** What to hand to `sendNotificationFunc`, or undefined when nothing is owed. */
  notification: NotificationPayload | undefined;
  /**
   * With `{matches: true}`: every rule whose answer is in the response, per item, in the order
   * they matched. Undefined otherwise.
   */
  matches?: RuleMatch[];
  /**
   * With `{matches: true}`: whether a condition read the visitor's allocation, so that another
   * visitor id could get another answer (a traffic split decided, whether or not it matched; a
   * traced decision reads every rule's). Undefined otherwise.
   */
  allocationRead?: boolean;
}

/** A client code that differs from the one the artifact was published for. */
export interface ClientMismatch {
  /** The client code decisions use (the configured `client`). */
  readonly client: string;
  /** The artifact's `meta.clientCode`. */
  readonly artifactClientCode: string;
}

/** Decides requests against one loaded artifact, synchronously and without I/O. */
export interface Decider {
  /** Decide a request. Throws a `RequestError` for a request that cannot be decided. */
  decide(options: GetOffersOptions, report?: DecideReport): DecideResult;
  /** Which requested names need the Delivery API. */
  hasRemoteDependency(request: DeliveryRequest): RemoteDependency;
  /**
   * Whether the artifact knows a name: decides it (listed as local, or has rules for it) or lists
   * it as remote. A name it does not know is answered as remote too, but is most likely a typo.
   */
  declares(kind: "mbox" | "view", name: string): boolean;
  /** The artifact decided against (do not mutate). */
  readonly artifact: Artifact;
  /** Rules whose conditions could not be compiled (they never match). */
  readonly problems: readonly string[];
  /** The client code decisions use: visitors' allocations are hashed with it. */
  readonly client: string;
  /**
   * Set when `client` differs from the artifact's `meta.clientCode`: decisions go on, with
   * allocations that differ from Target's for the artifact's client (a tool may refuse them).
   */
  readonly clientMismatch: ClientMismatch | undefined;
}

/** The artifact half of a request trace: where the artifact came from and how fresh it is, plus its `meta`. */
export type ArtifactTrace = Record<string, unknown>;
