/**
 * Command-line parsing on top of `node:util` parseArgs, with help text generated from the same
 * option table and "did you mean" suggestions for typos.
 */
import { parseArgs } from "node:util";
import { CliError, CliErrorCode } from "./errors.js";

/** One option of a command. */
export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
  /** Placeholder shown in help, e.g. `<file|url>`. */
  value?: string;
  description: string;
}

/** A command's name, help and options. */
export interface CommandSpec {
  name: string;
  summary: string;
  usage: string[];
  options: Record<string, OptionSpec>;
  /** Names of positional arguments, in order, for help and checks. */
  positionals?: string[];
  examples?: string[];
  /** Extra paragraphs for `--help`. */
  notes?: string[];
}

/** Parsed options: strings, booleans and string lists by option name. */
export type ParsedOptions = Record<string, string | boolean | string[] | undefined>;

/** The options every command takes. */
export const COMMON_OPTIONS: Record<string, OptionSpec> = {
  json: { type: "boolean", description: "print machine-readable JSON on stdout" },
  help: { type: "boolean", short: "h", description: "show this help" },
};

/** Longest input or candidate compared, so one suggestion costs at most this squared per candidate. */
const MAX_SUGGEST_LENGTH = 128;

/**
 * Edit distance, or `limit + 1` as soon as it must exceed `limit`: rows whose smallest entry
 * is over the limit end the work early.
 */
function distance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] as number;
    row[0] = i;
    let smallest = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] as number;
      row[j] = Math.min(current + 1, (row[j - 1] as number) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
      if ((row[j] as number) < smallest) smallest = row[j] as number;
    }
    if (smallest > limit) return limit + 1;
  }
  return row[b.length] as number;
}

/**
 * The closest candidate, when one is close enough to be a typo (a case difference alone counts
 * as one edit). Linear in the number of candidates; inputs and candidates longer than 128
 * characters are not compared.
 */
export function suggest(input: string, candidates: Iterable<string>): string | undefined {
  if (input.length > MAX_SUGGEST_LENGTH) return undefined;
  const limit = Math.max(2, Math.floor(input.length / 3));
  const lower = input.toLowerCase();
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    if (candidate === input || candidate.length > MAX_SUGGEST_LENGTH) continue;
    const d = candidate.toLowerCase() === lower ? 1 : distance(input, candidate, Math.min(limit, bestDistance));
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** Parse a command's arguments; throws a usage `CliError` with a suggestion for unknown options. */
export function parseCommand(spec: CommandSpec, argv: readonly string[]): { options: ParsedOptions; positionals: string[] } {
  const all = { ...spec.options, ...COMMON_OPTIONS };
  const config: Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }> = {};
  for (const [name, option] of Object.entries(all)) {
    config[name] = { type: option.type, ...(option.short ? { short: option.short } : {}), ...(option.multiple ? { multiple: true } : {}) };
  }
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options: config, allowPositionals: true, strict: true });
    return { options: values as ParsedOptions, positionals };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const unknown = /Unknown option '(-{1,2}[^']+)'/.exec(message);
    if (unknown) {
      const name = (unknown[1] as string).replace(/^-+/, "");
      const close = suggest(name, Object.keys(all));
      throw new CliError(
        CliErrorCode.Usage,
        `unknown option ${unknown[1]} for "${spec.name}"${close ? `: did you mean --${close}?` : ""} (see decisioning ${spec.name} --help)`,
      );
    }
    throw new CliError(CliErrorCode.Usage, `${message.replace(/\.$/, "")} (see decisioning ${spec.name} --help)`);
  }
}

/** Help text for a command, generated from its spec. */
export function helpOf(spec: CommandSpec): string {
  const all = { ...spec.options, ...COMMON_OPTIONS };
  const rows = Object.entries(all).map(([name, option]) => {
    const flag = `${option.short ? `-${option.short}, ` : "    "}--${name}${option.value ? ` ${option.value}` : ""}`;
    return [flag, `${option.description}${option.multiple ? " (repeatable)" : ""}`] as const;
  });
  const width = Math.max(...rows.map(([flag]) => flag.length)) + 2;
  const lines = [`decisioning ${spec.name}: ${spec.summary}`, "", "Usage:", ...spec.usage.map((u) => `  ${u}`), "", "Options:"];
  for (const [flag, description] of rows) lines.push(`  ${flag.padEnd(width)}${description}`);
  if (spec.notes?.length) lines.push("", ...spec.notes);
  if (spec.examples?.length) lines.push("", "Examples:", ...spec.examples.map((e) => `  ${e}`));
  return `${lines.join("\n")}\n`;
}

/** A string option's value, or undefined. */
export function stringOption(options: ParsedOptions, name: string): string | undefined {
  const value = options[name];
  return typeof value === "string" ? value : undefined;
}

/** A repeatable string option's values. */
export function listOption(options: ParsedOptions, name: string): string[] {
  const value = options[name];
  if (Array.isArray(value)) return value;
  return typeof value === "string" ? [value] : [];
}

/** A positive integer option, with a default; throws a usage error for anything else. */
export function integerOption(options: ParsedOptions, name: string, fallback: number, minimum = 1): number {
  const raw = stringOption(options, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < minimum) {
    throw new CliError(CliErrorCode.Usage, `--${name} must be an integer of at least ${minimum}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** Split `key=value`; throws a usage error naming the option otherwise. */
export function keyValue(raw: string, option: string): [string, string] {
  const at = raw.indexOf("=");
  if (at <= 0) throw new CliError(CliErrorCode.Usage, `--${option} takes key=value, got ${JSON.stringify(raw)}`);
  return [raw.slice(0, at), raw.slice(at + 1)];
}
