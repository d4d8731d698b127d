/**
 * The rules artifact (`rules.json`) as Target publishes it. Offer options and metrics have the
 * shapes of the Delivery API's (`./delivery.ts`): responses are stamped from them.
 */
import type { Metric, Option } from "./delivery.js";

/** A JSON value as found in artifacts, offer content and attributes. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Rule metadata: flat dotted keys such as `activity.id` or `experience.name`. */
export type RuleMeta = { [key: string]: unknown } & {
  "activity.id"?: number | string;
  "activity.name"?: string;
  "activity.type"?: string;
  "experience.id"?: number | string;
  "experience.name"?: string;
  "location.id"?: number | string;
  "location.name"?: string;
  "location.type"?: string;
  "offer.id"?: number | string;
  "offer.name"?: string;
  "option.id"?: number | string;
  "option.name"?: string;
  "audience.ids"?: Array<number | string>;
};

/** What a rule gives when its condition holds. */
export interface Consequence {
  name?: string;
  options?: Option[];
  metrics?: Metric[];
  [key: string]: unknown;
}

/** One rule of the artifact. */
export interface Rule {
  ruleKey?: string;
  activityId?: number | string;
  meta: RuleMeta;
  condition?: unknown;
  consequence: Consequence;
  propertyTokens?: string[];
}

/** The rules artifact (`rules.json`). */
export interface Artifact {
  version: string;
  meta?: { clientCode?: string; environment?: string; [key: string]: unknown };
  globalMbox?: string;
  geoTargetingEnabled?: boolean;
  responseTokens?: string[];
  localMboxes?: string[];
  remoteMboxes?: string[];
  localViews?: string[];
  remoteViews?: string[];
  rules: { mboxes: Record<string, Rule[]>; views: Record<string, Rule[]> };
  [key: string]: unknown;
}
