import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { ExternalSecret } from "../apis/external-secret.ts";
import { parseExternalSecret } from "../apis/parse.ts";
import { readsOf } from "./external-secret-reads.ts";

function es(spec: Record<string, unknown>): ExternalSecret {
  const parsed = parseExternalSecret({
    apiVersion: "external-secrets.io/v1",
    kind: "ExternalSecret",
    metadata: { name: "es", namespace: "ns" },
    spec: { secretStoreRef: { name: "sm" }, ...spec },
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.value;
}

describe("readsOf", () => {
  const data = [{ secretKey: "k", remoteRef: { key: "app/db" } }];
  const cases: Array<{ name: string; spec: Record<string, unknown>; want: ReturnType<typeof readsOf> }> = [
    { name: "data keys (default 1h Periodic)", spec: { data }, want: [{ kind: "key", key: "app/db" }] },
    { name: "extract", spec: { dataFrom: [{ extract: { key: "app/json" } }] }, want: [{ kind: "key", key: "app/json" }] },
    {
      name: "find by path, regexp and tags",
      spec: { dataFrom: [{ find: { path: "app/", name: { regexp: "^db" }, tags: { team: "a" } } }] },
      want: [{ kind: "find", path: "app/", nameRegexp: "^db", tags: true }],
    },
    { name: "OnChange never polls: events leave it alone", spec: { data, refreshPolicy: "OnChange" }, want: [] },
    { name: "CreatedOnce", spec: { data, refreshPolicy: "CreatedOnce" }, want: [] },
    { name: "refreshInterval 0 syncs once", spec: { data, refreshInterval: "0" }, want: [] },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(readsOf(es(c.spec)), c.want));
});
