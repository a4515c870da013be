import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { secretsConsumedBy, type PodSpecSecretRefs } from "./consumed-secrets.ts";

describe("secretsConsumedBy", () => {
  const cases: Array<{ name: string; spec: PodSpecSecretRefs | undefined; want: string[] }> = [
    { name: "no spec", spec: undefined, want: [] },
    { name: "nothing secret", spec: { containers: [{ env: [{ valueFrom: null }], envFrom: [{ secretRef: null }] }], volumes: [{}] }, want: [] },
    { name: "env secretKeyRef", spec: { containers: [{ env: [{ valueFrom: { secretKeyRef: { name: "db" } } }] }] }, want: ["db"] },
    { name: "envFrom secretRef", spec: { containers: [{ envFrom: [{ secretRef: { name: "api" } }] }] }, want: ["api"] },
    { name: "secret volume", spec: { volumes: [{ secret: { secretName: "tls" } }] }, want: ["tls"] },
    { name: "projected volume secret sources", spec: { volumes: [{ projected: { sources: [{ secret: { name: "a" } }, { secret: null }, { secret: { name: "b" } }] } }] }, want: ["a", "b"] },
    { name: "initContainers count", spec: { initContainers: [{ env: [{ valueFrom: { secretKeyRef: { name: "migrate" } } }] }] }, want: ["migrate"] },
    {
      name: "sorted and unique across every place",
      spec: {
        containers: [{ env: [{ valueFrom: { secretKeyRef: { name: "z" } } }], envFrom: [{ secretRef: { name: "a" } }] }, { envFrom: [{ secretRef: { name: "z" } }] }],
        initContainers: [{ envFrom: [{ secretRef: { name: "m" } }] }],
        volumes: [{ secret: { secretName: "a" } }],
      },
      want: ["a", "m", "z"],
    },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(secretsConsumedBy(c.spec), c.want));
});
