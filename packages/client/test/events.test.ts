import { describe, expect, it } from "vitest";
import { eventEmitterOf } from "../src/events.js";
import { fakeSafeLogger } from "./kit/fakes.js";

describe("eventEmitterOf", () => {
  it("calls the callback of the event with {type, ...payload}", () => {
    const seen: unknown[] = [];
    const emit = eventEmitterOf({ artifactDownloadFailed: (event) => seen.push(event) }, fakeSafeLogger());
    emit("artifactDownloadFailed", { artifactLocation: "x", type: "ignored" });
    emit("clientReady");
    expect(seen).toEqual([{ type: "artifactDownloadFailed", artifactLocation: "x" }]);
  });

  it("logs a callback that throws or rejects instead of passing it on", async () => {
    const logger = fakeSafeLogger();
    const emit = eventEmitterOf(
      {
        clientReady: () => {
          throw new Error("sync");
        },
        sendNotificationError: () => Promise.reject(new Error("async")),
      },
      logger,
    );
    expect(() => emit("clientReady")).not.toThrow();
    emit("sendNotificationError", {});
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(logger.lines.map((line) => line[1])).toEqual(["clientReady callback failed", "sendNotificationError callback failed"]);
  });

  it("ignores entries that are not functions and a missing events object", () => {
    expect(() => eventEmitterOf({ clientReady: "nope" } as never, fakeSafeLogger())("clientReady")).not.toThrow();
    expect(() => eventEmitterOf(undefined, fakeSafeLogger())("clientReady")).not.toThrow();
  });
});
