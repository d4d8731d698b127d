import { artifact } from "@decisioning/testing";
import { describe, expect, it } from "vitest";
import { describeUnknown, knownNames, unknownNames } from "../src/names.js";

const built = artifact({ client: "kit" })
  .activity("a")
  .mbox("checkout")
  .experience("A", 100, { json: {} })
  .activity("b")
  .view("home-page")
  .experience("B", 100, { json: {} })
  .remoteMbox("server-side-box")
  .build();

describe("names the artifact does not know", () => {
  it("knows local, remote and global names and names with rules", () => {
    const known = knownNames(built);
    expect([...known.mboxes].sort()).toEqual(["checkout", "server-side-box", "target-global-mbox"]);
    expect([...known.views]).toEqual(["home-page"]);
  });

  it("lists each unknown requested name once, with the closest known name of its kind", () => {
    const request = {
      execute: {
        mboxes: [
          { name: "chekout", index: 1 },
          { name: "checkout", index: 2 },
          { name: "chekout", index: 3 },
        ],
      },
      prefetch: {
        mboxes: [
          { name: "server-side-box", index: 4 },
          { name: "zzz", index: 5 },
        ],
        views: [{ name: "home_page" }, { name: "checkout" }],
      },
    };
    expect(unknownNames(request, knownNames(built))).toEqual([
      { kind: "mbox", name: "chekout", suggestion: "checkout" },
      { kind: "mbox", name: "zzz" },
      { kind: "view", name: "home_page", suggestion: "home-page" },
      { kind: "view", name: "checkout" },
    ]);
  });

  it("takes the names of several artifacts together", () => {
    const other = artifact({ client: "kit" }).activity("c").mbox("search").experience("S", 100, { json: {} }).build();
    expect(unknownNames({ execute: { mboxes: [{ name: "search" }, { name: "checkout" }] } }, knownNames(built, other))).toEqual([]);
  });

  it("says what happens to the name and what was probably meant", () => {
    expect(describeUnknown({ kind: "mbox", name: "chekout", suggestion: "checkout" })).toBe(
      'mbox "chekout" is not in the artifact (not local, not remote, no rules), so it is left to the Delivery API (status 206): did you mean "checkout"?',
    );
  });
});
