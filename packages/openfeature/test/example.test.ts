import { readFileSync } from "node:fs";
import { DecisioningProvider } from "@decisioning/openfeature";
import { OpenFeature } from "@openfeature/server-sdk";
import { expect, it } from "vitest";

it("runs the README example", async () => {
  const rules = JSON.parse(readFileSync(new URL("../../../fixtures/artifacts/features.json", import.meta.url), "utf8"));

  // In production: { client: "acme", organizationId: "...@AdobeOrg", pollingInterval: 300000 } and no payload.
  await OpenFeature.setProviderAndWait(new DecisioningProvider({ client: "acme", artifactPayload: rules, pollingInterval: 0 }));
  const flags = OpenFeature.getClient();

  const details = await flags.getNumberDetails("flags/searchProviderId", 0, { targetingKey: "visitor-1", tier: "gold" });
  // { value: 7, variant: "Gold members", reason: "TARGETING_MATCH", flagMetadata: { activityId: 1002, ... } }
  expect(details).toMatchObject({ value: 7, variant: "Gold members", reason: "TARGETING_MATCH", flagMetadata: { activityId: 1002 } });

  await OpenFeature.close();
});
