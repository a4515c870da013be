import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { GeneratorError, InvalidGeneratorError } from "./errors.ts";
import { resolveGenerator, type GeneratorObject, type GeneratorSource } from "./resolve.ts";

const GEN = "generators.external-secrets.io/v1alpha1";

/** A source of fixed objects that counts its GETs. */
function source(objects: Record<string, GeneratorObject>): GeneratorSource & { gets: string[] } {
  const gets: string[] = [];
  return {
    gets,
    get: async (kind, namespace, name) => {
      const key = `${kind}/${namespace ?? ""}/${name}`;
      gets.push(key);
      return objects[key];
    },
  };
}

describe("resolveGenerator", () => {
  test("a namespaced generator is read from the referrer's namespace, with the CRD defaults", async () => {
    const s = source({ "Password/team-a/pw": { metadata: { uid: "u1", generation: 3 }, spec: { length: 10 } } });
    const r = await resolveGenerator({ apiVersion: GEN, kind: "Password", name: "pw" }, "team-a", s);
    assert.deepEqual(s.gets, ["Password/team-a/pw"]);
    assert.deepEqual(r.identity, { kind: "Password", name: "pw", namespace: "team-a", uid: "u1", generation: 3 });
    assert.deepEqual(r.definition, { kind: "Password", spec: { length: 10, noUpper: false, allowRepeat: false, encoding: "raw" } });
  });

  test("a ClusterGenerator becomes a generator of its kind, read without namespace", async () => {
    const s = source({ "ClusterGenerator//shared": { metadata: { uid: "c1", generation: 1 }, spec: { kind: "ECRAuthorizationToken", generator: { ecrAuthorizationTokenSpec: { region: "eu-west-1" } } } } });
    const r = await resolveGenerator({ kind: "ClusterGenerator", name: "shared" }, "team-b", s);
    assert.deepEqual(s.gets, ["ClusterGenerator//shared"]);
    assert.equal(r.identity.namespace, undefined);
    assert.deepEqual(r.definition, { kind: "ECRAuthorizationToken", spec: { region: "eu-west-1" } });
  });

  const failures: Array<[string, Record<string, GeneratorObject>, { kind: string; name: string; apiVersion?: string }, RegExp, typeof GeneratorError]> = [
    ["a missing generator (retried: it may be created later)", {}, { kind: "UUID", name: "nope" }, /^unable to get generator: UUID team-a\/nope not found$/, GeneratorError],
    ["another group", {}, { apiVersion: "example.com/v1", kind: "Password", name: "x" }, /may only reference the generators group, but got example\.com/, InvalidGeneratorError],
    ["another version", {}, { apiVersion: "generators.external-secrets.io/v1", kind: "Password", name: "x" }, /unknown GVK/, InvalidGeneratorError],
    ["a kind Ferry does not run", {}, { kind: "Fake", name: "x" }, /generatorRef kind Fake is not supported by Ferry/, InvalidGeneratorError],
    ["a spec that does not parse", { "Password/team-a/bad": { spec: { encoding: "rot13" } } }, { kind: "Password", name: "bad" }, /^invalid Password team-a\/bad: spec\.encoding: Unsupported value/, InvalidGeneratorError],
    ["a ClusterGenerator without the spec of its kind", { "ClusterGenerator//c": { spec: { kind: "UUID", generator: { passwordSpec: {} } } } }, { kind: "ClusterGenerator", name: "c" }, /when kind is UUID, UUIDSpec must be set/, InvalidGeneratorError],
    ["a ClusterGenerator of a kind Ferry does not run", { "ClusterGenerator//c": { spec: { kind: "Webhook", generator: { webhookSpec: { url: "x" } } } } }, { kind: "ClusterGenerator", name: "c" }, /kind Webhook is not supported by Ferry/, InvalidGeneratorError],
  ];
  for (const [name, objects, ref, message, type] of failures) {
    test(name, async () => {
      await assert.rejects(resolveGenerator(ref, "team-a", source(objects)), (err: Error) => err instanceof type && message.test(err.message));
    });
  }

  test("a bad reference costs no API call", async () => {
    const s = source({});
    await assert.rejects(resolveGenerator({ kind: "Fake", name: "x" }, "team-a", s));
    assert.deepEqual(s.gets, []);
  });
});
