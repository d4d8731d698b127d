import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_NOTIFICATION_QUEUE_OPTIONS,
  NotificationQueue,
  notificationQueueOptionsOf,
  OUTAGE_THRESHOLD,
  type NotificationDrop,
  type NotificationQueueOptions,
} from "../../src/notifications/queue.js";

/** A manual clock and timers: `advance` runs due timers in order, letting promises settle between. */
function manualPlatform(random = () => 0.5) {
  let now = 0;
  let nextId = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
  return {
    monotonic: () => now,
    setTimeout: (fn: () => void, ms: number) => {
      nextId += 1;
      timers.set(nextId, { at: now + Math.max(0, ms), fn });
      return nextId;
    },
    clearTimeout: (handle: unknown) => void timers.delete(handle as number),
    random,
    timers,
    now: () => now,
    /** Move the clock forward by `ms`, running every timer that falls due. */
    async advance(ms = 0): Promise<void> {
      const end = now + ms;
      for (;;) {
        await settle();
        let next: [number, { at: number; fn: () => void }] | undefined;
        for (const entry of timers) if (entry[1].at <= end && (!next || entry[1].at < next[1].at)) next = entry;
        if (!next) break;
        timers.delete(next[0]);
        now = Math.max(now, next[1].at);
        next[1].fn();
      }
      now = end;
      await settle();
    },
  };
}

interface Payload {
  key?: string;
  n: number;
  parts?: number[];
}

type Outcome = "ok" | "retriable" | "fatal" | "hang";

/** A queue over a scripted sender that records every request it was handed. */
function harness(options: NotificationQueueOptions = {}, script: (payload: Payload, attempt: number) => Outcome = () => "ok") {
  const platform = manualPlatform();
  const sent: Payload[] = [];
  const calls: Payload[] = [];
  const drops: NotificationDrop<Payload>[] = [];
  const attemptsOf = new Map<number, number>();
  let active = 0;
  let peak = 0;
  const hanging: Array<() => void> = [];
  const queue = new NotificationQueue<Payload>(
    {
      send: (payload) => {
        calls.push(payload);
        const attempt = (attemptsOf.get(payload.n) ?? 0) + 1;
        attemptsOf.set(payload.n, attempt);
        active += 1;
        peak = Math.max(peak, active);
        const outcome = script(payload, attempt);
        return new Promise((resolve, reject) => {
          const finish = () => {
            active -= 1;
            if (outcome === "ok" || outcome === "hang") {
              sent.push(payload);
              resolve(undefined);
            } else reject(outcome === "retriable" ? new Error("retriable") : new Error("fatal"));
          };
          if (outcome === "hang") hanging.push(finish);
          else platform.setTimeout(finish, 10);
        });
      },
      isRetriable: (error) => (error as Error).message === "retriable",
      keyOf: (payload) => payload.key,
      merge: (payloads) => ({ key: payloads[0]?.key, n: payloads[0]?.n ?? 0, parts: payloads.map((p) => p.n) }),
      onDrop: (drop) => void drops.push(drop),
      platform,
    },
    options,
  );
  return { queue, platform, sent, calls, drops, peak: () => peak, release: () => hanging.splice(0).forEach((finish) => finish()) };
}

/** Every payload ends exactly once: sent or dropped, or is still held. */
function expectBalanced(queue: NotificationQueue<Payload>): void {
  const stats = queue.stats();
  expect(stats.sent + stats.dropped + stats.queued + stats.inFlight).toBe(stats.enqueued);
  expect(Object.values(stats.droppedBy).reduce((a, b) => a + b, 0)).toBe(stats.dropped);
}

describe("NotificationQueue", () => {
  it("sends each payload once, on a later tick, and counts it", async () => {
    const { queue, platform, sent, calls } = harness();
    for (let n = 1; n <= 5; n++) queue.enqueue({ n });
    expect(calls).toHaveLength(0);
    await platform.advance(100);
    expect(sent.map((p) => p.n)).toEqual([1, 2, 3, 4, 5]);
    expect(queue.stats()).toMatchObject({ enqueued: 5, sent: 5, dropped: 0, requests: 5, failedAttempts: 0, queued: 0, inFlight: 0 });
  });

  it("merges payloads with the same key handed over in the same tick, up to maxBatch each", async () => {
    const { queue, platform, calls } = harness({ maxBatch: 3 });
    for (let n = 1; n <= 7; n++) queue.enqueue({ key: "visitor-a", n });
    queue.enqueue({ key: "visitor-b", n: 8 });
    queue.enqueue({ n: 9 });
    queue.enqueue({ n: 10 });
    await platform.advance(100);
    expect(calls.map((p) => p.parts ?? [p.n])).toEqual([[1, 2, 3], [4, 5, 6], [7], [8], [9], [10]]);
    expect(queue.stats()).toMatchObject({ enqueued: 10, sent: 10, requests: 6 });
  });

  it("merges payloads of one key only where canMerge agrees, and not at all where it throws", async () => {
    const platform = manualPlatform();
    const calls: Payload[] = [];
    const queue = new NotificationQueue<Payload>({
      send: (payload) => {
        calls.push(payload);
        return Promise.resolve();
      },
      isRetriable: () => false,
      keyOf: (payload) => payload.key,
      canMerge: (into, payload) => {
        if (payload.n === 6) throw new Error("cannot compare");
        return into.n % 2 === payload.n % 2;
      },
      merge: (payloads) => ({ key: payloads[0]?.key, n: payloads[0]?.n ?? 0, parts: payloads.map((p) => p.n) }),
      onDrop: () => {},
      platform,
    });
    // 1 and 3 agree; 4 does not, so it opens the key's next request; 6 cannot be compared.
    for (const n of [1, 3, 4, 6, 8]) queue.enqueue({ key: "visitor-a", n });
    await platform.advance(100);
    expect(calls.map((p) => p.parts ?? [p.n])).toEqual([[1, 3], [4], [6, 8]]);
    expect(queue.stats()).toMatchObject({ enqueued: 5, sent: 5, requests: 3 });
  });

  it("holds and sends what retain returns for payloads it takes in, and reports refused ones as given", async () => {
    const platform = manualPlatform();
    const sent: Payload[] = [];
    const dropped: Payload[] = [];
    const given = [{ n: 1 }, { n: 2 }, { n: 3 }];
    const queue = new NotificationQueue<Payload>(
      {
        send: (payload) => {
          sent.push(payload);
          return Promise.resolve();
        },
        isRetriable: () => false,
        keyOf: () => undefined,
        merge: (payloads) => payloads[0] as Payload,
        retain: (payload) => {
          if (payload.n === 2) throw new Error("cannot copy");
          return { ...payload, parts: [payload.n] };
        },
        onDrop: (drop) => void dropped.push(drop.payload),
        platform,
      },
      { maxQueued: 2 },
    );
    for (const payload of given) queue.enqueue(payload);
    await platform.advance(100);
    // 1 was copied, 2 could not be and is held as given, 3 found the queue full.
    expect(sent).toEqual([{ n: 1, parts: [1] }, { n: 2 }]);
    expect(sent[0]).not.toBe(given[0]);
    expect(sent[1]).toBe(given[1]);
    expect(dropped).toEqual([given[2]]);
    expect(dropped[0]).toBe(given[2]);
  });

  it("never merges into a payload that is already in flight or being retried", async () => {
    const { queue, platform, calls } = harness({ backoffInitialMs: 100 }, (payload, attempt) => (payload.n === 1 && attempt === 1 ? "retriable" : "ok"));
    queue.enqueue({ key: "a", n: 1 });
    await platform.advance(0);
    queue.enqueue({ key: "a", n: 2 });
    await platform.advance(15);
    queue.enqueue({ key: "a", n: 3 });
    await platform.advance(1000);
    expect(calls.map((p) => p.parts ?? [p.n])).toEqual([[1], [2], [3], [1]]);
  });

  it("keeps at most maxConcurrent requests in flight", async () => {
    const { queue, platform, sent, peak } = harness({ maxConcurrent: 3 });
    for (let n = 1; n <= 20; n++) queue.enqueue({ n });
    await platform.advance(1000);
    expect(sent).toHaveLength(20);
    expect(peak()).toBe(3);
  });

  it("retries retriable failures with jittered exponential backoff between half and all of each step", async () => {
    for (const random of [() => 0, () => 0.999999]) {
      const platform = manualPlatform(random);
      const startedAt: number[] = [];
      const queue = new NotificationQueue<Payload>(
        {
          send: () => {
            startedAt.push(platform.now());
            return startedAt.length < 5 ? Promise.reject(new Error("retriable")) : Promise.resolve();
          },
          isRetriable: () => true,
          keyOf: () => undefined,
          merge: (payloads) => payloads[0] as Payload,
          onDrop: () => {},
          platform,
        },
        { backoffInitialMs: 100, backoffMaxMs: 500 },
      );
      queue.enqueue({ n: 1 });
      await platform.advance(10000);
      const gaps = startedAt.slice(1).map((at, i) => at - (startedAt[i] as number));
      const ceilings = [100, 200, 400, 500];
      gaps.forEach((gap, i) => {
        expect(gap).toBeGreaterThanOrEqual((ceilings[i] as number) / 2);
        expect(gap).toBeLessThanOrEqual(ceilings[i] as number);
      });
      expect(queue.stats()).toMatchObject({ sent: 1, requests: 5, failedAttempts: 4 });
    }
  });

  it("drops a payload after maxAttempts failed attempts and reports it once, with the last error", async () => {
    const { queue, platform, drops, calls } = harness({ maxAttempts: 4, backoffInitialMs: 10 }, () => "retriable");
    queue.enqueue({ n: 1 });
    await platform.advance(10000);
    expect(calls).toHaveLength(4);
    expect(drops).toHaveLength(1);
    expect(drops[0]).toMatchObject({ payload: { n: 1 }, reason: "retries-exhausted", attempts: 4, error: new Error("retriable") });
    expect(queue.stats()).toMatchObject({ dropped: 1, droppedBy: { "retries-exhausted": 1 }, failedAttempts: 4 });
  });

  it("pauses every send once OUTAGE_THRESHOLD requests in a row fail, probes one request at a time, and resumes after a success", async () => {
    let down = true;
    const { queue, platform, calls, sent, peak } = harness({ maxConcurrent: 10, backoffInitialMs: 100, backoffMaxMs: 400, maxAttempts: 100 }, () =>
      down ? "retriable" : "ok",
    );
    for (let n = 1; n <= 30; n++) queue.enqueue({ n });
    await platform.advance(5);
    expect(calls).toHaveLength(10);
    await platform.advance(2000);
    // After the first round failed: one probe at a time, at most one per backoff delay (>= 200 ms at the cap).
    const probes = calls.length - 10;
    expect(probes).toBeGreaterThan(2);
    expect(probes).toBeLessThanOrEqual(2000 / 50);
    expect(queue.stats()).toMatchObject({ inFlight: 0, sent: 0 });
    down = false;
    await platform.advance(1000);
    expect(sent).toHaveLength(30);
    expect(peak()).toBe(10);
    expectBalanced(queue);
  });

  it("lengthens the pause only when a probe fails, so a short outage costs a short pause", async () => {
    let down = true;
    const { queue, platform, sent } = harness({ maxConcurrent: 50, backoffInitialMs: 100, backoffMaxMs: 30000, maxAttempts: 100 }, () =>
      down ? "retriable" : "ok",
    );
    for (let n = 1; n <= 50; n++) queue.enqueue({ n });
    // 50 requests fail together: that is one outage, not fifty (the first pause is 50 to 100 ms).
    await platform.advance(15);
    down = false;
    await platform.advance(250);
    expect(sent).toHaveLength(50);
  });

  it("does not pause for scattered failures below the threshold", async () => {
    let count = 0;
    const { queue, platform, sent } = harness({ maxConcurrent: 5, backoffInitialMs: 1000 }, () =>
      ++count % (OUTAGE_THRESHOLD - 1) === 0 ? "retriable" : "ok",
    );
    for (let n = 1; n <= 40; n++) queue.enqueue({ n });
    await platform.advance(200);
    // Everything but the failed ones went out in 10 ms rounds; the failed ones wait for their own backoff.
    expect(sent.length).toBeGreaterThanOrEqual(30);
  });

  it("drops a payload whose failure is not retriable at once", async () => {
    const { queue, platform, drops, calls } = harness({}, () => "fatal");
    queue.enqueue({ n: 1 });
    await platform.advance(10000);
    expect(calls).toHaveLength(1);
    expect(drops.map((d) => [d.reason, d.attempts])).toEqual([["rejected", 1]]);
  });

  it("reports every payload of a merged request that is dropped", async () => {
    const { queue, platform, drops } = harness({}, () => "fatal");
    for (let n = 1; n <= 3; n++) queue.enqueue({ key: "k", n });
    await platform.advance(100);
    expect(drops.map((d) => d.payload.n)).toEqual([1, 2, 3]);
    expect(queue.stats()).toMatchObject({ dropped: 3, requests: 1 });
  });

  it("turns new payloads away while maxQueued wait, never dropping one already taken in", async () => {
    const { queue, platform, drops, sent, release } = harness({ maxQueued: 3, maxConcurrent: 1 }, () => "hang");
    queue.enqueue({ n: 1 });
    await platform.advance(0);
    for (let n = 2; n <= 7; n++) queue.enqueue({ n });
    expect(drops.map((d) => [d.payload.n, d.reason, d.attempts])).toEqual([
      [5, "queue-full", 0],
      [6, "queue-full", 0],
      [7, "queue-full", 0],
    ]);
    expect(queue.stats()).toMatchObject({ queued: 3, inFlight: 1 });
    for (let i = 0; i < 5; i++) {
      release();
      await platform.advance(10);
    }
    expect(sent.map((p) => p.n)).toEqual([1, 2, 3, 4]);
    expectBalanced(queue);
  });

  it("keeps refusing through thousands of payloads handed over while a request hangs and nothing is pumped", async () => {
    const { queue, platform, drops, sent, release } = harness({ maxQueued: 3, maxConcurrent: 1 }, () => "hang");
    queue.enqueue({ n: 1 });
    await platform.advance(0);
    // No tick between hand-offs: the event loop is busy, so nothing is sent meanwhile.
    for (let n = 2; n <= 5000; n++) queue.enqueue({ n });
    expect(drops.map((d) => d.payload.n)).toEqual(Array.from({ length: 4996 }, (_, i) => i + 5));
    expect(queue.stats()).toMatchObject({ enqueued: 5000, dropped: 4996, queued: 3, inFlight: 1 });
    for (let i = 0; i < 5; i++) {
      release();
      await platform.advance(10);
    }
    expect(sent.map((p) => p.n)).toEqual([1, 2, 3, 4]);
    // Room again: the next payload is taken in.
    queue.enqueue({ n: 5001 });
    release();
    await platform.advance(10);
    release();
    await platform.advance(10);
    expect(sent.map((p) => p.n)).toContain(5001);
    expectBalanced(queue);
  });

  it("drops payloads older than maxAgeMs instead of trying them again", async () => {
    const { queue, platform, drops, calls } = harness({ maxAgeMs: 1000, backoffInitialMs: 800, backoffMaxMs: 800, maxAttempts: 100 }, () => "retriable");
    queue.enqueue({ n: 1 });
    await platform.advance(5000);
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(drops.map((d) => d.reason)).toEqual(["expired"]);
  });

  it("flush retries at once instead of backing off, and resolves once everything is sent", async () => {
    const { queue, platform, sent } = harness({ backoffInitialMs: 60000 }, (_, attempt) => (attempt < 3 ? "retriable" : "ok"));
    for (let n = 1; n <= 4; n++) queue.enqueue({ n });
    await platform.advance(50);
    let flushed = false;
    const flushing = queue.flush().then(() => (flushed = true));
    await platform.advance(200);
    await flushing;
    expect(flushed).toBe(true);
    expect(sent).toHaveLength(4);
    expect(platform.now()).toBeLessThan(1000);
  });

  it("flush gives up at closeTimeoutMs: drops what waits, lets requests in flight end, and the queue keeps working", async () => {
    const { queue, platform, drops, sent, release } = harness({ closeTimeoutMs: 500, maxConcurrent: 2 }, (payload) => (payload.n <= 2 ? "hang" : "ok"));
    for (let n = 1; n <= 5; n++) queue.enqueue({ n });
    await platform.advance(0);
    let flushed = false;
    const flushing = queue.flush().then(() => (flushed = true));
    await platform.advance(600);
    expect(drops.map((d) => [d.payload.n, d.reason])).toEqual([
      [3, "closed"],
      [4, "closed"],
      [5, "closed"],
    ]);
    expect(flushed).toBe(false);
    release();
    await platform.advance(10);
    await flushing;
    expect(sent.map((p) => p.n)).toEqual([1, 2]);
    queue.enqueue({ n: 6 });
    await platform.advance(100);
    expect(sent.map((p) => p.n)).toEqual([1, 2, 6]);
    expectBalanced(queue);
  });

  it("whenSettled resolves once the payloads held at the call are sent or dropped", async () => {
    const { queue, platform } = harness({ backoffInitialMs: 100, maxAttempts: 2 }, (payload) => (payload.n === 2 ? "retriable" : "ok"));
    queue.enqueue({ n: 1 });
    queue.enqueue({ n: 2 });
    let settled = false;
    void queue.whenSettled().then(() => (settled = true));
    await platform.advance(50);
    expect(settled).toBe(false);
    await platform.advance(1000);
    expect(settled).toBe(true);
    await expect(queue.whenSettled()).resolves.toBeUndefined();
  });

  it("survives a sender, key function or reporter that throws", async () => {
    const platform = manualPlatform();
    const queue = new NotificationQueue<Payload>(
      {
        send: () => {
          throw new Error("sync failure");
        },
        isRetriable: () => {
          throw new Error("broken");
        },
        keyOf: () => {
          throw new Error("broken");
        },
        merge: (payloads) => payloads[0] as Payload,
        onDrop: () => {
          throw new Error("broken");
        },
        platform,
      },
      {},
    );
    queue.enqueue({ n: 1 });
    await platform.advance(100);
    expect(queue.stats()).toMatchObject({ enqueued: 1, dropped: 1, droppedBy: { rejected: 1 } });
  });

  it("accounts for every payload exactly once, whatever the sender does", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(fc.option(fc.constantFrom("a", "b", "c")), fc.array(fc.constantFrom<Outcome>("ok", "retriable", "fatal"), { minLength: 1, maxLength: 4 })),
          {
            maxLength: 40,
          },
        ),
        fc.record({
          maxQueued: fc.integer({ min: 1, max: 10 }),
          maxConcurrent: fc.integer({ min: 1, max: 4 }),
          maxBatch: fc.integer({ min: 1, max: 4 }),
          maxAttempts: fc.integer({ min: 1, max: 4 }),
        }),
        fc.boolean(),
        async (plan, options, closeEarly) => {
          const script = new Map(plan.map(([, outcomes], n) => [n, outcomes]));
          const h = harness({ ...options, backoffInitialMs: 5, backoffMaxMs: 20, closeTimeoutMs: 50 }, (payload, attempt) => {
            const outcomes = script.get(payload.n) as Outcome[];
            return outcomes[Math.min(attempt, outcomes.length) - 1] as Outcome;
          });
          plan.forEach(([key], n) => h.queue.enqueue(key === null ? { n } : { key, n }));
          if (closeEarly) {
            const flushing = h.queue.flush();
            await h.platform.advance(1000);
            await flushing;
          } else await h.platform.advance(100000);
          const stats = h.queue.stats();
          expect(stats).toMatchObject({ enqueued: plan.length, queued: 0, inFlight: 0 });
          expectBalanced(h.queue);
          const sentIds = h.sent.flatMap((p) => p.parts ?? [p.n]);
          const droppedIds = h.drops.map((d) => d.payload.n);
          expect([...sentIds, ...droppedIds].sort((a, b) => a - b)).toEqual(plan.map((_, n) => n));
          expect(h.drops).toHaveLength(stats.dropped);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("fills the documented defaults in for missing options", () => {
    expect(notificationQueueOptionsOf(undefined)).toEqual(DEFAULT_NOTIFICATION_QUEUE_OPTIONS);
    expect(notificationQueueOptionsOf({ backoffInitialMs: 100, backoffMaxMs: 50 })).toMatchObject({ backoffInitialMs: 100, backoffMaxMs: 100 });
    expect(DEFAULT_NOTIFICATION_QUEUE_OPTIONS).toEqual({
      maxQueued: 10000,
      maxConcurrent: 100,
      maxBatch: 20,
      maxAttempts: 10,
      maxAgeMs: 300000,
      backoffInitialMs: 500,
      backoffMaxMs: 30000,
      closeTimeoutMs: 5000,
    });
  });
});

describe("notification queue options", () => {
  it.each<[NotificationQueueOptions, string]>([
    [{ maxQueued: -1 }, "notificationQueue.maxQueued"],
    [{ maxConcurrent: 0 }, "notificationQueue.maxConcurrent"],
    [{ maxBatch: Number.NaN }, "notificationQueue.maxBatch"],
    [{ maxAttempts: 2.5 }, "notificationQueue.maxAttempts"],
    [{ maxAgeMs: "1" as never }, "notificationQueue.maxAgeMs"],
    [{ backoffMaxMs: Infinity }, "notificationQueue.backoffMaxMs"],
  ])("refuse an invalid value with an error naming the option (%j)", (options, field) => {
    expect(() => notificationQueueOptionsOf(options)).toThrow(new RegExp(`^${field.replace(".", "\\.")}: must be`));
  });
});
