// Packs the public packages as `pnpm publish` would (workspace:* ranges become versions, only
// the `files` of each package.json go in), so that tests and the examples install exactly what
// users would get from the registry. Run after `pnpm build`: a tarball holds dist/ as it is.
//
//   pnpm pack:tarballs <folder>   -> <folder>/decisioning-<name>.tgz, one per package (scripts/pack/pack.ts)
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** A package's package.json, as far as packing and the install test read it. */
export interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  exports?: Record<string, unknown>;
  bin?: Record<string, string>;
  dependencies?: Record<string, string>;
  [key: string]: unknown;
}

/** A public package of packages/: its npm name, folder and package.json. */
export interface PublicPackage {
  name: string;
  dir: string;
  manifest: Manifest;
}

/** A packed package: its tarball beside what {@link publicPackages} says of it. */
export interface PackedPackage extends PublicPackage {
  tarball: string;
}

/** The repository's root folder, with a trailing slash. */
export const root = fileURLToPath(new URL("../../", import.meta.url));

/** Every package of packages/ that is published: `{name, dir, manifest}`, in dependency order. */
export function publicPackages(): PublicPackage[] {
  const found = readdirSync(join(root, "packages"), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(root, "packages", entry.name, "package.json")))
    .map((entry): PublicPackage => {
      const dir = join(root, "packages", entry.name);
      return { name: "", dir, manifest: JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Manifest };
    })
    .filter((pkg) => !pkg.manifest.private)
    .map((pkg) => ({ ...pkg, name: pkg.manifest.name }));
  // Dependencies first, so that a reader of the list meets the engine before its users.
  const internal = (pkg: PublicPackage) => Object.keys(pkg.manifest.dependencies ?? {}).filter((dep) => found.some((other) => other.name === dep)).length;
  return found.sort((a, b) => internal(a) - internal(b) || a.name.localeCompare(b.name));
}

/** The file name a package's tarball gets here: stable across versions, so examples can name it. */
export const tarballName = (name: string): string => `${name.replace(/^@/, "").replace("/", "-")}.tgz`;

/** How to run the pnpm this repository pins (`packageManager`), whether or not pnpm is on PATH. */
function pnpmCommand(): [command: string, prefix: string[]] {
  const execPath = process.env.npm_execpath;
  if (execPath && /pnpm/.test(execPath)) return [process.execPath, [execPath]];
  const pinned = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { packageManager: string }).packageManager;
  return ["npx", ["-y", pinned]];
}

/**
 * Pack every public package into `dest` (created if needed); resolves to `{name, dir, tarball}`
 * per package. Fails, naming the package, when its build output is missing.
 */
export function packPackages(dest: string): PackedPackage[] {
  const out = resolve(dest);
  mkdirSync(out, { recursive: true });
  const [command, prefix] = pnpmCommand();
  return publicPackages().map(({ name, dir, manifest }) => {
    const dot = manifest.exports?.["."] as { import?: { default?: string }; default?: string } | undefined;
    const main = dot?.import?.default ?? dot?.default;
    if (main && !existsSync(join(dir, main))) throw new Error(`${name}: ${main} is missing: run \`pnpm build\` first`);
    // pnpm names the tarball after the version; pack into a scratch folder and give it a stable name.
    const scratch = mkdtempSync(join(out, ".pack-"));
    try {
      execFileSync(command, [...prefix, "pack", "--pack-destination", scratch], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
      const [file] = readdirSync(scratch).filter((f) => f.endsWith(".tgz"));
      if (!file) throw new Error(`${name}: pnpm pack wrote no tarball`);
      const tarball = join(out, tarballName(name));
      renameSync(join(scratch, file), tarball);
      return { name, dir, manifest, tarball };
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dest = process.argv[2];
  if (!dest) {
    console.error("usage: pnpm pack:tarballs <folder>");
    process.exit(2);
  }
  try {
    for (const { name, tarball } of packPackages(dest)) console.log(`${name}: ${tarball}`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
