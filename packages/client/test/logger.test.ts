import { describe, expect, it } from "vitest";
import { clientLogger } from "../src/logger.js";

describe("the client logger", () => {
  it("prefixes lines with AT: like the reference", () => {
    const lines: unknown[][] = [];
    const logger = clientLogger({ debug: (...args) => lines.push(args), error: (...args) => lines.push(args) });
    logger.debug("a", 1);
    logger.error("b");
    expect(lines).toEqual([
      ["AT:", "a", 1],
      ["AT:", "b"],
    ]);
    expect(logger.debugEnabled).toBe(true);
  });

  it("has all four methods even when the user logger has only some or none", () => {
    const logger = clientLogger({ error: () => {} });
    expect(() => {
      logger.debug("x");
      logger.info("x");
      logger.warn("x");
    }).not.toThrow();
    expect(logger.debugEnabled).toBe(false);
    expect(() => clientLogger(undefined).error("x")).not.toThrow();
  });

  it("swallows a logger that throws", () => {
    const logger = clientLogger({
      error: () => {
        throw new Error("broken logger");
      },
    });
    expect(() => logger.error("x")).not.toThrow();
  });
});
