// An Express-style app serving Target decisions: it reads Target's cookies from the request,
// passes them to the client, and writes the cookies the client returns. The same handlers work
// with Express and cookie-parser (see mini-express.mjs).
import { miniExpress } from "./mini-express.mjs";

const PAGE_MBOX = "demo-hero-banner";
const FLAG_MBOXES = ["demo-engineering-flags", "demo-checkout-experiment"];

/**
 * Build the app around a TargetClient class and a client made with it.
 * @param {{TargetClient: any, client: any, organizationId: string}} deps
 */
export function createApp({ TargetClient, client, organizationId }) {
  const app = miniExpress();

  /** What every Target call needs from the visitor's request. */
  function visitorOptions(req) {
    return {
      // AMCV_<orgId>: the Experience Cloud visitor id set by the browser's VisitorAPI.
      visitorCookie: req.cookies[TargetClient.getVisitorCookieName(organizationId)],
      // mbox: Target's session id and tntId.
      targetCookie: req.cookies[TargetClient.TargetCookieName],
      // mboxEdgeCluster: the edge the visitor's profile lives on.
      targetLocationHint: req.cookies[TargetClient.TargetLocationHintCookieName],
    };
  }

  function context(req) {
    return {
      channel: "web",
      address: { url: `${req.protocol}://${req.get("host")}${req.originalUrl}`, referringUrl: req.get("referer") },
      userAgent: req.get("user-agent"),
    };
  }

  /** Write back the `mbox` and `mboxEdgeCluster` cookies (Express's maxAge is in ms). */
  function saveCookies(res, offers) {
    for (const cookie of [offers.targetCookie, offers.targetLocationHintCookie]) {
      if (cookie) res.cookie(cookie.name, cookie.value, { maxAge: cookie.maxAge * 1000, httpOnly: false, sameSite: "Lax" });
    }
  }

  // A page: the hero banner decided on the server, and the state at.js needs in the browser.
  app.get("/", async (req, res) => {
    const offers = await client.getOffers({
      ...visitorOptions(req),
      request: { context: context(req), execute: { mboxes: [{ name: PAGE_MBOX, index: 1 }] } },
    });
    saveCookies(res, offers);
    const hero = offers.response.execute?.mboxes?.[0]?.options?.[0]?.content ?? { headline: "Welcome" };
    res.send(`<!doctype html>
<html><head><title>${escapeHtml(hero.headline)}</title>
<script>
  // For at.js / VisitorAPI in the page: reuse the server's decision and visitor state.
  window.targetPageParams = function () { return {}; };
  window.__serverState = ${JSON.stringify({ request: offers.request, response: offers.response }).replace(/</g, "\\u003c")};
  window.__visitorState = ${JSON.stringify(offers.visitorState).replace(/</g, "\\u003c")};
</script></head>
<body><h1>${escapeHtml(hero.headline)}</h1><p>Decided ${offers.meta.decisioningMethod}.</p></body></html>`);
  });

  // Feature flags for a front end or another service, as JSON.
  app.get("/api/flags", async (req, res) => {
    const attributes = await client.getAttributes(FLAG_MBOXES, {
      ...visitorOptions(req),
      request: { context: context(req) },
    });
    const offers = attributes.getResponse();
    saveCookies(res, offers);
    res.json({
      searchProviderId: attributes.getNumber("demo-engineering-flags", "searchProviderId", 0),
      cdnHostname: attributes.getString("demo-engineering-flags", "cdnHostname", "cdn.example.com"),
      checkout: attributes.asObject("demo-checkout-experiment"),
      tntId: offers.response.id?.tntId,
      decisioningMethod: offers.meta.decisioningMethod,
    });
  });

  return app;
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}
