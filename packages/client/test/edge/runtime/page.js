// Loads the client bundles the way a page would and leaves them where the test can reach them.
// CSP violations are kept: a bundle using eval would show up here.
import * as full from "./client.js";
import * as lean from "./client-lean.js";
import { decideWithClient } from "./client-case.js";

const violations = [];
document.addEventListener("securitypolicyviolation", (event) => violations.push(`${event.violatedDirective}: ${event.blockedURI}`));

window.edge = {
  decide: (bundle, payload) => decideWithClient(bundle === "lean" ? lean : full, payload),
  violations,
};
document.documentElement.dataset.ready = "yes";
