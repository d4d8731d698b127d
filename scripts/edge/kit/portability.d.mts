/** Globals that exist in Node but not in workers or browsers. */
export declare const FORBIDDEN_GLOBALS: readonly string[];

/** One thing a portable module must not do, with where it does it. */
export interface Problem {
  file: string;
  line: number;
  what: string;
}

/** What a scan of a source file found: its problems and the modules it loads at run time. */
export interface FileScan {
  problems: Problem[];
  /** Specifiers of value imports, re-exports, dynamic imports and requires. */
  imports: string[];
}

/** Scan TypeScript or JavaScript source text for Node-only APIs and dynamic code. */
export declare function scanSource(file: string, text: string): FileScan;

/** The modules reachable from `entries` through value imports, the packages they load, and every problem in them. */
export declare function scanGraph(
  entries: readonly string[],
  options: { allowedPackages: readonly string[]; root: string },
): { files: string[]; packages: string[]; problems: Problem[] };
