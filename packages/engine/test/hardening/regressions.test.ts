/**
 * Defects the hardening properties found, each pinned by the smallest input that showed it.
 */
import { describe, expect, it } from "vitest";
import { ArtifactError, createDecider, RequestError, type GetOffersOptions } from "../../src/index.js";
import { nested, realArtifacts } from "./kit.js";

type Dict = Record<string, any>;

const features = realArtifacts().find((entry) => entry.name === "features.json")?.artifact as Dict;
const copy = (): Dict => JSON.parse(JSON.stringify(features)) as Dict;
const decider = createDecider({ client: "acme", artifact: features });
const decide = (request: unknown) => decider.decide({ request } as GetOffersOptions);
// An object whose conversion to a string throws: JSON can carry one (`{"toString": ""}`).
const unprintable = () => JSON.parse('{"toString": ""}') as unknown;

describe("requests the engine used to fail on mid-decision", () => {
  it("rejects nesting deeper than maxDepth with LIMIT_EXCEEDED naming where, instead of overflowing the stack", () => {
    const error = (() => {
      try {
        decide({ execute: { mboxes: [{ name: "flags", parameters: { x: nested(100000, "x") } }] } });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(RequestError);
    expect(error).toMatchObject({ code: "LIMIT_EXCEEDED", field: "request.execute.mboxes[0].parameters" });
    expect((error as Error).message).toContain("the limit is 64");
  });

  it("still decides nesting within maxDepth", () => {
    expect(() => decide({ id: { tntId: "v" }, execute: { mboxes: [{ name: "flags", parameters: { x: nested(50, "x") } }] } })).not.toThrow();
  });

  it("rejects an mbox or view name that is an object, which cannot become a string", () => {
    expect(() => decide({ execute: { mboxes: [{ name: [unprintable()] }] } })).toThrow(expect.objectContaining({ field: "request.execute.mboxes[0].name" }));
    expect(() => decide({ prefetch: { views: [{ name: unprintable() }] } })).toThrow(expect.objectContaining({ field: "request.prefetch.views[0].name" }));
  });

  it("leaves a macro as written when the parameter it names cannot become a string", () => {
    const { response } = decide({ id: { tntId: "v" }, execute: { mboxes: [{ name: "macro-box", index: 1, parameters: { color: unprintable() } }] } });
    expect(response.execute?.mboxes?.[0]?.options?.[0]?.content).toContain("${mbox.color}");
  });
});

describe("artifacts the engine used to fail on mid-decision", () => {
  it.each([
    ["consequence.name", (rule: Dict) => (rule.consequence.name = unprintable()), /consequence\.name/],
    ["an option's eventToken", (rule: Dict) => (rule.consequence.options[0].eventToken = [unprintable()]), /options\[0\]\.eventToken/],
    ["a metric's eventToken", (rule: Dict) => (rule.consequence.metrics = [{ type: "click", eventToken: {} }]), /metrics\[0\]\.eventToken/],
    ["meta activity.id", (rule: Dict) => (rule.meta["activity.id"] = unprintable()), /activity\.id/],
  ])("refuses an object as %s at load, naming the field", (_, mutate, field) => {
    const artifact = copy();
    mutate(artifact.rules.mboxes.flags[0]);
    expect(() => createDecider({ client: "acme", artifact })).toThrow(ArtifactError);
    expect(() => createDecider({ client: "acme", artifact })).toThrow(
      expect.objectContaining({ code: "ARTIFACT_INVALID", field: expect.stringMatching(field) }),
    );
  });

  it("refuses offer content nested 100,000 levels deep at load instead of overflowing the stack when deciding", () => {
    const artifact = copy();
    artifact.rules.mboxes.flags[0].consequence.options[0].content = nested(100000, 1);
    expect(() => createDecider({ client: "acme", artifact })).toThrow(
      expect.objectContaining({ code: "ARTIFACT_INVALID", field: expect.stringMatching(/^rules\.mboxes\.flags\[0\]\.consequence/) }),
    );
  });
});
