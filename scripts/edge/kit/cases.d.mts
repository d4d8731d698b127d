/** One request to decide, as shipped to a runtime: the artifact is an index into `artifacts`. */
export interface EdgeCase {
  key: string;
  artifact: number;
  conf: Record<string, unknown>;
  input: unknown;
  now: number;
}

/** What the runtimes receive: artifacts once each, and the cases that point at them. */
export interface EdgeCases {
  artifacts: unknown[];
  cases: EdgeCase[];
}

/** One decided case, as `runtime/decide-case.js` reports it. */
export interface EdgeAnswer {
  key: string;
  response?: unknown;
  notifications: unknown[];
  geoLookups: number;
  error?: { name?: string; code?: string; message: string };
}

/** Absolute path of a file in the repository. */
export declare const repoPath: (path: string) => string;
/** Throw, naming what is missing, unless every repository-relative path exists. */
export declare function assertBuilt(paths: readonly string[]): void;
/** Adobe's conformance requests (fixtures/conformance) and the project's own, minus geo mocks. */
export declare function loadEdgeCases(): EdgeCases;
/** Only the cases whose Node answer needed no geo lookup. */
export declare function withoutGeoLookups(all: EdgeCases, nodeAnswers: readonly EdgeAnswer[]): EdgeCases;
