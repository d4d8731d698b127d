// The README's demo: a TargetClient deciding on-device from fixtures/artifacts/demo-flags.json,
// using the BUILT client (packages/client/dist). Run `pnpm demo` (it builds first).
//
// Nothing leaves this machine: Target's Delivery API is replaced by a stub `fetchApi` that
// counts what would have been sent (the location-hint ping and the display notifications).
// Drop the stub to talk to the real edge.
import { readFileSync } from "node:fs";

const { default: TargetClient } = await import("../packages/client/dist/index.js").catch((error: unknown) => {
  console.error("The client is not built: run `pnpm demo` (or `pnpm build`) first.");
  throw error;
});

const artifact = JSON.parse(readFileSync(new URL("../fixtures/artifacts/demo-flags.json", import.meta.url), "utf8")) as { version: string };
const MBOXES = ["demo-engineering-flags", "demo-checkout-experiment", "demo-hero-banner"];
const VISITORS = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"];

/** What the stub was sent: where, and how many notifications and telemetry entries. */
interface Sent {
  url: string;
  notifications: number;
  telemetry: number;
}

/** The part of a Delivery API request body the stub reads. */
interface DeliveryBody {
  requestId?: string;
  id?: unknown;
  notifications?: unknown[];
  telemetry?: { entries?: unknown[] };
}

// Stands in for https://acmeclient.tt.omtrdc.net/rest/v1/delivery.
const sent: Sent[] = [];
async function stubFetch(url: string, init?: { body?: string }) {
  const body = JSON.parse(init?.body ?? "{}") as DeliveryBody;
  sent.push({ url, notifications: body.notifications?.length ?? 0, telemetry: body.telemetry?.entries?.length ?? 0 });
  return new Response(JSON.stringify({ status: 200, requestId: body.requestId, client: "acmeclient", id: body.id ?? {} }), {
    headers: { "content-type": "application/json" },
  });
}

const client = await new Promise<ReturnType<typeof TargetClient.create>>((resolve) => {
  const created = TargetClient.create({
    client: "acmeclient",
    organizationId: "1234567890@AdobeOrg",
    decisioningMethod: "on-device",
    artifactPayload: artifact,
    fetchApi: stubFetch,
    events: { clientReady: () => resolve(created) },
  });
});

console.log(`TargetClient ready, deciding on-device from fixtures/artifacts/demo-flags.json (artifact ${artifact.version}).\n`);

/** One visitor's line of the table. */
interface Row {
  visitor: string;
  searchProviderId: number;
  cdnHostname: string;
  checkoutFlow: string;
  buttonColor: string;
  headline: string;
  ms: string;
}

const rows: Row[] = [];
const sentBeforeDecisions = sent.length;
for (const visitor of VISITORS) {
  const started = performance.now();
  const attributes = await client.getAttributes(MBOXES, { request: { id: { tntId: `visitor-${visitor}` } } });
  const ms = performance.now() - started;
  rows.push({
    visitor,
    searchProviderId: attributes.getNumber("demo-engineering-flags", "searchProviderId", -1),
    cdnHostname: attributes.getString("demo-engineering-flags", "cdnHostname", "?"),
    checkoutFlow: attributes.getString("demo-checkout-experiment", "checkoutFlow", "?"),
    buttonColor: attributes.getString("demo-checkout-experiment", "buttonColor", "?"),
    headline: attributes.getString("demo-hero-banner", "headline", "?"),
    ms: ms.toFixed(2),
  });
}
const sentDuringDecisions = sent.length - sentBeforeDecisions;

const columns = Object.keys(rows[0] as Row) as Array<keyof Row>;
const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => String(row[column]).length)));
const line = (cells: unknown[]) => cells.map((cell, i) => String(cell).padEnd(widths[i] as number)).join("  ");
console.log(line(columns));
console.log(line(widths.map((w) => "-".repeat(w))));
for (const row of rows) console.log(line(columns.map((column) => row[column])));

console.log(`\nThe whole flags object for alice:`);
const alice = await client.getAttributes(["demo-engineering-flags"], { request: { id: { tntId: "visitor-alice" } } });
console.log(JSON.stringify(alice.asObject("demo-engineering-flags")));

await client.close();
const notifications = sent.reduce((sum, call) => sum + call.notifications, 0);
console.log(`\nRequests to the Delivery API between the calls and their answers: ${sentDuringDecisions}`);
console.log(`Sent afterwards in the background (to the stub): ${sent.length} calls carrying ${notifications} display notifications.`);
