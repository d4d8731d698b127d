import { describe, expect, it } from "vitest";
import { clusterOfEdgeHost, clusterOfTntId, edgeHostOf, isEdgeCluster } from "../../src/context/edge-cluster.js";
import { visitorIdsOf } from "../../src/decide/request.js";

describe("edge clusters", () => {
  it.each(["0", "7", "35", "123", "1234"])("accept the short runs of digits Target issues (%j)", (value) => {
    expect(isEdgeCluster(value)).toBe(true);
  });

  it.each(["", "12345", " 35", "35 ", "3.5", "35.evil.example", "x@evil/", "35;Domain=x", "35\r\n", "٣٥", "１２", undefined, 35, null])(
    "refuse anything else (%j)",
    (value) => {
      expect(isEdgeCluster(value)).toBe(false);
    },
  );

  it("come from a tntId <id>.<cluster>_<n> only when the cluster is digits", () => {
    expect(clusterOfTntId("abc.35_0")).toBe("35");
    expect(clusterOfTntId("abc.x@evil/_0")).toBeUndefined();
    expect(clusterOfTntId("abc.35_0_1")).toBeUndefined();
    expect(clusterOfTntId(".35_0")).toBeUndefined();
    expect(clusterOfTntId(42)).toBeUndefined();
  });

  it("come from an edge host mboxedge<cluster>.tt.omtrdc.net and no other host", () => {
    expect(clusterOfEdgeHost("mboxedge31.tt.omtrdc.net")).toBe("31");
    expect(clusterOfEdgeHost("mboxedge31.tt.omtrdc.net.evil.example")).toBeUndefined();
    expect(clusterOfEdgeHost("mboxedge.tt.omtrdc.net")).toBeUndefined();
    expect(clusterOfEdgeHost("mboxedgex@evil/.tt.omtrdc.net")).toBeUndefined();
    expect(clusterOfEdgeHost("acme.tt.omtrdc.net")).toBeUndefined();
  });

  it("make an edge host only of a valid cluster", () => {
    expect(edgeHostOf("35")).toBe("mboxedge35.tt.omtrdc.net");
    expect(() => edgeHostOf("35.evil.example:8443/")).toThrow(TypeError);
  });

  it("suffix a minted tntId only when the location hint is a valid cluster", () => {
    const uuid = () => "f".repeat(32);
    expect(visitorIdsOf(undefined, "35", uuid).tntId).toBe(`${"f".repeat(32)}.35_0`);
    expect(visitorIdsOf(undefined, "35.evil.example", uuid).tntId).toBe("f".repeat(32));
    expect(visitorIdsOf(undefined, "35; Domain=evil", uuid).tntId).toBe("f".repeat(32));
  });
});
