import { DecisioningError } from "@decisioning/engine";
import { describe, expect, it } from "vitest";
import { TestingError, TestingErrorCode } from "@decisioning/testing";

describe("TestingError", () => {
  it("extends the engine's DecisioningError with the kit's codes", () => {
    const error = new TestingError(TestingErrorCode.VisitorNotFound, "no visitor lands in B");
    expect(error).toBeInstanceOf(DecisioningError);
    expect([error.name, error.code]).toEqual(["TestingError", "VISITOR_NOT_FOUND"]);
  });
});
