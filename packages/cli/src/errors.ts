import { DecisioningError } from "@decisioning/engine";

/** Machine-readable codes of the CLI's own errors. */
export const CliErrorCode = {
  /** Bad command line: unknown command or option, missing or malformed value. */
  Usage: "USAGE",
  /** An input file, URL or stream could not be read or parsed. */
  Input: "INPUT",
  /** The artifact cannot be used. */
  Artifact: "ARTIFACT",
  /** The request cannot be decided. */
  Request: "REQUEST",
} as const;

/** One of the {@link CliErrorCode} values. */
export type CliErrorCode = (typeof CliErrorCode)[keyof typeof CliErrorCode];

/** An error meant for the person at the terminal: the message says what to do; `code` is for scripts (`--json` prints it). */
export class CliError extends DecisioningError<CliErrorCode> {
  /** Process exit code: 2 for usage mistakes, 1 otherwise. */
  readonly exitCode: number;

  constructor(code: CliErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = "CliError";
    this.exitCode = code === CliErrorCode.Usage ? 2 : 1;
  }
}
