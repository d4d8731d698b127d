// Types of scenarios.mjs, for the TypeScript scripts that import it (bench/sweep.ts, bench/delivery).

/** Path of a file of fixtures/conformance; throws, naming it, when it is missing. */
export declare function conformancePath(relative: string): string;
/** Adobe's test schema folder (`target-sdk-testing`). */
export declare function conformanceRoot(): string;
/** A parsed JSON file, of whatever shape it has (as `JSON.parse` gives it). */
export declare function readJson(path: string): any;

/** A desktop Chrome user agent. */
export declare const CHROME_MAC: string;
/** A fresh visitor id per call, as a new visitor would bring. */
export declare function freshVisitor(): string;

/** An engine scenario: the artifact it decides from, the client code and a fresh request per call. */
export interface Scenario {
  id: string;
  title: string;
  artifactPath: string;
  client: string;
  request(): Record<string, unknown>;
}

/** Scenario 4: `getAttributes` through a TargetClient, with the one value read from each answer. */
export interface AttributesScenario {
  id: string;
  title: string;
  artifactPath: string;
  client: string;
  mboxes: string[];
  /** The mbox and the key read from every answer. */
  read: string[];
  options(): { request: Record<string, unknown> };
}

/** Scenarios 1 to 3. */
export declare function scenarios(): Scenario[];
/** Scenario 4. */
export declare function attributesScenario(): AttributesScenario;
