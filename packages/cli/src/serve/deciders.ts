/**
 * The deciders of one `serve`: one for the client code it serves, and, only when the operator
 * allows other client codes, a few more in a small LRU. Allocation depends on the client code,
 * so each needs its own compiled decider (about the artifact's size in memory), and a cache
 * keyed by whatever `?client=` callers send would grow without bound.
 */
import { createDecider, internal, type Decider } from "@decisioning/engine";

const { Lru } = internal;

/** Default most deciders kept for client codes other than the served one. */
export const DEFAULT_OTHER_CLIENTS = 8;

/** Target client codes are short runs of letters and digits. */
const CLIENT_CODE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** A client code that this server refuses, with the reason for the 400. */
export class ClientRefused extends Error {}

/** Options of {@link DeciderSet}. */
export interface DeciderSetOptions {
  /** The client code served. */
  client: string;
  /** Most other client codes served at once; 0 refuses them (the default). */
  otherClients: number;
  /** Clock override (tests). */
  now?: () => number;
}

/** The served client's decider and a bounded cache of others'. */
export class DeciderSet {
  readonly client: string;
  readonly otherClients: number;
  #artifact: unknown;
  #own: Decider;
  #others: internal.Lru<string, Decider> | undefined;
  readonly #platform: { platform?: { now: () => number } };

  /** Compiles the served client's decider; throws the engine's `ArtifactError` for an unusable artifact. */
  constructor(artifact: unknown, options: DeciderSetOptions) {
    this.client = options.client;
    this.otherClients = options.otherClients;
    this.#platform = options.now ? { platform: { now: options.now } } : {};
    this.#own = createDecider({ client: this.client, artifact, ...this.#platform });
    this.#artifact = artifact;
    this.#others = this.otherClients > 0 ? new Lru<string, Decider>(this.otherClients) : undefined;
  }

  /** The served client's decider. */
  get own(): Decider {
    return this.#own;
  }

  /** How many other client codes have a decider now. */
  get cachedOthers(): number {
    return this.#others?.size ?? 0;
  }

  /** The decider for a request's `?client=` (empty: the served one); throws {@link ClientRefused}. */
  for(client: string | null): Decider {
    if (client === null || client === "" || client === this.client) return this.#own;
    const others = this.#others;
    if (!others) {
      throw new ClientRefused(
        `client ${JSON.stringify(client.slice(0, 64))} is not the client this server decides for (${this.client}): allocations would differ from Target's. Drop ?client=, or start serve with --other-clients <n> to allow others`,
      );
    }
    if (!CLIENT_CODE.test(client))
      throw new ClientRefused(`client must be a Target client code (letters, digits, "_", "-" or ".", at most 64), got ${JSON.stringify(client.slice(0, 64))}`);
    let decider = others.get(client);
    if (!decider) {
      decider = createDecider({ client, artifact: this.#artifact, ...this.#platform });
      others.set(client, decider);
    }
    return decider;
  }

  /** Decide from a new artifact from now on; throws the engine's `ArtifactError`, keeping the old one. */
  replace(artifact: unknown): void {
    const own = createDecider({ client: this.client, artifact, ...this.#platform });
    this.#artifact = artifact;
    this.#own = own;
    if (this.#others) this.#others = new Lru<string, Decider>(this.otherClients);
  }
}
