#!/usr/bin/env node
// Start the example: `pnpm --filter @decisioning/client build && node examples/express-server/server.mjs`,
// then open http://127.0.0.1:3000/ and http://127.0.0.1:3000/api/flags (reload: same visitor,
// same decisions, thanks to the mbox cookie).
//
// Environment:
//   TARGET_CLIENT, TARGET_ORGANIZATION_ID  your Target account (default: the demo account, offline)
//   TARGET_DECISIONING_METHOD              on-device (default), hybrid or server-side
//   TARGET_ARTIFACT_LOCATION               rules.json URL (default: fixtures/artifacts/demo-flags.json, read from disk)
//   PORT                                   default 3000
import { readFileSync } from "node:fs";
import { createApp } from "./app.mjs";

// In your application: import TargetClient from "@decisioning/client";
const { default: TargetClient } = await import(new URL("../../packages/client/dist/index.js", import.meta.url).href);

const live = Boolean(process.env.TARGET_CLIENT);
const organizationId = process.env.TARGET_ORGANIZATION_ID ?? "1234567890@AdobeOrg";

// Offline, Target's Delivery API is a stub that only counts what it receives.
let stubbed = 0;
const offlineFetch = async (url, init) => {
  stubbed += 1;
  const body = JSON.parse(init?.body ?? "{}");
  return new Response(JSON.stringify({ status: 200, requestId: body.requestId, id: body.id ?? {} }), { headers: { "content-type": "application/json" } });
};

const client = await new Promise((resolve) => {
  const created = TargetClient.create({
    client: process.env.TARGET_CLIENT ?? "acmeclient",
    organizationId,
    decisioningMethod: process.env.TARGET_DECISIONING_METHOD ?? "on-device",
    ...(process.env.TARGET_ARTIFACT_LOCATION
      ? { artifactLocation: process.env.TARGET_ARTIFACT_LOCATION }
      : live
        ? {}
        : { artifactPayload: JSON.parse(readFileSync(new URL("../../fixtures/artifacts/demo-flags.json", import.meta.url), "utf8")) }),
    ...(live ? {} : { fetchApi: offlineFetch }),
    logger: { debug: () => {}, error: (...args) => console.error(...args) },
    events: {
      clientReady: () => resolve(created),
      sendNotificationError: (event) => console.error("notification not delivered:", event.error?.message),
      artifactDownloadFailed: (event) => console.error("artifact download failed:", event.error?.message),
    },
  });
});

const port = Number(process.env.PORT ?? 3000);
const server = createApp({ TargetClient, client, organizationId }).listen(port, "127.0.0.1", () => {
  console.log(`Listening on http://127.0.0.1:${port}/ and /api/flags (${live ? "live Target account" : "offline demo account"})`);
});

process.on("SIGINT", async () => {
  server.close();
  await client.close();
  if (!live) console.log(`\n${stubbed} Delivery API calls went to the offline stub.`);
  process.exit(0);
});
