// The registry as the controller builds it: without injected randomness a Password is drawn from node:crypto
// (a CSPRNG), never from Math.random; each kind produces ESO's output keys.
import { describe, test, mock } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { syncBuiltinESMExports } from "node:module";
import { FakeKubeAccess } from "../providers/fake-kube-access.ts";
import { AwsGeneratorClients } from "./aws-clients.ts";
import { GeneratorRegistry } from "./registry.ts";
import type { GeneratorObject, GeneratorSource } from "./resolve.ts";

const GEN = "generators.external-secrets.io/v1alpha1";

function registry(objects: Record<string, GeneratorObject>): GeneratorRegistry {
  const source: GeneratorSource = { get: async (kind, namespace, name) => objects[`${kind}/${namespace ?? ""}/${name}`] };
  const aws = new AwsGeneratorClients({ kube: new FakeKubeAccess(), defaultCredentials: () => assert.fail("no AWS for these kinds"), now: Date.now });
  return new GeneratorRegistry({ source, aws });
}

describe("GeneratorRegistry", () => {
  test("a Password is drawn from node:crypto's randomInt by default", async (t) => {
    let draws = 0;
    const original = crypto.randomInt;
    t.mock.method(crypto, "randomInt", (max: number): number => {
      draws++;
      return original(max);
    });
    syncBuiltinESMExports();
    const spent = mock.method(Math, "random");
    try {
      const r = registry({ "Password/team-a/pw": { metadata: { uid: "u" }, spec: { length: 32 } } });
      const out = await r.run({ apiVersion: GEN, kind: "Password", name: "pw" }, "team-a");
      assert.equal(Buffer.from(out.data.get("password")!).length, 32);
      assert.ok(draws >= 32, `node:crypto randomInt drew ${draws} times`);
      assert.equal(spent.mock.callCount(), 0, "Math.random is never used");
    } finally {
      spent.mock.restore();
      t.mock.restoreAll();
      syncBuiltinESMExports();
    }
  });

  test("UUID and Password produce ESO's keys", async () => {
    const r = registry({ "UUID/team-a/id": { metadata: { uid: "u" } }, "ClusterGenerator//pw": { metadata: { uid: "c" }, spec: { kind: "Password", generator: { passwordSpec: { length: 12 } } } } });
    const uuid = await r.run({ kind: "UUID", name: "id" }, "team-a");
    assert.deepEqual([...uuid.data.keys()], ["uuid"]);
    assert.match(Buffer.from(uuid.data.get("uuid")!).toString(), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const pw = await r.run({ kind: "ClusterGenerator", name: "pw" }, "team-b");
    assert.deepEqual([...pw.data.keys()], ["password"]);
    assert.equal(pw.data.get("password")!.length, 12);
  });
});
