// Decides test cases with whatever engine module it is handed. The same file runs in Node, in
// workerd and in Chromium, so it may use web-standard APIs only, and everything that could differ
// between runs (clock, ids, durations, the artifact's transport) is pinned here: any difference
// left in the answers comes from the engine itself.

/**
 * Decide each case of `{artifacts, cases}` with `engine` (a module exporting
 * `createDecisioningEngine`); resolves with one `{key, response?, notifications, geoLookups, error?}` per case.
 */
export async function decideCases(engine, { artifacts, cases }) {
  const answers = [];
  // One at a time: the answers must not depend on how a runtime interleaves engines.
  for (const c of cases) answers.push(await decideCase(engine, artifacts[c.artifact], c));
  return answers;
}

async function decideCase(engine, artifact, { key, conf, input, now }) {
  let ids = 0;
  let geoLookups = 0;
  const notifications = [];
  const answer = { key, notifications, geoLookups: 0 };
  // The artifact arrives through `fetchApi`, as in Adobe's schema runner, so `conf` stays as written.
  const fetchApi = async (url) => {
    if (/\/v1\/geo$/.test(String(url))) {
      geoLookups += 1;
      return new Response("{}", { status: 500 });
    }
    return new Response(JSON.stringify(artifact), { status: 200, headers: { "content-type": "application/json" } });
  };
  try {
    const decisioning = await engine.createDecisioningEngine({
      ...conf,
      fetchApi,
      sendNotificationFunc: (payload) => {
        notifications.push(payload);
      },
      platform: { now: () => now, monotonic: () => 0, uuid: () => (++ids).toString(16).padStart(32, "0") },
    });
    try {
      answer.response = await decisioning.getOffers(structuredClone(input));
    } finally {
      await decisioning.close();
    }
  } catch (error) {
    answer.error = { name: error?.name, code: error?.code, message: String(error?.message ?? error) };
  }
  answer.geoLookups = geoLookups;
  // A JSON round trip drops `undefined` keys the same way in every runtime before comparing.
  return JSON.parse(JSON.stringify(answer));
}
