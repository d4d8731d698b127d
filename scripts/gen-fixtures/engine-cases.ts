// Writes fixtures/engine/cases.json: requests over fixtures/artifacts/features.json, each
// exercising one feature. Expected responses are produced separately by expected.ts from the
// reference engine, so our tests compare against an independent oracle.
//
//   pnpm fixtures   (this, then expected.ts)
import { writeFileSync } from "node:fs";
import type { Context, DeliveryRequest, GetOffersOptions, VisitorId } from "@decisioning/engine";
import type { MockDate } from "../conformance/harness.js";

/** One case of fixtures/engine/cases.json. */
export interface EngineCase {
  key: string;
  description: string;
  input: GetOffersOptions;
  mockDate?: MockDate;
  mockGeo?: Record<string, string>;
}

/** fixtures/engine/cases.json: the artifact the cases decide on, the engine's configuration, the cases. */
export interface EngineCases {
  artifact: string;
  conf: { client: string; organizationId: string; pollingInterval: number };
  cases: EngineCase[];
}

const FIREFOX = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:73.0) Gecko/20100101 Firefox/73.0";
const CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
const SAFARI_IOS = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1";
const ctx = (url: string, extra: Context = {}): Context => ({ channel: "web", address: { url }, userAgent: CHROME, ...extra });
const id = (tntId: string): VisitorId => ({ tntId });
const req = (n: number, body: DeliveryRequest): DeliveryRequest => ({ requestId: `req-${String(n).padStart(3, "0")}`, ...body });
const FRIDAY_NOON: MockDate = { year: 2026, month: 0, date: 9, hours: 12 };
const TUESDAY_EVENING: MockDate = { year: 2025, month: 5, date: 3, hours: 19, minutes: 30 };

let n = 0;
const c = (key: string, description: string, input: GetOffersOptions, extra: Pick<EngineCase, "mockDate" | "mockGeo"> = {}): EngineCase => ({
  key,
  description,
  input: { ...input, request: req(++n, input.request) },
  ...extra,
});

const cases = [
  ...["visitor-1.28_0", "visitor-2", "visitor-3", "visitor-4", "visitor-5", "visitor-6"].map((tnt, i) =>
    c(
      `ab_execute_${i + 1}`,
      "execute: A/B split by the visitor's allocation",
      {
        request: { id: id(tnt), context: ctx("https://www.acme.com/"), execute: { mboxes: [{ name: "ab-hero", index: 1 }] } },
      },
      { mockDate: TUESDAY_EVENING },
    ),
  ),
  c(
    "ab_prefetch",
    "prefetch: options keep event tokens, mbox metrics are dropped",
    {
      request: { id: id("visitor-1"), context: ctx("https://www.acme.com/"), prefetch: { mboxes: [{ name: "ab-hero", index: 3 }] } },
    },
    { mockDate: TUESDAY_EVENING },
  ),
  c(
    "flags_param_lower_case",
    "parameters: string values are also matched lower-cased",
    {
      request: { id: id("visitor-7"), context: ctx("https://acme.com/"), execute: { mboxes: [{ name: "flags", index: 1, parameters: { tier: "GOLD" } }] } },
    },
    { mockDate: TUESDAY_EVENING },
  ),
  c(
    "flags_url_parts",
    "URL parts: PSL domain, www-stripped subdomain, lower-cased query",
    {
      request: { id: id("visitor-8"), context: ctx("https://www.shop.example.co.uk/cart?promo=SALE#top"), execute: { mboxes: [{ name: "flags", index: 1 }] } },
    },
    { mockDate: TUESDAY_EVENING },
  ),
  c(
    "flags_item_address",
    "an mbox's own address overrides the context URL",
    {
      request: {
        id: id("visitor-8"),
        context: ctx("https://acme.com/"),
        execute: { mboxes: [{ name: "flags", index: 1, address: { url: "https://www.shop.example.co.uk/?sale=1" } }] },
      },
    },
    { mockDate: TUESDAY_EVENING },
  ),
  c(
    "flags_browser",
    "browser: type and major version from the user agent",
    {
      request: { id: id("visitor-9"), context: ctx("https://acme.com/", { userAgent: FIREFOX }), execute: { mboxes: [{ name: "flags", index: 1 }] } },
    },
    { mockDate: TUESDAY_EVENING },
  ),
  c(
    "flags_client_hints",
    "client hints override the user agent's browser",
    {
      request: {
        id: id("visitor-9"),
        context: ctx("https://acme.com/", { userAgent: SAFARI_IOS, clientHints: { browserUAWithMajorVersion: '"Firefox";v="91"', platform: "Android" } }),
        execute: { mboxes: [{ name: "flags", index: 1 }] },
      },
    },
    { mockDate: TUESDAY_EVENING },
  ),
  c(
    "flags_dotted_parameter",
    "dotted parameter keys become nested objects",
    {
      request: {
        id: id("visitor-10"),
        context: ctx("https://acme.com/"),
        execute: { mboxes: [{ name: "flags", index: 1, parameters: { "profile.plan": "pro" } }] },
      },
    },
    { mockDate: TUESDAY_EVENING },
  ),
  c(
    "flags_default",
    "the catch-all rule answers everyone else",
    {
      request: { id: id("visitor-11"), context: ctx("https://acme.com/"), execute: { mboxes: [{ name: "flags", index: 1 }] } },
    },
    { mockDate: TUESDAY_EVENING },
  ),
  c(
    "macros_execute",
    "campaign macros in html and actions content",
    {
      request: {
        id: id("visitor-12"),
        context: ctx("https://acme.com/"),
        execute: { mboxes: [{ name: "macro-box", index: 4, parameters: { color: "teal" } }] },
      },
    },
    { mockDate: TUESDAY_EVENING },
  ),
  c(
    "macros_prefetch",
    "campaign macros when prefetching",
    {
      request: { id: id("visitor-12"), context: ctx("https://acme.com/"), prefetch: { mboxes: [{ name: "macro-box", index: 4 }] } },
    },
    { mockDate: TUESDAY_EVENING },
  ),
  c(
    "geo_context",
    "geo values from the request, and geo response tokens",
    {
      request: {
        id: id("visitor-13"),
        context: ctx("https://acme.com/", { geo: { countryCode: "US", stateCode: "CA", city: "SAN FRANCISCO", latitude: 37.75, longitude: -122.4 } }),
        execute: { mboxes: [{ name: "geo-box", index: 1 }] },
      },
    },
    { mockDate: TUESDAY_EVENING },
  ),
  c(
    "geo_lookup",
    "an IP-only geo context is resolved by the geo service",
    {
      request: {
        id: id("visitor-14"),
        context: ctx("https://acme.com/", { geo: { ipAddress: "203.0.113.7" } }),
        prefetch: { mboxes: [{ name: "geo-box", index: 1 }] },
      },
    },
    { mockDate: TUESDAY_EVENING, mockGeo: { "x-geo-country-code": "EC", "x-geo-city": "QUITO", "x-geo-latitude": "-0.18", "x-geo-longitude": "-78.46" } },
  ),
  c(
    "time_friday",
    "current_day: Friday is 5",
    {
      request: { id: id("visitor-15"), context: ctx("https://acme.com/"), execute: { mboxes: [{ name: "time-box", index: 1 }] } },
    },
    { mockDate: FRIDAY_NOON },
  ),
  c(
    "time_evening",
    "current_time: HHmm in UTC",
    {
      request: { id: id("visitor-15"), context: ctx("https://acme.com/"), execute: { mboxes: [{ name: "time-box", index: 1 }] } },
    },
    { mockDate: TUESDAY_EVENING },
  ),
  c(
    "time_window",
    "current_timestamp within a campaign window",
    {
      request: { id: id("visitor-15"), context: ctx("https://acme.com/"), execute: { mboxes: [{ name: "time-box", index: 1 }] } },
    },
    { mockDate: { year: 2026, month: 0, date: 13, hours: 9 } },
  ),
  ...["prop-a", "prop-c", "prop-x", undefined].map((token) =>
    c(
      `property_${token ?? "none"}`,
      "property tokens select workspace rules",
      {
        request: {
          id: id("visitor-16"),
          context: ctx("https://acme.com/"),
          ...(token ? { property: { token } } : {}),
          execute: { mboxes: [{ name: "prop-box", index: 1 }] },
        },
      },
      { mockDate: TUESDAY_EVENING },
    ),
  ),
  c(
    "remote_dependency",
    "remote and unknown mboxes give status 206 and are listed",
    {
      request: {
        id: id("visitor-17"),
        context: ctx("https://acme.com/"),
        execute: {
          mboxes: [
            { name: "remote-box", index: 1 },
            { name: "ab-hero", index: 2 },
          ],
        },
        prefetch: { mboxes: [{ name: "unknown-box", index: 3 }], views: [{ name: "nowhere" }] },
      },
    },
    { mockDate: TUESDAY_EVENING },
  ),
  c(
    "pageload_execute",
    "page load: every global-mbox rule, options pooled, click metrics kept",
    {
      request: { id: id("visitor-18"), context: ctx("https://acme.com/"), execute: { pageLoad: { parameters: { visit: "returning" } } } },
    },
    { mockDate: TUESDAY_EVENING },
  ),
  c(
    "pageload_prefetch",
    "page load prefetch: event tokens kept, metrics dropped",
    {
      request: { id: id("visitor-19"), context: ctx("https://acme.com/"), prefetch: { pageLoad: { parameters: { visit: "returning" } } } },
    },
    { mockDate: TUESDAY_EVENING },
  ),
  c(
    "views_named",
    "a named view: consequences of the same name merged",
    {
      request: { id: id("visitor-20"), context: ctx("https://acme.com/"), prefetch: { views: [{ name: "home" }] } },
    },
    { mockDate: TUESDAY_EVENING },
  ),
  c(
    "views_all",
    "a view request without a name decides every view",
    {
      request: { id: id("visitor-21"), context: ctx("https://acme.com/"), prefetch: { views: [{}] } },
    },
    { mockDate: TUESDAY_EVENING },
  ),
  c(
    "views_parameters",
    "view parameters feed the view's conditions",
    {
      request: { id: id("visitor-21"), context: ctx("https://acme.com/"), prefetch: { views: [{ name: "contact", parameters: { jason: "correct" } }] } },
    },
    { mockDate: TUESDAY_EVENING },
  ),
  c(
    "trace_mboxes",
    "trace: campaigns and evaluated targets accumulate across mboxes",
    {
      request: {
        id: id("visitor-22.34_0"),
        context: ctx("https://www.acme.com/p?q=1"),
        trace: {},
        execute: {
          mboxes: [
            { name: "ab-hero", index: 1 },
            { name: "flags", index: 2 },
            { name: "nothing-here", index: 3 },
          ],
        },
      },
      sessionId: "session-1",
    },
    { mockDate: TUESDAY_EVENING },
  ),
  c(
    "trace_pageload_and_views",
    "trace on page load and prefetched views",
    {
      request: { id: id("visitor-23"), context: ctx("https://acme.com/"), trace: {}, prefetch: { pageLoad: {}, views: [{ name: "home" }] } },
      sessionId: "session-2",
    },
    { mockDate: TUESDAY_EVENING },
  ),
  c(
    "everything",
    "execute and prefetch of mboxes, page load and views in one request",
    {
      request: {
        id: id("visitor-24"),
        context: ctx("https://www.shop.example.co.uk/?sale", { userAgent: FIREFOX, geo: { countryCode: "US", city: "SAN FRANCISCO" } }),
        execute: {
          pageLoad: {},
          mboxes: [
            { name: "ab-hero", index: 1 },
            { name: "flags", index: 2 },
            { name: "ab-hero", index: 3 },
          ],
        },
        prefetch: {
          mboxes: [
            { name: "geo-box", index: 4 },
            { name: "macro-box", index: 5 },
          ],
          views: [{ name: "home" }],
        },
      },
    },
    { mockDate: FRIDAY_NOON },
  ),
  c(
    "no_visitor_id",
    "a visitor without ids gets a generated tntId",
    {
      request: { context: ctx("https://acme.com/"), execute: { mboxes: [{ name: "flags", index: 1 }] } },
    },
    { mockDate: TUESDAY_EVENING },
  ),
  c(
    "location_hint",
    "a generated tntId carries the location hint",
    {
      request: { context: ctx("https://acme.com/"), prefetch: { mboxes: [{ name: "flags", index: 1 }] } },
      targetLocationHint: "35",
    },
    { mockDate: TUESDAY_EVENING },
  ),
  c(
    "marketing_cloud_id",
    "the Marketing Cloud visitor id decides allocation first",
    {
      request: {
        id: { marketingCloudVisitorId: "07327024324407615852294135870030620007", tntId: "abc.28_0" },
        context: ctx("https://acme.com/"),
        execute: { mboxes: [{ name: "ab-hero", index: 1 }] },
      },
    },
    { mockDate: TUESDAY_EVENING },
  ),
  c(
    "third_party_id",
    "a third-party id alone decides allocation",
    {
      request: { id: { thirdPartyId: "crm-42" }, context: ctx("https://acme.com/"), execute: { mboxes: [{ name: "ab-hero", index: 1 }] } },
    },
    { mockDate: TUESDAY_EVENING },
  ),
  c(
    "duplicate_mboxes",
    "the same mbox twice: one notification per event token",
    {
      request: {
        id: id("visitor-25"),
        context: ctx("https://acme.com/"),
        execute: {
          mboxes: [
            { name: "flags", index: 1 },
            { name: "flags", index: 2 },
          ],
        },
      },
    },
    { mockDate: TUESDAY_EVENING },
  ),
  c(
    "global_mbox_by_name",
    "the global mbox requested by name returns every matching rule",
    {
      request: {
        id: id("visitor-26"),
        context: ctx("https://acme.com/"),
        prefetch: { mboxes: [{ name: "target-global-mbox", index: 1, parameters: { visit: "returning" } }] },
      },
    },
    { mockDate: TUESDAY_EVENING },
  ),
];

const file: EngineCases = { artifact: "features", conf: { client: "acme", organizationId: "ACME@AdobeOrg", pollingInterval: 0 }, cases };
writeFileSync(new URL("../../fixtures/engine/cases.json", import.meta.url), `${JSON.stringify(file, null, 2)}\n`);
console.log(`wrote ${cases.length} cases`);
