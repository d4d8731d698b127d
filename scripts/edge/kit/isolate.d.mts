import type { Context } from "node:vm";

/** A fresh V8 context with web-standard globals only and code generation from strings disabled. */
export declare function createEdgeIsolate(): Context;
/** Run a classic script (e.g. an IIFE bundle) in the isolate. */
export declare function runInIsolate(context: Context, code: string, filename: string): unknown;
