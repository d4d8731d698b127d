import { describe, expect, it } from "vitest";
import { safeLogger } from "../src/logger.js";

describe("safeLogger", () => {
  it("prefixes lines with AT: like the reference", () => {
    const lines: unknown[][] = [];
    const logger = safeLogger({ debug: (...args) => lines.push(args), error: (...args) => lines.push(args) });
    logger.debug("a", 1);
    logger.error("b");
    expect(lines).toEqual([["AT:", "a", 1], ["AT:", "b"]]);
    expect(logger.debugEnabled).toBe(true);
  });

  it("has all four methods even when the user logger has only some or none", () => {
    const logger = safeLogger({ error: () => {} });
    expect(() => {
      logger.debug("x");
      logger.info("x");
      logger.warn("x");
    }).not.toThrow();
    expect(logger.debugEnabled).toBe(false);
    expect(() => safeLogger(undefined).error("x")).not.toThrow();
  });

  it("swallows a logger that throws", () => {
    const logger = safeLogger({
      error: () => {
        throw new Error("broken logger");
      },
    });
    expect(() => logger.error("x")).not.toThrow();
  });
});
