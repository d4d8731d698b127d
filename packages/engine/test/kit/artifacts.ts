import { readFileSync } from "node:fs";
import type { Artifact, DeliveryResponse, GetOffersOptions, Rule } from "../../src/index.js";

/** Folder of the real-world artifacts (`rules.json`, `rules.bin`, `artifact-large.json`), carried in fixtures/conformance. */
export const REAL_WORLD_DIR = new URL("../../../../fixtures/conformance/real-world/", import.meta.url);

/** The organization `real-world/rules.bin` is obfuscated for. */
export const REAL_WORLD_ORG = "74F652E95F1B16FE0A495C92@AdobeOrg";

/** Read a file of the real-world folder. */
export function realWorldFile(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(name, REAL_WORLD_DIR)));
}

/** A `rules.bin` with its `rules.json` twin and organization: Adobe's real-world pair. */
export function binFixture(): { bin: Uint8Array; json: unknown; organizationId: string } {
  return { bin: realWorldFile("rules.bin"), json: JSON.parse(new TextDecoder().decode(realWorldFile("rules.json"))), organizationId: REAL_WORLD_ORG };
}

/** Options of {@link flagArtifact}. */
export interface FlagArtifactOptions {
  /** Artifact version (default `1.0.0`). */
  version?: string;
  /** Mboxes that carry the value (default `["flag"]`). */
  mboxes?: string[];
  geoTargetingEnabled?: boolean;
  /** Client code in `meta` (default `acme`). */
  clientCode?: string;
}

/**
 * A small valid artifact: each mbox has one rule that always matches and answers the JSON
 * offer `{value}`. Tests serve artifacts with different values and read which one decided.
 */
export function flagArtifact(value: unknown, options: FlagArtifactOptions = {}): Artifact {
  const names = options.mboxes ?? ["flag"];
  const mboxes: Record<string, Rule[]> = {};
  names.forEach((name, i) => {
    mboxes[name] = [
      {
        ruleKey: `rule-${i}`,
        activityId: 1000 + i,
        meta: {
          "activity.id": 1000 + i,
          "activity.name": `activity ${name}`,
          "activity.type": "ab",
          "experience.id": 0,
          "experience.name": "Experience A",
          "location.name": name,
          "location.type": "mbox",
          "location.id": 0,
          "audience.ids": [],
          "offer.id": 2000 + i,
          "offer.name": `offer ${name}`,
          "option.id": 1,
          "option.name": "Offer1",
        },
        // Every visitor's allocation is in 0..99.99, so this always holds.
        condition: { "<=": [0, { var: "allocation" }] },
        consequence: {
          name,
          options: [{ type: "json", content: { value }, eventToken: `token-${name}-${String(value)}` }],
          metrics: [],
        },
      },
    ];
  });
  return {
    version: options.version ?? "1.0.0",
    meta: { clientCode: options.clientCode ?? "acme", environment: "production" },
    globalMbox: "target-global-mbox",
    geoTargetingEnabled: options.geoTargetingEnabled ?? false,
    responseTokens: [],
    remoteMboxes: [],
    remoteViews: [],
    localMboxes: names,
    localViews: [],
    rules: { mboxes, views: {} },
  };
}

/** A `getOffers` request for the given mboxes (default `flag`), for a fixed visitor. */
export function flagRequest(mboxes: string[] = ["flag"], extra: Partial<GetOffersOptions["request"]> = {}): GetOffersOptions {
  return {
    request: {
      id: { tntId: "visitor-1.28_0" },
      context: { channel: "web" },
      execute: { mboxes: mboxes.map((name, i) => ({ name, index: i + 1 })) },
      ...extra,
    },
  };
}

/** The `value` each executed mbox of a response decided (in request order). */
export function flagValues(response: DeliveryResponse): unknown[] {
  return (response.execute?.mboxes ?? []).map((mbox) => {
    const content = mbox.options?.[0]?.content as { value?: unknown } | undefined;
    return content?.value;
  });
}

/** The `value` the first executed mbox decided. */
export function flagValue(response: DeliveryResponse): unknown {
  return flagValues(response)[0];
}
