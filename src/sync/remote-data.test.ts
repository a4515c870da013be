import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { NoSecretError, ThrottledError, remoteSecretIdKey, type ReadOutcome, type RemotePayload, type RemoteSecretId } from "../providers/provider.ts";
import { plannedReads, resolveRemoteData, RemoteDataError, type DataSpec, type PayloadReader, type ValueTransforms } from "./remote-data.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array | undefined) => (b ? new TextDecoder().decode(b) : undefined);
const CANARY = "canary-7f3a9c";

/** Minimal transforms: top-level JSON property, identity decoding and keys. */
const transforms: ValueTransforms = {
  selectProperty: (p, prop) => {
    const obj = JSON.parse(dec(p.value)!) as Record<string, unknown>;
    return prop in obj ? { found: true, value: enc(String(obj[prop])) } : { found: false };
  },
  extractMap: (v) => {
    const obj: unknown = JSON.parse(dec(v)!);
    if (typeof obj !== "object" || obj === null || Array.isArray(obj)) throw new Error("not a JSON object");
    return new Map(Object.entries(obj).map(([k, x]) => [k, enc(String(x))]));
  },
  decode: (v) => v,
  convertKeys: (m) => new Map([...m].map(([k, v]) => [k.replace(/[^-._a-zA-Z0-9]/g, "_"), v])),
  rewrite: (m) => m,
};

class FakeReader implements PayloadReader {
  reads: string[][] = [];
  readonly store: Record<string, string>;
  readonly fail: Error | undefined;
  constructor(store: Record<string, string>, fail?: Error) {
    this.store = store;
    this.fail = fail;
  }
  async read(ids: readonly RemoteSecretId[]) {
    this.reads.push(ids.map((i) => i.key));
    if (this.fail) throw this.fail;
    return new Map(ids.map((id): [string, ReadOutcome] => [
      remoteSecretIdKey(id),
      id.key in this.store ? { ok: true, payload: { value: enc(this.store[id.key]!), binary: false } } : { ok: false, error: new NoSecretError(id.key) },
    ]));
  }
  async find(): Promise<Map<string, RemotePayload>> {
    return new Map(Object.entries(this.store).filter(([k]) => k.startsWith("app/")).map(([k, v]) => [k, { value: enc(v), binary: false }]));
  }
}

const remote = { "DB-CREDENTIALS": JSON.stringify({ username: "admin", password: CANARY }), api: "token", "app/one": "1", "app/two": "2" };

describe("resolveRemoteData", () => {
  test("dataFrom then data, later keys override earlier ones, one provider read for all keys", async () => {
    const reader = new FakeReader(remote);
    const spec: DataSpec = {
      dataFrom: [{ extract: { key: "DB-CREDENTIALS" } }],
      data: [{ secretKey: "username", remoteRef: { key: "api" } }, { secretKey: "db-pass", remoteRef: { key: "DB-CREDENTIALS", property: "password" } }],
    };
    const r = await resolveRemoteData(spec, reader, transforms, "Retain");
    assert.deepEqual(Object.fromEntries([...r.data].map(([k, v]) => [k, dec(v)])), { username: "token", password: CANARY, "db-pass": CANARY });
    assert.deepEqual(reader.reads, [["DB-CREDENTIALS", "api"]], "deduplicated, one read");
  });

  test("find keys are converted (ESO Default conversion)", async () => {
    const r = await resolveRemoteData({ dataFrom: [{ find: { path: "app/" } }] }, new FakeReader(remote), transforms, "Retain");
    assert.deepEqual([...r.data.keys()].sort(), ["app_one", "app_two"]);
  });

  const missingCases: Array<{ policy: "Retain" | "Delete" | "Merge"; fails: boolean }> = [
    { policy: "Retain", fails: true },
    { policy: "Delete", fails: false },
    { policy: "Merge", fails: false },
  ];
  for (const c of missingCases) {
    test(`a missing key under deletionPolicy ${c.policy} ${c.fails ? "fails the sync" : "is skipped and reported"}`, async () => {
      const spec: DataSpec = { data: [{ secretKey: "a", remoteRef: { key: "api" } }, { secretKey: "b", remoteRef: { key: "gone" } }] };
      const run = resolveRemoteData(spec, new FakeReader(remote), transforms, c.policy);
      if (c.fails) {
        await assert.rejects(run, (err: Error) => {
          assert.ok(err instanceof RemoteDataError);
          assert.match(err.message, /spec\.data\[1\]\.remoteRef: gone: secret does not exist/);
          return true;
        });
      } else {
        const r = await run;
        assert.deepEqual([...r.data.keys()], ["a"]);
        assert.deepEqual(r.missing, ["gone"]);
      }
    });
  }

  test("a missing property names the field, key and property, never a value", async () => {
    const spec: DataSpec = { data: [{ secretKey: "x", remoteRef: { key: "DB-CREDENTIALS", property: "nope" } }] };
    await assert.rejects(resolveRemoteData(spec, new FakeReader(remote), transforms, "Retain"), (err: Error) => {
      assert.equal(err.message, 'spec.data[0].remoteRef: key DB-CREDENTIALS: property "nope" not found');
      assert.ok(!err.message.includes(CANARY));
      return true;
    });
  });

  test("extract of a non-object says so", async () => {
    await assert.rejects(resolveRemoteData({ dataFrom: [{ extract: { key: "api" } }] }, new FakeReader({ api: '"x"' }), transforms, "Retain"), /spec\.dataFrom\[0\]\.extract: key api: not a JSON object/);
  });

  test("a provider failure (throttling) fails the whole read", async () => {
    await assert.rejects(resolveRemoteData({ data: [{ secretKey: "a", remoteRef: { key: "api" } }] }, new FakeReader(remote, new ThrottledError("rate exceeded")), transforms, "Delete"), ThrottledError);
  });

  test("nullBytePolicy Fail rejects values with a null byte", async () => {
    const spec: DataSpec = { data: [{ secretKey: "a", remoteRef: { key: "bin", nullBytePolicy: "Fail" } }] };
    await assert.rejects(resolveRemoteData(spec, new FakeReader({ bin: "a\u0000b" }), transforms, "Retain"), /null byte/);
  });

  test("plannedReads dedupes by key, version and metadata policy", () => {
    const ids = plannedReads({
      data: [
        { secretKey: "a", remoteRef: { key: "k" } },
        { secretKey: "b", remoteRef: { key: "k", property: "p" } },
        { secretKey: "c", remoteRef: { key: "k", version: "AWSPREVIOUS" } },
        { secretKey: "d", remoteRef: { key: "k", metadataPolicy: "Fetch" } },
      ],
    });
    assert.equal(ids.length, 3);
  });
});

describe("resolveRemoteData with ESO's real transforms", async () => {
  const { defaultValueTransforms } = await import("./value-transforms.ts");
  test("find + rewrite regexp (Go ReplaceAllString semantics), extract with nested values and property paths", async () => {
    const reader = new FakeReader({
      "app/one": "1",
      "app/two": "2",
      doc: JSON.stringify({ db: { host: "h", port: 5432 }, "dotted.key": "d", list: ["a", "b"] }),
    });
    const r = await resolveRemoteData({
      dataFrom: [
        { find: { path: "app/" }, rewrite: [{ regexp: { source: "app/(.*)", target: "APP_${1}" } }] },
        { extract: { key: "doc" } },
      ],
      data: [
        { secretKey: "port", remoteRef: { key: "doc", property: "db.port" } },
        { secretKey: "dotted", remoteRef: { key: "doc", property: "dotted.key" } },
        { secretKey: "second", remoteRef: { key: "doc", property: "list.1" } },
      ],
    }, reader, defaultValueTransforms, "Retain");
    assert.deepEqual(Object.fromEntries([...r.data].map(([k, v]) => [k, dec(v)])), {
      APP_one: "1",
      APP_two: "2",
      db: '{"host":"h","port":5432}',
      "dotted.key": "d",
      list: '["a","b"]',
      port: "5432",
      dotted: "d",
      second: "b",
    });
  });
});
