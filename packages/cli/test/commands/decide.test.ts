import { createDecider } from "@decisioning/engine";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, run, runJson } from "../helpers/binary.js";
import { engineCases, FEATURES, features, tempJson } from "../helpers/fixtures.js";
import { closedPort } from "../helpers/net.js";

beforeAll(ensureBuilt, 120000);

const AT = "2025-06-03T19:30:00.000Z";
const engine = (options: any, now: number) => createDecider({ client: "acme", artifact: features(), platform: { now: () => now } }).decide(options).response;
// Ids the engine makes up (request ids, notification ids in traces) differ from run to run.
const withoutFreshIds = (response: any) => JSON.parse(JSON.stringify({ ...response, requestId: "<request>" }).replace(/[0-9a-f]{32}/g, "<uuid>"));

describe("decisioning decide", () => {
  // The engine's own fixture requests; the geo-lookup case needs the network and is left out.
  const cases = engineCases().filter((c) => c.key !== "geo_lookup" && c.input.request.id);

  it.concurrent.each(cases.map((c) => [c.key, c] as const))("prints the engine's response to the request file of %s", async (_key, c) => {
    const file = tempJson(`${c.key}.json`, c.input);
    const { code, json } = await runJson(["decide", "--artifact", FEATURES, "--request", file, "--at", new Date(c.now).toISOString(), "--json"]);
    expect(code).toBe(0);
    expect(withoutFreshIds(json)).toEqual(withoutFreshIds(engine(structuredClone(c.input), c.now)));
  });

  const shortcuts: Array<[string, string[], any]> = [
    ["an mbox for a visitor", ["--mbox", "flags", "--visitor", "v-1"], { execute: { mboxes: [{ name: "flags", index: 1 }] } }],
    [
      "a case-insensitive parameter",
      ["--mbox", "flags", "--visitor", "v-1", "--param", "tier=Gold"],
      { execute: { mboxes: [{ name: "flags", index: 1, parameters: { tier: "Gold" } }] } },
    ],
    [
      "a page URL",
      ["--mbox", "flags", "--visitor", "v-1", "--url", "https://www.shop.example.co.uk/?sale=1"],
      { context: { channel: "web", address: { url: "https://www.shop.example.co.uk/?sale=1" } }, execute: { mboxes: [{ name: "flags", index: 1 }] } },
    ],
    [
      "a user agent",
      ["--mbox", "flags", "--visitor", "v-1", "--user-agent", "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"],
      {
        context: { channel: "web", userAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0" },
        execute: { mboxes: [{ name: "flags", index: 1 }] },
      },
    ],
    [
      "a geo context",
      ["--mbox", "geo-box", "--visitor", "v-1", "--geo", "countryCode=US", "--geo", "city=SAN FRANCISCO"],
      { context: { channel: "web", geo: { countryCode: "US", city: "SAN FRANCISCO" } }, execute: { mboxes: [{ name: "geo-box", index: 1 }] } },
    ],
    [
      "a property token",
      ["--mbox", "prop-box", "--visitor", "v-1", "--property", "prop-b"],
      { property: { token: "prop-b" }, execute: { mboxes: [{ name: "prop-box", index: 1 }] } },
    ],
    ["prefetched views", ["--view", "home", "--visitor", "v-2", "--prefetch"], { prefetch: { views: [{ name: "home" }] } }],
    ["the page load", ["--page-load", "--visitor", "v-3", "--param", "visit=returning"], { execute: { pageLoad: { parameters: { visit: "returning" } } } }],
    [
      "several mboxes",
      ["--mbox", "ab-hero", "--mbox", "remote-box", "--visitor", "v-4"],
      {
        execute: {
          mboxes: [
            { name: "ab-hero", index: 1 },
            { name: "remote-box", index: 2 },
          ],
        },
      },
    ],
  ];

  it.concurrent.each(shortcuts)("builds the request from shortcuts: %s", async (_name, args, request) => {
    const { code, json } = await runJson(["decide", "-a", FEATURES, ...args, "--at", AT, "--json"]);
    expect(code).toBe(0);
    const visitor = args[args.indexOf("--visitor") + 1];
    const expected = engine({ request: { context: { channel: "web" }, ...request, id: { tntId: visitor } } }, Date.parse(AT));
    expect(withoutFreshIds(json)).toEqual(withoutFreshIds(expected));
  });

  it("reads the request from stdin and lets shortcuts adjust it", async () => {
    const request = { id: { tntId: "v-1" }, execute: { mboxes: [{ name: "flags", index: 3 }] } };
    const { code, json } = await runJson(["decide", "-a", FEATURES, "-r", "-", "--mbox", "ab-hero", "--param", "tier=gold", "--at", AT, "--json"], {
      stdin: JSON.stringify(request),
    });
    expect(code).toBe(0);
    expect(json.execute.mboxes.map((m: any) => [m.name, m.index])).toEqual([
      ["flags", 3],
      ["ab-hero", 4],
    ]);
    expect(json.execute.mboxes[1].options[0].responseTokens["activity.id"]).toBe(1001);
  });

  it("prints indented JSON without --json", async () => {
    const { code, stdout } = await run(["decide", "-a", FEATURES, "--mbox", "flags", "--visitor", "v-1"]);
    expect(code).toBe(0);
    expect(stdout).toContain('\n  "status": 200');
    expect(JSON.parse(stdout).execute.mboxes[0].options[0].content).toEqual({ searchProviderId: 143 });
  });

  const mistakes: Array<[string, string[], number, RegExp]> = [
    ["no artifact", ["--mbox", "flags"], 2, /needs an artifact: --artifact/],
    ["nothing to decide", ["-a", FEATURES], 2, /nothing to decide: give --request/],
    ["a mistyped option", ["-a", FEATURES, "--mbx", "flags"], 2, /unknown option --mbx for "decide": did you mean --mbox\?/],
    ["a missing file", ["-a", "no/such/rules.json", "--mbox", "flags"], 1, /cannot read the artifact "no\/such\/rules.json": no such file/],
    ["a bad time", ["-a", FEATURES, "--mbox", "flags", "--at", "yesterday"], 2, /--at takes an ISO 8601 time/],
    ["a bad parameter", ["-a", FEATURES, "--mbox", "flags", "--param", "tier"], 2, /--param takes key=value/],
    ["a positional argument", ["-a", FEATURES, "flags"], 2, /decide takes no positional arguments/],
  ];

  it.concurrent.each(mistakes)("explains %s and exits with the right code", async (_name, args, exitCode, message) => {
    const { code, stderr, stdout } = await run(["decide", ...args]);
    expect(code).toBe(exitCode);
    expect(stderr).toMatch(message);
    expect(stdout).toBe("");
  });

  it("names the line and column of broken JSON", async () => {
    const file = tempJson("broken.json", '{\n  "version": "1.0.0",\n  "rules": {,\n}');
    const { code, stderr } = await run(["decide", "-a", file, "--mbox", "flags", "--client", "acme"]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/is not valid JSON at line 3, column 13/);
  });

  it("refuses an artifact the engine cannot use, pointing at validate", async () => {
    const file = tempJson("v2.json", { ...features(), version: "2.0.0" });
    const { code, stderr } = await run(["decide", "-a", file, "--mbox", "flags"]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/cannot be used: The decisioning artifact version \(2\.0\.0\) is not supported.*decisioning validate/);
  });

  it("reports errors as JSON with --json", async () => {
    const { code, json } = await runJson(["decide", "-a", FEATURES, "--json"]);
    expect(code).toBe(2);
    expect(json.error).toMatchObject({ code: "USAGE", message: expect.stringMatching(/nothing to decide/) });
  });

  it("warns about names the artifact does not know, with the closest known name", async () => {
    const { code, stdout, stderr } = await run(["decide", "-a", FEATURES, "--mbox", "flgs", "--mbox", "nope-nothing-like-it", "--view", "hom", "--json"]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ status: 206, remoteMboxes: ["flgs", "nope-nothing-like-it"] });
    expect(stderr.trim().split("\n")).toEqual([
      'decisioning decide: warning: mbox "flgs" is not in the artifact (not local, not remote, no rules), so it is left to the Delivery API (status 206): did you mean "flags"?',
      'decisioning decide: warning: mbox "nope-nothing-like-it" is not in the artifact (not local, not remote, no rules), so it is left to the Delivery API (status 206)',
      'decisioning decide: warning: view "hom" is not in the artifact (not local, not remote, no rules), so it is left to the Delivery API (status 206): did you mean "home"?',
    ]);
    expect((await run(["decide", "-a", FEATURES, "--mbox", "flags", "--mbox", "remote-box"])).stderr).toBe("");
  });

  it("warns that an IP address is not looked up", async () => {
    const { code, stderr } = await run(["decide", "-a", FEATURES, "--mbox", "geo-box", "--geo", "ipAddress=203.0.113.9", "--geo", "countryCode=US"]);
    expect(code).toBe(0);
    expect(stderr).toContain(
      'decisioning decide: warning: geo ipAddress "203.0.113.9" is not looked up (the CLI works offline): geo conditions see only countryCode; give --geo countryCode=',
    );
  });

  it("lists the same geo keys in its help and in the error for an unknown one", async () => {
    const keys = "countryCode, stateCode, city, zip, latitude, longitude, ipAddress";
    expect((await run(["decide", "--help"])).stdout).toContain(`geo context: ${keys}`);
    expect((await run(["decide", "-a", FEATURES, "--mbox", "geo-box", "--geo", "country=US"])).stderr).toContain(`--geo takes ${keys}; got "country"`);
  });

  it.each([
    ["a number", "5"],
    ["null", "null"],
    ["a list", "[]"],
    ["a string", '"x"'],
  ])("refuses a request option that is %s", async (_name, value) => {
    const { code, stderr } = await run(["decide", "-a", FEATURES, "-r", "-"], { stdin: `{"request": ${value}, "sessionId": "s"}` });
    expect(code).toBe(1);
    expect(stderr).toMatch(/the request on stdin: request must be a JSON object \(a Delivery API request\), got /);
  });

  it("names the cause when the artifact's URL cannot be reached", async () => {
    const port = await closedPort();
    const { code, stderr } = await run(["decide", "-a", `http://127.0.0.1:${port}/rules.json`, "--mbox", "flags"]);
    expect(code).toBe(1);
    expect(stderr).toContain(`could not fetch the artifact from http://127.0.0.1:${port}/rules.json: fetch failed (connect ECONNREFUSED 127.0.0.1:${port})`);
  });

  it("documents itself with --help", async () => {
    const { code, stdout } = await run(["decide", "--help"]);
    expect(code).toBe(0);
    for (const option of ["--artifact", "--request", "--mbox", "--visitor", "--url", "--param", "--user-agent", "--at", "--json"])
      expect(stdout).toContain(option);
  });
});
