// Decides test cases through TargetClient's on-device path with whatever client module it is
// handed. The same file runs in Node, in workerd and in Chromium: web-standard APIs only, and the
// clock, ids, randomness and network are pinned here so only the library can make answers differ.

/**
 * For each case of `{artifacts, cases}`: `getOffers` and `getAttributes` on-device, plus the
 * notification calls that followed; resolves with one answer per case.
 */
export async function decideWithClient(clientModule, { artifacts, cases }) {
  const answers = [];
  for (const c of cases) answers.push(await decideCase(clientModule.TargetClient, artifacts[c.artifact], c));
  return answers;
}

async function decideCase(TargetClient, artifact, { key, conf, input, now }) {
  let ids = 0;
  const deliveries = [];
  // Notifications are handed over as a worker's ctx.waitUntil would take them; waiting for them
  // between calls pins which telemetry rides on which call, however a runtime schedules tasks.
  const background = [];
  const settle = async () => {
    while (background.length > 0) await Promise.allSettled(background.splice(0));
  };
  const answer = { key, deliveries };
  // The artifact comes from the fake CDN; the Delivery API only ever sees notifications.
  const fetchApi = async (url, init) => {
    if (/\/rest\/v1\/delivery/.test(String(url))) {
      const body = JSON.parse(init.body);
      deliveries.push({ url: String(url), body });
      return new Response(JSON.stringify({ status: 200, requestId: body.requestId, id: body.id, client: conf.client }), {
        status: 200,
        headers: { "content-type": "application/json" },
      });
    }
    if (/\/v1\/geo$/.test(String(url))) return new Response("{}", { status: 500 });
    return new Response(JSON.stringify(artifact), { status: 200, headers: { "content-type": "application/json" } });
  };
  try {
    let ready;
    const readyPromise = new Promise((resolve) => (ready = resolve));
    const client = TargetClient.create({
      client: conf.client,
      organizationId: conf.organizationId,
      decisioningMethod: "on-device",
      pollingInterval: 0,
      // A known cluster: no location-hint call goes out before the first decision.
      targetLocationHint: "35",
      fetchApi,
      engineOptions: { waitUntil: (promise) => background.push(promise) },
      events: { clientReady: () => ready() },
      platform: { now: () => now, monotonic: () => 0, random: () => 0.5, timeOffsetInMinutes: () => 0, uuid: () => (++ids).toString(16).padStart(32, "0") },
    });
    // clientReady never fires for an engine that cannot start; give up rather than hang the run.
    await Promise.race([readyPromise, new Promise((_, reject) => setTimeout(() => reject(new Error("clientReady did not fire within 5 s")), 5000))]);
    try {
      const options = { request: structuredClone(input.request), sessionId: input.sessionId ?? "session-1" };
      answer.offers = await client.getOffers(options);
      await settle();
      const names = (input.request.execute?.mboxes ?? []).map((mbox) => mbox.name);
      // With no names getAttributes would add an empty `execute`, which the API refuses.
      if (names.length > 0) {
        const attributes = await client.getAttributes(names, { request: structuredClone(input.request), sessionId: options.sessionId });
        answer.attributes = attributes.toJSON();
      }
    } finally {
      await client.close();
    }
  } catch (error) {
    answer.error = { name: error?.name, code: error?.code, message: String(error?.message ?? error) };
  }
  return JSON.parse(JSON.stringify(answer));
}
