// The benchmark's artifacts and request mixes, shared by the bench and the load probes.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const conformance = fileURLToPath(new URL("../../fixtures/conformance/", import.meta.url));
const readJson = (path) => JSON.parse(readFileSync(path, "utf8"));

/** Path of a file of fixtures/conformance (Adobe's schema and the real-world artifacts). */
export function conformancePath(relative) {
  const path = `${conformance}${relative}`;
  if (!existsSync(path)) throw new Error(`${path} is missing: the benchmark reads fixtures/conformance`);
  return path;
}

/** Adobe's test schema folder (`target-sdk-testing`). */
export function conformanceRoot() {
  return `${conformance}target-sdk-testing`;
}

export const CHROME_MAC =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";

let counter = 0;
/** A fresh visitor id per call, as a new visitor would bring. */
export const freshVisitor = () => `${(++counter).toString(16).padStart(8, "0")}bench0000000000000000.28_0`;

/** Scenario definitions: artifact path plus a request factory. */
export function scenarios() {
  const small = conformancePath("target-sdk-testing/schema/artifacts/TEST_ARTIFACT_AB_SIMPLE.json");
  const large = conformancePath("real-world/artifact-large.json");
  const largeArtifact = readJson(large);
  const mboxNames = ["kitty", "browser-mbox", "offer3", "crazy2", "vanilla-mbox"];
  return [
    {
      id: "1-ab-execute",
      title: "one mbox, execute, small A/B artifact, new visitor each call",
      artifactPath: small,
      client: "someClientId",
      request: () => ({
        requestId: "bench",
        id: { tntId: freshVisitor() },
        context: { channel: "web", address: { url: "http://local-target-test/" }, userAgent: CHROME_MAC },
        execute: { mboxes: [{ name: "mbox-magician", index: 1 }] },
      }),
    },
    {
      id: "2-targeted",
      title: "targeted request (URL, browser, params) on artifact-large.json",
      artifactPath: large,
      client: largeArtifact.meta.clientCode,
      request: () => ({
        requestId: "bench",
        id: { tntId: freshVisitor() },
        context: {
          channel: "web",
          address: { url: "https://www.adobe.com/products/photoshop.html?lang=en#top", referringUrl: "https://www.google.com/" },
          userAgent: CHROME_MAC,
          geo: { countryCode: "US", stateCode: "CA", city: "SAN JOSE" },
        },
        execute: { mboxes: [{ name: "crazy2", index: 1, parameters: { foo: "bar", greg: "correct" } }] },
      }),
    },
    {
      id: "3-pageload",
      title: "pageLoad + 5 mboxes + all views on artifact-large.json",
      artifactPath: large,
      client: largeArtifact.meta.clientCode,
      request: () => ({
        requestId: "bench",
        id: { tntId: freshVisitor() },
        context: { channel: "web", address: { url: "https://www.adobe.com/home?x=1" }, userAgent: CHROME_MAC },
        execute: { pageLoad: { parameters: { foo: "bar" } }, mboxes: mboxNames.map((name, index) => ({ name, index: index + 1 })) },
        prefetch: { views: [{}] },
      }),
    },
  ];
}

export { readJson };

/** Scenario 4: `getAttributes` for one mbox through the TargetClient, on-device. */
export function attributesScenario() {
  const large = conformancePath("real-world/artifact-large.json");
  return {
    id: "4-get-attributes",
    title: "getAttributes through the TargetClient, on-device, one mbox, one value read (artifact-large.json)",
    artifactPath: large,
    client: readJson(large).meta.clientCode,
    mboxes: ["demo-engineering-flags"],
    // A value is read from every answer: an SDK may leave work until the first read (ours does).
    read: ["demo-engineering-flags", "searchProviderId"],
    options: () => ({
      request: {
        id: { tntId: freshVisitor() },
        context: { channel: "web", address: { url: "https://www.adobe.com/" }, userAgent: CHROME_MAC },
      },
    }),
  };
}
