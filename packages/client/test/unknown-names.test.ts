import { describe, expect, it } from "vitest";
import TargetClient, { type TargetEvent } from "@decisioning/client";
import { MAX_UNKNOWN_NAMES } from "../src/unknown-names.js";
import { BASE_OPTIONS, demoArtifact, recordingLogger } from "./kit/clients.js";

/** An offline on-device client over the demo artifact (which lists `remote-box` as remote), its events and log lines recorded. */
async function client() {
  const events: TargetEvent[] = [];
  const logger = recordingLogger();
  const artifact = demoArtifact();
  artifact.remoteMboxes = ["remote-box"];
  const target = await new Promise<TargetClient>((resolve) => {
    const created = TargetClient.create({
      ...BASE_OPTIONS,
      offline: true,
      decisioningMethod: "on-device",
      artifactPayload: artifact,
      logger,
      events: { clientReady: () => resolve(created), unknownLocation: (event) => void events.push(event) },
    });
  });
  return { target, events, warnings: () => logger.lines.filter((line) => line.level === "warn").map((line) => String(line.args[1])) };
}

describe("a requested name the artifact does not know", () => {
  it("is told once, as a warning and an unknownLocation event, while a declared remote name is not", async () => {
    const { target, events, warnings } = await client();
    await target.getAttributes(["demo-enginering-flags", "remote-box"]);
    await target.getAttributes(["demo-enginering-flags"]);
    await target.getOffers({ request: { prefetch: { views: [{ name: "no-such-view" }] } } });
    expect(events.map(({ type, kind, name }) => ({ type, kind, name }))).toEqual([
      { type: "unknownLocation", kind: "mbox", name: "demo-enginering-flags" },
      { type: "unknownLocation", kind: "view", name: "no-such-view" },
    ]);
    expect(events[0]?.artifactVersion).toBe("1.0.0");
    expect(warnings()).toEqual([
      'the artifact has no mbox "demo-enginering-flags" (neither decided on-device nor listed as remote): answered as remote, with no content; a misspelled name?',
      'the artifact has no view "no-such-view" (neither decided on-device nor listed as remote): answered as remote, with no content; a misspelled name?',
    ]);
    await target.close();
  });

  it("is told for the first names only: requests cannot grow what the client keeps", async () => {
    const { target, events } = await client();
    for (let i = 0; i < MAX_UNKNOWN_NAMES + 50; i++) await target.getAttributes([`typo-${i}`]);
    expect(events).toHaveLength(MAX_UNKNOWN_NAMES);
    await target.close();
  });

  it("is quoted and cut short in the log line, which no name can forge", async () => {
    const { target, warnings } = await client();
    await target.getAttributes([`evil\nforged line ${"x".repeat(300)}`]);
    const [line] = warnings();
    expect(line).not.toMatch(/\n/);
    expect(line?.length).toBeLessThan(300);
    await target.close();
  });
});
