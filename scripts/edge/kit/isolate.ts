// A Vercel-style edge isolate built with node:vm: web-standard globals only, no code generation.
import { webcrypto } from "node:crypto";
import { type Context, createContext, runInContext } from "node:vm";

/**
 * The globals an edge function gets (the WinterCG minimum that Vercel's Edge Runtime, Deno
 * Deploy and workerd share), taken from the host. Nothing else: no process, Buffer, require,
 * module, global or setImmediate.
 */
function webGlobals(): Record<string, unknown> {
  return {
    fetch,
    Request,
    Response,
    Headers,
    FormData,
    Blob,
    URL,
    URLSearchParams,
    TextEncoder,
    TextDecoder,
    AbortController,
    AbortSignal,
    ReadableStream,
    WritableStream,
    TransformStream,
    Event,
    EventTarget,
    crypto: webcrypto,
    queueMicrotask,
    setTimeout,
    clearTimeout,
    setInterval,
    clearInterval,
    atob,
    btoa,
    performance,
    console,
    navigator: { userAgent: "edge-isolate" },
  };
}

/**
 * A fresh V8 context holding web-standard globals only, with code generation from strings
 * disabled (`eval` and `new Function` throw), as in Vercel's Edge Runtime.
 */
export function createEdgeIsolate(): Context {
  const context = createContext(webGlobals(), { name: "edge-isolate", codeGeneration: { strings: false, wasm: false } });
  runInContext("globalThis.self = globalThis;", context);
  // The host's structuredClone would hand back objects of the host's realm, whose prototypes are
  // not this context's Object.prototype; a real edge runtime clones within one realm. So the
  // host's clone is copied into this realm's plain objects and arrays.
  const install = runInContext(
    `(hostClone) => {
      const adopt = (value) => {
        if (Array.isArray(value)) return value.map(adopt);
        if (typeof value !== "object" || value === null) return value;
        const proto = Object.getPrototypeOf(value);
        if (proto !== null && proto.constructor?.name !== "Object") return value;
        const copy = proto === null ? Object.create(null) : {};
        for (const key of Object.keys(value)) Object.defineProperty(copy, key, { value: adopt(value[key]), enumerable: true, writable: true, configurable: true });
        return copy;
      };
      globalThis.structuredClone = (value, options) => adopt(hostClone(value, options));
    }`,
    context,
  ) as (hostClone: typeof structuredClone) => void;
  install(structuredClone);
  return context;
}

/** Run a classic script (e.g. an IIFE bundle) in the isolate. */
export function runInIsolate(context: Context, code: string, filename: string): unknown {
  return runInContext(code, context, { filename });
}
