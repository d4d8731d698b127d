import { createDecisioningEngine } from "@decisioning/engine";
import { artifact } from "@decisioning/testing";
import { fault, startFakeCdn } from "@decisioning/testing/servers";
import { afterAll, expect, it } from "vitest";

const rules = artifact()
  .activity("banner")
  .mbox("hero")
  .experience("Only", 100, { json: { title: "Spring sale" } })
  .build();
const cdn = await startFakeCdn({ artifact: rules });
afterAll(() => cdn.close());

it("starts on the second try when the CDN fails once", async () => {
  cdn.fail(fault.status(503));
  const engine = await createDecisioningEngine({ client: "acme", artifactLocation: cdn.artifactUrl, pollingInterval: 0 });
  const response = await engine.getOffers({ request: { id: { tntId: "v-1" }, execute: { mboxes: [{ name: "hero", index: 1 }] } } });
  expect(response.execute?.mboxes?.[0]?.options?.[0]?.content).toEqual({ title: "Spring sale" });
  expect(cdn.requests.map((request) => request.outcome)).toEqual([503, 200]);
  await engine.close();
});
