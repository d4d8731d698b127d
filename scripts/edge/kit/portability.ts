// Finds what keeps code from running outside Node: Node built-ins, Node globals, dynamic code.
import { existsSync, readFileSync } from "node:fs";
import { isBuiltin } from "node:module";
import { dirname, relative, resolve } from "node:path";
import ts from "typescript";

/** One thing a portable module must not do, with where it does it. */
export interface Problem {
  file: string;
  line: number;
  what: string;
}

/** What a scan of a source file found: its problems and the modules it loads at run time. */
export interface FileScan {
  problems: Problem[];
  /** Specifiers of value imports, re-exports, dynamic imports and requires. */
  imports: string[];
}

/** Globals that exist in Node but not in workers or browsers (or, for eval, must not be used). */
export const FORBIDDEN_GLOBALS: readonly string[] = Object.freeze([
  "process",
  "Buffer",
  "require",
  "module",
  "exports",
  "__dirname",
  "__filename",
  "global",
  "setImmediate",
  "clearImmediate",
]);

const FORBIDDEN = new Set(FORBIDDEN_GLOBALS);

function isNameOnly(node: ts.Identifier): boolean {
  const parent = node.parent;
  // `x.process`, `{ process: 1 }`, `class { process() {} }` name a property, not the global.
  if (ts.isPropertyAccessExpression(parent) && parent.name === node) return true;
  if (
    (ts.isPropertyAssignment(parent) ||
      ts.isPropertySignature(parent) ||
      ts.isPropertyDeclaration(parent) ||
      ts.isMethodDeclaration(parent) ||
      ts.isMethodSignature(parent)) &&
    parent.name === node
  )
    return true;
  if ((ts.isGetAccessor(parent) || ts.isSetAccessor(parent) || ts.isEnumMember(parent) || ts.isBindingElement(parent)) && parent.name === node) return true;
  // `const { process: p } = o` reads a property of `o`.
  if (ts.isBindingElement(parent) && parent.propertyName === node) return true;
  if (ts.isQualifiedName(parent) || ts.isImportSpecifier(parent) || ts.isExportSpecifier(parent)) return true;
  if (ts.isTypeReferenceNode(parent) || ts.isLabeledStatement(parent)) return true;
  return false;
}

/** Whether a binding pattern (or a plain name) declares `name`. */
function binds(binding: ts.BindingName, name: string): boolean {
  if (ts.isIdentifier(binding)) return binding.text === name;
  return binding.elements.some((element) => !ts.isOmittedExpression(element) && binds(element.name, name));
}

/** Whether a statement of a block declares `name` (a `const`/`let`/`var`, a function or a class). */
function declares(statement: ts.Statement, name: string): boolean {
  if (ts.isVariableStatement(statement)) return statement.declarationList.declarations.some((d) => binds(d.name, name));
  return (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name?.text === name;
}

/**
 * Whether `node` names a local of its file: a variable, parameter, function or class declared in
 * a scope around it. Such a name is not the Node global (`const exports = …` is someone's local).
 * `var` is looked up in the block it is written in, not hoisted: at worst a use is reported.
 */
function isLocal(node: ts.Identifier): boolean {
  const name = node.text;
  for (let scope: ts.Node | undefined = node.parent; scope !== undefined; scope = scope.parent) {
    if (ts.isFunctionLike(scope) && scope.parameters.some((parameter) => binds(parameter.name, name))) return true;
    if ((ts.isBlock(scope) || ts.isSourceFile(scope) || ts.isModuleBlock(scope)) && scope.statements.some((statement) => declares(statement, name)))
      return true;
    if (ts.isCaseBlock(scope) && scope.clauses.some((clause) => clause.statements.some((statement) => declares(statement, name)))) return true;
    if (
      (ts.isForStatement(scope) || ts.isForInStatement(scope) || ts.isForOfStatement(scope)) &&
      scope.initializer !== undefined &&
      ts.isVariableDeclarationList(scope.initializer) &&
      scope.initializer.declarations.some((d) => binds(d.name, name))
    )
      return true;
    if (ts.isCatchClause(scope) && scope.variableDeclaration !== undefined && binds(scope.variableDeclaration.name, name)) return true;
  }
  return false;
}

/** Scan TypeScript or JavaScript source text for Node-only APIs and dynamic code. */
export function scanSource(file: string, text: string): FileScan {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith(".ts") ? ts.ScriptKind.TS : ts.ScriptKind.JS);
  const problems: Problem[] = [];
  const imports: string[] = [];
  const report = (node: ts.Node, what: string) => {
    problems.push({ file, line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1, what });
  };
  const checkSpecifier = (node: ts.Node, specifier: string, typeOnly: boolean) => {
    // Type-only imports are erased before anything runs.
    if (typeOnly) return;
    if (specifier.startsWith("node:") || isBuiltin(specifier)) report(node, `imports the Node built-in "${specifier}"`);
    imports.push(specifier);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            clause.namedBindings !== undefined &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.length > 0 &&
            clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      checkSpecifier(node, node.moduleSpecifier.text, typeOnly);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      checkSpecifier(node, node.moduleSpecifier.text, node.isTypeOnly);
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    ) {
      checkSpecifier(node, node.moduleReference.expression.text, node.isTypeOnly);
    } else if (ts.isCallExpression(node)) {
      const [first] = node.arguments;
      if (node.expression.kind === ts.SyntaxKind.ImportKeyword) {
        if (first && ts.isStringLiteralLike(first)) checkSpecifier(node, first.text, false);
        else report(node, "imports a computed specifier (a bundler cannot see what it loads)");
      }
      if (ts.isIdentifier(node.expression) && node.expression.text === "require" && first && ts.isStringLiteralLike(first))
        checkSpecifier(node, first.text, false);
      if (ts.isIdentifier(node.expression) && node.expression.text === "eval") report(node, "calls eval");
      if (ts.isIdentifier(node.expression) && node.expression.text === "Function") report(node, "calls Function (dynamic code)");
    } else if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "Function") {
      report(node, "uses new Function (dynamic code)");
    } else if (
      ts.isPropertyAccessExpression(node) &&
      ts.isIdentifier(node.expression) &&
      ["globalThis", "self", "window"].includes(node.expression.text) &&
      (FORBIDDEN.has(node.name.text) || node.name.text === "eval")
    ) {
      report(node, `reads ${node.expression.text}.${node.name.text}`);
    } else if (
      ts.isElementAccessExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === "globalThis" &&
      ts.isStringLiteralLike(node.argumentExpression) &&
      (FORBIDDEN.has(node.argumentExpression.text) || node.argumentExpression.text === "eval")
    ) {
      report(node, `reads globalThis["${node.argumentExpression.text}"]`);
    } else if (ts.isIdentifier(node) && FORBIDDEN.has(node.text) && !isNameOnly(node) && !isLocal(node)) {
      report(node, `uses the Node global ${node.text}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { problems, imports };
}

function resolveRelative(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  // Sources import their siblings as `.js`, the name they will have once compiled.
  const candidates = [base, base.replace(/\.js$/, ".ts"), base.replace(/\.mjs$/, ".mts"), `${base}.ts`, `${base}/index.ts`];
  return candidates.find((candidate) => existsSync(candidate) && !candidate.endsWith("/"));
}

/** The modules reachable from `entries` through value imports, the packages they load, and every problem in them. */
export function scanGraph(
  entries: readonly string[],
  options: { allowedPackages: readonly string[]; root: string },
): { files: string[]; packages: string[]; problems: Problem[] } {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const problems: Problem[] = [];
  const queue = [...entries];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const shown = relative(options.root, file);
    const scan = scanSource(shown, readFileSync(file, "utf8"));
    problems.push(...scan.problems);
    for (const specifier of scan.imports) {
      if (specifier.startsWith(".")) {
        const target = resolveRelative(file, specifier);
        if (target) queue.push(target);
        else problems.push({ file: shown, line: 0, what: `imports "${specifier}", which does not resolve` });
      } else if (!specifier.startsWith("node:") && !isBuiltin(specifier)) {
        const name = specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : (specifier.split("/")[0] as string);
        packages.add(name);
        if (!options.allowedPackages.includes(name))
          problems.push({ file: shown, line: 0, what: `imports "${specifier}", not a dependency the portable build may carry` });
      }
    }
  }
  return { files: [...seen].map((file) => relative(options.root, file)).sort(), packages: [...packages].sort(), problems };
}
