import { parseDomainBasic } from "../context/domain-basic.js";
import { ConfigError } from "../errors.js";
import type { ParseDomain } from "../types.js";
import { describe } from "./fields.js";

/**
 * The domain parser a config asks for. This module must not import the Public Suffix List:
 * the lean entry shares it, and the list alone is bigger than the whole rest of the engine.
 * The default entry resolves `"psl"` and the default to its parser before calling in here.
 */
export function parseDomainOf(choice: unknown): ParseDomain {
  if (typeof choice === "function") return choice as ParseDomain;
  if (choice === undefined || choice === null || choice === "basic") return parseDomainBasic;
  if (choice === "psl") {
    throw new ConfigError(
      "parseDomainImpl",
      `"psl" is not available in the lean entry: import "@decisioning/engine" for the Public Suffix List, or pass "basic" or a function`,
    );
  }
  throw new ConfigError(
    "parseDomainImpl",
    `must be "psl", "basic" or a function, not ${typeof choice === "string" ? JSON.stringify(choice) : describe(choice)}`,
  );
}
