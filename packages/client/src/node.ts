/// <reference types="node" />
/**
 * `@decisioning/client` on Node (the package's `node` export condition): the portable client,
 * except that a client given no `fetchApi` talks to Target over the engine's Node transport
 * (`node:http` with keep-alive agents) rather than the global `fetch`, which costs several times
 * more CPU per notification. Edge workers and browsers resolve the portable entry and never load
 * this file.
 */
import { createNodeFetch, type NodeFetch } from "@decisioning/engine/node";
import * as portable from "./index.js";
import { requiredView, type RequiredTargetClient } from "./require.js";
import { TargetClient as PortableTargetClient } from "./target-client.js";

export * from "./index.js";
/** The Node transport, to route the client's calls through an agent of your own (a proxy's): `fetchApi: createNodeFetch({agent})`. */
export { createNodeFetch } from "@decisioning/engine/node";
export type { NodeAgent, NodeFetch, NodeFetchOptions } from "@decisioning/engine/node";

/** `TargetClient` whose default transport is the Node one; create it with {@link TargetClient.create}. */
export class TargetClient extends PortableTargetClient {
  /** A Node transport of the client's own: its sockets close with the client. */
  protected static override defaultFetch(): NodeFetch {
    return createNodeFetch();
  }
}

export default TargetClient;

/** What `require("@decisioning/client")` returns on Node: this entry's `TargetClient`, reaching every named export (see require.ts). */
const requiredNodeTargetClient = requiredView(TargetClient, { ...portable, TargetClient, default: TargetClient }) as unknown as RequiredTargetClient;
export { requiredNodeTargetClient as "module.exports" };
