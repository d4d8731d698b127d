import { parseDomainBasic } from "../context/domain-basic.js";
import { ConfigError } from "../errors.js";
import type { ParseDomain } from "../types.js";

/**
 * The domain parser a config asks for. This module must not import the Public Suffix List:
 * the lean entry shares it, and the list alone is bigger than the whole rest of the engine.
 * The default entry resolves `"psl"` and the default to its parser before calling in here.
 */
export function parseDomainOf(choice: ParseDomain | "psl" | "basic" | undefined): ParseDomain {
  if (typeof choice === "function") return choice;
  if (choice === undefined || choice === "basic") return parseDomainBasic;
  throw new ConfigError(
    "parseDomainImpl",
    `${JSON.stringify(choice)} is not available in the lean entry: import "@decisioning/engine" for the Public Suffix List, or pass "basic" or a function`,
  );
}
