import { DecisioningError } from "@decisioning/engine";
import { describe, expect, it } from "vitest";
import { CliError, CliErrorCode } from "../src/errors.js";

describe("CliError", () => {
  it("extends the engine's DecisioningError and exits 2 only for usage mistakes", () => {
    const usage = new CliError(CliErrorCode.Usage, "unknown option --nope");
    const input = new CliError(CliErrorCode.Input, "cannot read rules.json", { cause: new Error("ENOENT") });
    expect(usage).toBeInstanceOf(DecisioningError);
    expect([usage.name, usage.code, usage.exitCode]).toEqual(["CliError", "USAGE", 2]);
    expect([input.exitCode, (input.cause as Error).message]).toEqual([1, "ENOENT"]);
  });
});
