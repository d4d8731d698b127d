import { DecisioningError } from "@decisioning/engine";

/** Machine-readable codes of the test kit's errors. */
export const TestingErrorCode = {
  /** The builder was asked for something an artifact cannot express. */
  Builder: "BUILDER_INVALID",
  /** No visitor id within the search limit lands where asked. */
  VisitorNotFound: "VISITOR_NOT_FOUND",
  /** A helper was given a value it cannot use (a time that is not one, an allocation out of range). */
  InvalidArgument: "INVALID_ARGUMENT",
  /** A helper was pointed at an activity or experience the artifact does not have. */
  NotInArtifact: "NOT_IN_ARTIFACT",
  /** A fake server did not see what a test waited for in time. */
  Timeout: "TIMEOUT",
} as const;

/** One of the {@link TestingErrorCode} values. */
export type TestingErrorCode = (typeof TestingErrorCode)[keyof typeof TestingErrorCode];

/** A mistake in how a test uses the kit; the message says how to fix it. */
export class TestingError extends DecisioningError<TestingErrorCode> {
  constructor(code: TestingErrorCode, message: string) {
    super(code, message);
    this.name = "TestingError";
  }
}
