// Regenerates fixtures/allocation/vectors.json: golden allocation vectors whose expected
// values come from the reference (`hashUnencodedChars` of @adobe/target-tools), so the
// engine's tests can check allocation on a fresh clone without the reference installed.
// Deterministic: a seeded PRNG picks the random ids, so reruns produce the same file.
//
//   pnpm vectors   (scripts/gen-vectors/allocation.ts)
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { targetTools } from "../reference/adobe.js";

/** One golden vector: the inputs of a device key, the reference's hash of it and the allocation it gives. */
export interface AllocationVector {
  note: string;
  client: string;
  activityId: number | string;
  visitorId: string;
  hash: number;
  allocation: number;
}

const tools = targetTools();

const OUT = fileURLToPath(new URL("../../fixtures/allocation/vectors.json", import.meta.url));

// mulberry32: tiny, seedable, good enough to spread test inputs.
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = prng(20240917);
const pick = <T>(items: ArrayLike<T>): T => items[Math.floor(random() * items.length)] as T;
const int = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));

const HEX = "0123456789abcdef";
const ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
// Odd, non-ASCII and astral pieces: Latin-1, CJK, RTL, combining marks, emoji (surrogate
// pairs), a ZWJ sequence, a lone surrogate and a NUL, all as UTF-16 code units.
const EXOTIC = [
  "é",
  "ß",
  "ü",
  "中",
  "文",
  "日本",
  "עברית",
  "ا",
  "e\u0301",
  "😀",
  "👍🏽",
  "👨‍👩‍👧",
  "𝄞",
  "\ud800",
  "\udfff",
  "\u0000",
  "\uffff",
  " ",
  ".",
  "-",
  "_",
];

const randomString = (alphabet: string, length: number): string => Array.from({ length }, () => alphabet[int(0, alphabet.length - 1)]).join("");
const hexId = (length: number): string => randomString(HEX, length);
const tntId = () => `${hexId(8)}-${hexId(4)}-${hexId(4)}-${hexId(4)}-${hexId(12)}`;
const mcid = () => `${randomString("0123456789", 38)}`;
const exoticId = () => Array.from({ length: int(1, 8) }, () => (random() < 0.5 ? pick(EXOTIC) : pick(ALNUM))).join("");

const clients = ["targettesting", "acme", "adobesummit2022", "", "ünïcode", "a"];
const activityIds: Array<number | string> = [0, 1, 125873, 334411, 2147483647, 9007199254740991, "125874", "abc", -5];

const cases: Array<Omit<AllocationVector, "hash" | "allocation">> = [];
const add = (client: string, activityId: number | string, visitorId: string, note: string) => cases.push({ client, activityId, visitorId, note });

// Fixed cases first: they document the edges by name.
add("targettesting", 125873, "", "empty visitor id");
add("targettesting", 125873, "338e3c1e51f7416a8e1ccba4f81acea0", "tntId (no location hint)");
add("targettesting", 125873, "61777644265076318292066553366958839183", "marketing cloud visitor id");
add("targettesting", 125873, "😀", "single emoji (one surrogate pair)");
add("targettesting", 125873, "\ud83d", "lone high surrogate");
add("targettesting", 125873, "é", "one Latin-1 character");
add("targettesting", 125873, "中文", "CJK");
add("targettesting", 125873, "a".repeat(1000), "1000-character id");
add("targettesting", 125873, "x".repeat(4097), "id longer than one hashing chunk");
add("targettesting", 125873, "😀".repeat(3000), "6000 code units of emoji");
for (let length = 0; length <= 8; length++) add("t", 1, "v".repeat(length), `key length parity/remainder ${length}`);

while (cases.length < 240) {
  const kind = int(0, 4);
  const client = pick(clients);
  const activityId = random() < 0.7 ? int(1, 999999) : pick(activityIds);
  if (kind === 0) add(client, activityId, hexId(32), "random tntId");
  else if (kind === 1) add(client, activityId, tntId(), "random dashed uuid");
  else if (kind === 2) add(client, activityId, mcid(), "random marketing cloud id");
  else if (kind === 3) add(client, activityId, exoticId(), "random non-ASCII id");
  else add(client, activityId, randomString(ALNUM, int(0, 300)), "random alphanumeric id");
}

const vectors = cases.map(({ client, activityId, visitorId, note }): AllocationVector => {
  const deviceKey = [client, activityId, visitorId, "0"].join(".");
  const hash = tools.hashUnencodedChars(deviceKey);
  // calculateAllocation of the reference engine, on the reference's hash.
  const allocation = Math.round(((Math.abs(hash) % 10000) / 10000) * 100 * 100) / 100;
  return { note, client, activityId, visitorId, hash, allocation };
});

writeFileSync(
  OUT,
  `${JSON.stringify({ generator: "scripts/gen-vectors/allocation.ts", oracle: "@adobe/target-tools 1.7.2 hashUnencodedChars", vectors }, null, 2)}\n`,
);
console.log(`wrote ${vectors.length} vectors to ${OUT}`);
