import { compileGoRegexp, type GoRegexp } from "../lib/goregexp/index.ts";
import type { ChangeService, RemoteChange } from "./change-event.ts";
import type { IndexedRead } from "./external-secret-reads.ts";
import { namesOfArn } from "./remote-names.ts";

/** What a store contributes to matching: its service, region and key prefix (`spec.provider.aws`). */
export interface StoreFacts {
  service: ChangeService;
  region: string;
  prefix: string;
}

interface Reader {
  /** The ExternalSecret's store, as a store index key (by-store-index.ts storeKeyOf). */
  store: string;
  reads: IndexedRead[];
  /** Compiled `find.name.regexp`s, by pattern; undefined when a pattern does not compile (then it could match anything). */
  regexps: Map<string, GoRegexp | undefined>;
}

/**
 * From remote key to the ExternalSecrets that read it, kept from their specs (ExternalSecret informer
 * events). A key is indexed by the name it is written with (the store's prefix is added at match time, as
 * the provider adds it) and, for an ARN, by the name inside it; `find`s are kept aside and judged per event.
 * Bounded by the ExternalSecrets in the cache: one entry per ExternalSecret, one name per read.
 */
export class RemoteKeyIndex {
  readonly #readers = new Map<string, Reader>();
  readonly #byName = new Map<string, Set<string>>();
  readonly #finds = new Set<string>();

  /** Replaces what is indexed for one ExternalSecret ("namespace/name"); no reads removes it. */
  set(externalSecret: string, store: string, reads: IndexedRead[]): void {
    this.delete(externalSecret);
    if (reads.length === 0) return;
    const regexps = new Map<string, GoRegexp | undefined>();
    for (const read of reads) {
      if (read.kind === "find") {
        this.#finds.add(externalSecret);
        if (read.nameRegexp !== undefined && !regexps.has(read.nameRegexp)) regexps.set(read.nameRegexp, compiled(read.nameRegexp));
        continue;
      }
      for (const name of indexNamesOf(read.key)) {
        let set = this.#byName.get(name);
        if (!set) this.#byName.set(name, (set = new Set()));
        set.add(externalSecret);
      }
    }
    this.#readers.set(externalSecret, { store, reads, regexps });
  }

  delete(externalSecret: string): void {
    const reader = this.#readers.get(externalSecret);
    if (!reader) return;
    this.#readers.delete(externalSecret);
    this.#finds.delete(externalSecret);
    for (const read of reader.reads) {
      if (read.kind !== "key") continue;
      for (const name of indexNamesOf(read.key)) {
        const set = this.#byName.get(name);
        set?.delete(externalSecret);
        if (set?.size === 0) this.#byName.delete(name);
      }
    }
  }

  get size(): number {
    return this.#readers.size;
  }

  /** Whether change events cover this ExternalSecret ("namespace/name"). */
  has(externalSecret: string): boolean {
    return this.#readers.has(externalSecret);
  }

  keys(): IterableIterator<string> {
    return this.#readers.keys();
  }

  /**
   * The ExternalSecrets that read the changed secret: a key read whose store (service, region, prefix) and
   * name say it is this secret, or a find that could match it (findCouldMatch). `prefixes`: every store
   * prefix in use ("" included), so a name is looked up with each stripped.
   */
  readersOf(change: RemoteChange, storeFacts: (store: string) => StoreFacts | undefined, prefixes: Iterable<string>): Set<string> {
    const candidates = new Set<string>(this.#finds);
    const prefixList = [...new Set(["", ...prefixes])];
    for (const name of change.names) {
      for (const prefix of prefixList) {
        if (!name.startsWith(prefix)) continue;
        for (const es of this.#byName.get(name.slice(prefix.length)) ?? []) candidates.add(es);
      }
    }
    const matched = new Set<string>();
    for (const es of candidates) {
      const reader = this.#readers.get(es);
      const facts = reader && storeFacts(reader.store);
      if (!reader || !facts || facts.service !== change.service) continue;
      if (reader.reads.some((read) => readMatches(read, change, facts, reader.regexps))) matched.add(es);
    }
    return matched;
  }
}

/** The names a key is indexed under: the key itself, or the names inside an ARN. */
function indexNamesOf(key: string): string[] {
  return namesOfArn(key)?.names ?? [key];
}

/** Whether one read of an ExternalSecret on a store with `facts` reads the changed secret. */
export function readMatches(read: IndexedRead, change: RemoteChange, facts: StoreFacts, regexps: Map<string, GoRegexp | undefined> = new Map()): boolean {
  if (read.kind === "find") return findCouldMatch(read, change, facts, regexps);
  const arn = namesOfArn(read.key);
  if (arn) {
    // An ARN says where the secret is; an event without an account (an emulator) matches any.
    if (arn.service !== change.service || arn.region !== change.region) return false;
    if (change.account !== undefined && arn.account !== change.account) return false;
    return arn.names.some((n) => change.names.includes(n));
  }
  return facts.region === change.region && change.names.includes(facts.prefix + read.key);
}

/**
 * The rule for `dataFrom.find`: enqueue an ExternalSecret whose find could match the changed secret — same
 * store region; the name under the store's prefix and `path`; `name.regexp` matching the name (with or
 * without the prefix, the forms a user may have written it for). Tags cannot be judged from an event
 * (TagResource names the tags added, not the ones the secret has), so a tag condition never excludes. A
 * find that could match costs its reconcile one ListSecrets/GetParametersByPath round; one that cannot is
 * not touched.
 */
export function findCouldMatch(read: Extract<IndexedRead, { kind: "find" }>, change: RemoteChange, facts: StoreFacts, regexps: Map<string, GoRegexp | undefined>): boolean {
  if (facts.region !== change.region) return false;
  const under = facts.prefix + (read.path ?? "");
  return change.names.some((name) => {
    if (!name.startsWith(under)) return false;
    if (read.nameRegexp === undefined) return true;
    const re = regexps.has(read.nameRegexp) ? regexps.get(read.nameRegexp) : compiled(read.nameRegexp);
    // A pattern that does not compile fails the ExternalSecret itself; here it could match anything.
    return !re || re.matchString(name) || re.matchString(name.slice(facts.prefix.length));
  });
}

function compiled(pattern: string): GoRegexp | undefined {
  try {
    return compileGoRegexp(pattern);
  } catch {
    return undefined;
  }
}
