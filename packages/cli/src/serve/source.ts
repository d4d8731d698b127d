/** Where `serve` gets its artifact and how it keeps it fresh: the shape every source shares. */

/** How the last refresh went. */
export interface RefreshOutcome {
  /** Ms since epoch. */
  at: number;
  /**
   * `updated`: a new artifact is in use; `not-modified`: the CDN answered 304; `unchanged`: the
   * file was written with the same bytes; `failed`: the artifact in use was kept.
   */
  result: "updated" | "not-modified" | "unchanged" | "failed";
  /** Why it failed. */
  error?: string;
}

/** What `/health` shows about the artifact's source. */
export interface SourceStatus {
  source: string;
  kind: "url" | "file" | "stdin";
  /** `poll every N s`, `watch`, or `off`. */
  refresh: string;
  /** When the artifact in use was taken (ms since epoch). */
  loadedAt: number;
  /** The CDN's ETag of the artifact in use (URL sources). */
  etag?: string;
  lastRefresh?: RefreshOutcome;
}

/** Takes a new artifact into use; throws (keeping the current one) when it cannot be used. */
export type Accept = (artifact: unknown) => void;

/** An artifact source. */
export interface ArtifactSource {
  /** The artifact loaded at start. */
  readonly initial: unknown;
  /** Start refreshing: new artifacts go to `accept`, every outcome to `onRefresh`. */
  start(accept: Accept, onRefresh: (outcome: RefreshOutcome) => void): void;
  status(): SourceStatus;
  /** Stop refreshing. */
  close(): Promise<void>;
}
