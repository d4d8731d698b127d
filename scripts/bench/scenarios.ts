// The benchmark's artifacts and request mixes, shared by the bench and its probes.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Artifact, DeliveryRequest } from "../../packages/engine/dist/index.js";

const conformance = fileURLToPath(new URL("../../fixtures/conformance/", import.meta.url));

/** A parsed JSON file, typed by the caller: the benchmark reads only files of this repository. */
export function readJson<T = unknown>(path: string): T {
  return JSON.parse(readFileSync(path, "utf8")) as T;
}

/** Path of a file of fixtures/conformance (Adobe's schema and the real-world artifacts); throws, naming it, when it is missing. */
export function conformancePath(relative: string): string {
  const path = `${conformance}${relative}`;
  if (!existsSync(path)) throw new Error(`${path} is missing: the benchmark reads fixtures/conformance`);
  return path;
}

/** Adobe's test schema folder (`target-sdk-testing`). */
export function conformanceRoot(): string {
  return conformancePath("target-sdk-testing");
}

/** The real-world artifact most scenarios decide from. */
export const largeArtifactPath = (): string => conformancePath("real-world/artifact-large.json");

/** The client code an artifact was published for; throws, naming the file, when it says none. */
export function clientCodeOf(path: string): string {
  const code = readJson<Artifact>(path).meta?.clientCode;
  if (!code) throw new Error(`${path} names no client code (meta.clientCode)`);
  return code;
}

/** A desktop Chrome user agent. */
export const CHROME_MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";

let counter = 0;
/** A fresh visitor id per call, as a new visitor would bring. */
export const freshVisitor = (): string => `${(++counter).toString(16).padStart(8, "0")}bench0000000000000000.28_0`;

/** An engine scenario (1 to 3): the artifact it decides from, the client code and a fresh request per call. */
export interface Scenario {
  id: string;
  title: string;
  artifactPath: string;
  client: string;
  request(): DeliveryRequest;
}

/** Scenario 4: `getAttributes` through a TargetClient, with one value read from each answer. */
export interface AttributesScenario {
  id: typeof ATTRIBUTES_ID;
  title: string;
  artifactPath: string;
  client: string;
  mboxes: string[];
  /** The mbox and the key read from every answer: an SDK may leave work until the first read (ours does). */
  read: { mbox: string; key: string };
  options(): { request: DeliveryRequest };
}

/** Scenarios 1 to 3. */
export function scenarios(): Scenario[] {
  const small = conformancePath("target-sdk-testing/schema/artifacts/TEST_ARTIFACT_AB_SIMPLE.json");
  const large = largeArtifactPath();
  const client = clientCodeOf(large);
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
      client,
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
      client,
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

/** The id of scenario 4. */
export const ATTRIBUTES_ID = "4-get-attributes";

/** Scenario 4: `getAttributes` for one mbox through the TargetClient, on-device. */
export function attributesScenario(): AttributesScenario {
  const large = largeArtifactPath();
  return {
    id: ATTRIBUTES_ID,
    title: "getAttributes through the TargetClient, on-device, one mbox, one value read (artifact-large.json)",
    artifactPath: large,
    client: clientCodeOf(large),
    mboxes: ["demo-engineering-flags"],
    read: { mbox: "demo-engineering-flags", key: "searchProviderId" },
    options: () => ({
      request: {
        id: { tntId: freshVisitor() },
        context: { channel: "web", address: { url: "https://www.adobe.com/" }, userAgent: CHROME_MAC },
      },
    }),
  };
}

/** Scenario 1 to 3 by id; throws, naming the id, for an unknown one. */
export function scenarioById(id: string): Scenario {
  const scenario = scenarios().find((s) => s.id === id);
  if (!scenario)
    throw new Error(
      `no scenario ${id}: expected one of ${scenarios()
        .map((s) => s.id)
        .join(", ")} or ${ATTRIBUTES_ID}`,
    );
  return scenario;
}
