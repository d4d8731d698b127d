/** Machine-readable codes carried by every error this library throws or reports. */
export const ErrorCode = {
  ArtifactInvalid: "ARTIFACT_INVALID",
  ArtifactVersionUnsupported: "ARTIFACT_VERSION_UNSUPPORTED",
  ArtifactNotAvailable: "ARTIFACT_NOT_AVAILABLE",
  ArtifactFetchFailed: "ARTIFACT_FETCH_FAILED",
  ArtifactIntegrity: "ARTIFACT_INTEGRITY",
  ArtifactTooLarge: "ARTIFACT_TOO_LARGE",
  RequestInvalid: "REQUEST_INVALID",
  LimitExceeded: "LIMIT_EXCEEDED",
  ConfigInvalid: "CONFIG_INVALID",
  Timeout: "TIMEOUT",
} as const;

/** One of the {@link ErrorCode} values. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * Base class of every error this workspace throws or reports (the client's, the CLI's and the
 * test kit's extend it with codes of their own): a `code` for programs, maybe a `cause`.
 */
export class DecisioningError<Code extends string = ErrorCode> extends Error {
  /** What went wrong, for programs. */
  readonly code: Code;

  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = "DecisioningError";
  }
}

/** An artifact that cannot be used: malformed, unsupported, unavailable or unverified. */
export class ArtifactError extends DecisioningError {
  /** The JSON path of the offending field, when one is to blame (e.g. `rules.mboxes["a"][0].meta`). */
  readonly field: string | undefined;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; field?: string }) {
    super(code, message, options);
    this.name = "ArtifactError";
    this.field = options?.field;
  }
}

/** A delivery request the engine cannot decide, with the field at fault. */
export class RequestError extends DecisioningError {
  /** The JSON path of the offending field (e.g. `request.execute.mboxes`). */
  readonly field: string;

  constructor(code: ErrorCode, field: string, message: string, options?: { cause?: unknown }) {
    super(code, `${field}: ${message}`, options);
    this.name = "RequestError";
    this.field = field;
  }
}

/** Invalid configuration passed to a factory. */
export class ConfigError extends DecisioningError {
  /** The option at fault. */
  readonly field: string;

  constructor(field: string, message: string) {
    super(ErrorCode.ConfigInvalid, `${field}: ${message}`);
    this.name = "ConfigError";
    this.field = field;
  }
}
