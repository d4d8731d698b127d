// Loads the bundles the way a page would (plain ES modules from its own origin) and leaves them
// where the test can reach them. CSP violations are kept: a bundle using eval would show up here.
import * as full from "./engine.js";
import * as lean from "./engine-lean.js";
import { decideCases } from "./decide-case.js";

const violations = [];
document.addEventListener("securitypolicyviolation", (event) => violations.push(`${event.violatedDirective}: ${event.blockedURI}`));

window.edge = {
  decide: (bundle, payload) => decideCases(bundle === "lean" ? lean : full, payload),
  violations,
  secure: window.isSecureContext && typeof crypto.subtle === "object",
};
document.documentElement.dataset.ready = "yes";
