import * as esbuild from "esbuild";
import { repoPath } from "../../../../../scripts/edge/kit/cases.js";

/**
 * A bundle plus the shared case runner as one classic script that sets `globalThis.decideAll`,
 * for runtimes that evaluate scripts rather than import modules (vm contexts, Edge Runtime).
 * It answers in JSON so the host compares plain values, not objects of another realm.
 */
export async function decideAllScript(bundle: string): Promise<string> {
  const result = await esbuild.build({
    stdin: {
      contents: [
        `import * as engine from ${JSON.stringify(repoPath(bundle))};`,
        `import { decideCases } from ${JSON.stringify(repoPath("packages/engine/test/edge/runtime/decide-case.js"))};`,
        "globalThis.decideAll = (payload) => decideCases(engine, JSON.parse(payload)).then((answers) => JSON.stringify(answers));",
      ].join("\n"),
      resolveDir: repoPath(""),
      loader: "js",
    },
    bundle: true,
    format: "iife",
    platform: "neutral",
    write: false,
    logLevel: "silent",
  });
  return result.outputFiles[0]!.text;
}
