// A Workers entry that decides test cases with the bundled engines: POST {bundle, artifacts, cases}.
// GET answers which runtime this is, so a test can tell workerd from a Node fallback.
import * as full from "./engine.js";
import * as lean from "./engine-lean.js";
import { decideCases } from "./decide-case.js";

export default {
  async fetch(request) {
    if (request.method === "GET") {
      return Response.json({ userAgent: navigator.userAgent, process: typeof process, buffer: typeof Buffer });
    }
    const body = await request.json();
    const engine = body.bundle === "lean" ? lean : full;
    return Response.json(await decideCases(engine, body));
  },
};
