// A Workers entry that decides test cases through the bundled TargetClient: POST {bundle, artifacts, cases}.
import * as full from "./client.js";
import * as lean from "./client-lean.js";
import { decideWithClient } from "./client-case.js";

export default {
  async fetch(request) {
    if (request.method === "GET") {
      return Response.json({ userAgent: navigator.userAgent, process: typeof process, buffer: typeof Buffer });
    }
    const body = await request.json();
    return Response.json(await decideWithClient(body.bundle === "lean" ? lean : full, body));
  },
};
