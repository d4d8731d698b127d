import { describe, expect, it } from "vitest";
import { createDecider } from "@decisioning/engine";
import { SOAK_MBOXES, soakArtifact, versionOfToken } from "./artifact.js";

describe("the soak's artifacts", () => {
  it("decide every soak mbox for every visitor with offers and notification tokens that carry their version", () => {
    for (const version of [1, 7, 65000]) {
      const decider = createDecider({ client: "soak", artifact: soakArtifact(version) });
      expect(decider.problems).toEqual([]);
      for (const tntId of ["v0", "v1", "v2", "v999999"]) {
        const { response, notification } = decider.decide({
          request: { id: { tntId }, execute: { mboxes: SOAK_MBOXES.map((name, index) => ({ name, index })) } },
        });
        const contents = (response.execute?.mboxes ?? []).map((mbox) => mbox.options?.[0]?.content as { version: number });
        expect(contents.map((content) => content.version)).toEqual([version, version, version]);
        const tokens = (notification?.request.notifications ?? []).flatMap((n) => n.tokens ?? []);
        expect(tokens).toHaveLength(3);
        expect(tokens.map(versionOfToken)).toEqual([version, version, version]);
      }
    }
  });

  it("reads no version from a token that has none", () => {
    expect(versionOfToken("tok-0001==")).toBeNaN();
    expect(versionOfToken(undefined)).toBeNaN();
  });
});
