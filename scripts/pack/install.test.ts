import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { publint } from "publint";
import { formatMessage } from "publint/utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PackedPackage, packPackages, publicPackages, root } from "./pack.js";

// Installed as a user installs them: every public package packed as `pnpm publish` packs it,
// the tarballs installed with npm into one new project outside the workspace (third-party
// dependencies come from the registry), then loaded as ES modules, through require() from
// CommonJS (Node >= 20.19), typechecked by TypeScript under node16, bundler and (for
// CommonJS) nodenext, and the binary run. publint and arethetypeswrong check each tarball.

/** One subpath of a package's `exports` map, as users import it. */
interface Entry {
  pkg: string;
  specifier: string;
  /** The built file of the workspace the entry points at, to compare exports with. */
  built: string;
}

/** Conditions Node matches when it imports (`types` is TypeScript's); the first listed that matches wins, as in Node. */
const NODE_IMPORT_CONDITIONS = new Set(["node", "import", "default"]);

const packages = publicPackages();
const entries: Entry[] = packages.flatMap(({ name, dir, manifest }) =>
  Object.entries(manifest.exports ?? {})
    .filter(([subpath]) => subpath !== "./package.json")
    .map(([subpath, target]) => ({ pkg: name, specifier: name + subpath.slice(1), built: join(dir, fileOf(target)) })),
);
const mainEntries = entries.filter((entry) => entry.specifier === entry.pkg);
const DEMO_ARTIFACT = join(root, "fixtures/artifacts/demo-flags.json");

function fileOf(target: unknown): string {
  if (typeof target === "string") return target;
  const conditions = target as Record<string, unknown>;
  const key = Object.keys(conditions).find((condition) => NODE_IMPORT_CONDITIONS.has(condition));
  if (key === undefined) throw new Error(`no condition Node imports with in ${JSON.stringify(target)}`);
  return fileOf(conditions[key]);
}

let project: string;
let packed: PackedPackage[];

/** Run a command in the consumer project; resolves with its output, failing with both streams. */
function run(command: string, args: string[], cwd = project): string {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** The export names of a module, read by a fresh Node: `import` of a specifier or file URL, or `require`. */
function exportNames(how: "import" | "require", specifier: string): string[] {
  const code =
    how === "import"
      ? `const m = await import(${JSON.stringify(specifier)}); console.log(JSON.stringify(Object.keys(m).sort()));`
      : `const m = require(${JSON.stringify(specifier)}); console.log(JSON.stringify(Object.keys(m).filter((k) => k !== "__esModule").sort()));`;
  return JSON.parse(run(process.execPath, how === "import" ? ["--input-type=module", "-e", code] : ["-e", code]));
}

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), "decisioning-install-"));
  packed = packPackages(join(project, "packed"));
  const typesNode = JSON.parse(readFileSync(join(root, "node_modules/@types/node/package.json"), "utf8")).version;
  const dependencies = Object.fromEntries(packed.map(({ name, tarball }) => [name, `file:${tarball}`]));
  writeFileSync(
    join(project, "package.json"),
    JSON.stringify({ name: "consumer", private: true, type: "module", dependencies, devDependencies: { "@types/node": typesNode } }, null, 2),
  );
  run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"]);
}, 300_000);

afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

describe("the packed packages installed with npm in a new project", () => {
  it("covers every public package and every entry of its exports map", () => {
    expect(packed.map((p) => p.name).sort()).toEqual([
      "@decisioning/cli",
      "@decisioning/client",
      "@decisioning/engine",
      "@decisioning/openfeature",
      "@decisioning/testing",
    ]);
    expect(entries.length).toBeGreaterThanOrEqual(packages.length);
  });

  it.each(entries.map((e) => [e.specifier, e] as const))("import(%s) gives the exports of the workspace build", (_name, entry) => {
    const names = exportNames("import", entry.specifier);
    expect(names.length).toBeGreaterThan(0);
    expect(names).toEqual(exportNames("import", pathToFileURL(entry.built).href));
  });

  it.each(entries.filter((e) => e.specifier !== "@decisioning/client").map((e) => [e.specifier, e] as const))(
    "require(%s) from CommonJS gives the same exports as import",
    (_name, entry) => {
      expect(exportNames("require", entry.specifier)).toEqual(exportNames("import", entry.specifier).filter((name) => name !== "module.exports"));
    },
  );

  it("require(@decisioning/client) gives TargetClient itself, as Adobe's SDK does, and still reaches every named export", () => {
    const script = join(project, "adobe-style.cjs");
    writeFileSync(
      script,
      `const TargetClient = require("@decisioning/client");
const { TargetClient: Named, TargetClientError, TARGET_COOKIE } = require("@decisioning/client");
const artifact = require(${JSON.stringify(DEMO_ARTIFACT)});
// No network: the artifact is given, no location-hint ping, notifications answered here.
const fetchApi = async () => new Response(JSON.stringify({ status: 200 }), { headers: { "content-type": "application/json" } });
const client = TargetClient.create({
  client: "acmeclient",
  organizationId: "1234567890@AdobeOrg",
  decisioningMethod: "on-device",
  artifactPayload: artifact,
  targetLocationHint: "",
  fetchApi,
  events: {
    clientReady: async () => {
      const attributes = await client.getAttributes(["demo-engineering-flags"], {
        request: { id: { tntId: "visitor-1" }, context: { channel: "web", address: { url: "https://acme.com/" } } },
      });
      await client.close();
      console.log(JSON.stringify({
        searchProviderId: attributes.getValue("demo-engineering-flags", "searchProviderId"),
        sameClass: Named === TargetClient.default && client instanceof TargetClient && client instanceof Named,
        error: typeof TargetClientError === "function" && new TargetClientError("x") instanceof Error,
        cookie: TargetClient.TargetCookieName === TARGET_COOKIE,
        visitorCookie: TargetClient.getVisitorCookieName("1234567890@AdobeOrg"),
      }));
    },
  },
});
`,
    );
    expect(JSON.parse(run(process.execPath, [script]))).toEqual({
      searchProviderId: 143,
      sameClass: true,
      error: true,
      cookie: true,
      visitorCookie: "AMCV_1234567890@AdobeOrg",
    });
  });

  it.each([
    ["node16", { module: "node16", moduleResolution: "node16" }],
    ["bundler", { module: "esnext", moduleResolution: "bundler" }],
  ] as const)("TypeScript (moduleResolution %s) finds the types of every exports entry from an ES module", (mode, options) => {
    const file = `esm-${mode}.ts`;
    writeFileSync(
      join(project, file),
      [
        ...entries.map((entry, i) => `import * as entry${i} from ${JSON.stringify(entry.specifier)};`),
        `import TargetClient, { TargetClientError } from "@decisioning/client";`,
        `const client: TargetClient = TargetClient.create({ client: "acme", organizationId: "1@AdobeOrg", decisioningMethod: "on-device" });`,
        // Proves the types are real: with an untyped (any) module this line would not be an error.
        `// @ts-expect-error: getOffers needs its options`,
        `void client.getOffers();`,
        `export const all = [${entries.map((_, i) => `entry${i}`).join(", ")}, TargetClientError] as const;`,
        "",
      ].join("\n"),
    );
    typecheck(`tsconfig.${mode}.json`, file, options);
  });

  it("TypeScript (nodenext) types require() from CommonJS, Adobe-style code included", () => {
    writeFileSync(
      join(project, "cjs.cts"),
      [
        ...mainEntries.map((entry, i) => `import entry${i} = require(${JSON.stringify(entry.specifier)});`),
        `import TargetClient = require("@decisioning/client");`,
        `const client = TargetClient.create({ client: "acme", organizationId: "1@AdobeOrg", decisioningMethod: "on-device" });`,
        `const named: typeof TargetClient.TargetClient = TargetClient.TargetClient;`,
        `const error: InstanceType<typeof TargetClient.TargetClientError> | undefined = undefined;`,
        `// @ts-expect-error: getOffers needs its options`,
        `void client.getOffers();`,
        `export const all = [${mainEntries.map((_, i) => `entry${i}`).join(", ")}, named, error] as const;`,
        "",
      ].join("\n"),
    );
    typecheck("tsconfig.cjs.json", "cjs.cts", { module: "nodenext", moduleResolution: "nodenext" });
  });

  it("installs the decisioning binary, which runs", () => {
    const bin = join(project, "node_modules/.bin/decisioning");
    const cli = packed.find((p) => p.name === "@decisioning/cli")!;
    expect(run(bin, ["--version"]).trim()).toBe(cli.manifest.version);
    expect(run(bin, ["validate", DEMO_ARTIFACT])).toContain("0 errors");
  });
});

describe("the tarballs, checked by publint and arethetypeswrong", () => {
  it.each(packages.map((p) => [p.name] as const))("publint finds nothing to say about %s", async (name) => {
    const { tarball } = packed.find((p) => p.name === name)!;
    const bytes = readFileSync(tarball);
    const { messages, pkg } = await publint({
      pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) },
      strict: true,
      level: "suggestion",
    });
    expect(messages.map((m) => `${m.type}: ${formatMessage(m, pkg)}`)).toEqual([]);
  });

  // Profile node16 leaves out TypeScript's node10 resolution (which has no exports maps). The
  // one rule ignored, cjs-resolves-to-esm, says that require() meets an ES module: that is the
  // design (no second, CommonJS build), Node >= 20.19 requires ES modules and TypeScript's
  // nodenext types it (the test above); only TypeScript's node16 mode, which models Node 16,
  // would refuse it.
  it.each(packages.map((p) => [p.name] as const))("arethetypeswrong finds no problem in %s", (name) => {
    const { tarball } = packed.find((p) => p.name === name)!;
    run(join(root, "node_modules/.bin/attw"), [tarball, "--profile", "node16", "--ignore-rules", "cjs-resolves-to-esm", "--format", "table-flipped"], root);
  });
});

/** Write a tsconfig for `file` with `options` and run the workspace's tsc on it; fails with tsc's report. */
function typecheck(config: string, file: string, options: Record<string, string>): void {
  const compilerOptions = { ...options, target: "es2022", lib: ["es2022"], types: ["node"], strict: true, noEmit: true, skipLibCheck: false };
  writeFileSync(join(project, config), JSON.stringify({ compilerOptions, files: [file] }, null, 2));
  run(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", config]);
}
