import { parseDomain } from "../context/domain.js";
import { parseDomainBasic } from "../context/domain-basic.js";
import type { ParseDomain } from "../types.js";

/** The domain parser a config asks for: the Public Suffix List unless told otherwise. */
export function parseDomainOf(choice: ParseDomain | "psl" | "basic" | undefined): ParseDomain {
  if (typeof choice === "function") return choice;
  return choice === "basic" ? parseDomainBasic : parseDomain;
}
