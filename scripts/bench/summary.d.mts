// Types of summary.mjs, for the TypeScript scripts that import it (docs/generated.ts and its test).

/** `{"bench:summary": table}`: the README's table, from docs/benchmarks.md's text. */
export declare function benchBlocks(markdown: string): { "bench:summary": string };
