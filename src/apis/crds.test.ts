import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { buildCustomResourceDefinitions, CLIENT_SIDE_APPLY_LIMIT, renderCrdFiles } from "./crds.ts";
import type { JsonSchema } from "./structural-schema.ts";

const crdDir = join(import.meta.dirname, "..", "..", "deploy", "crds");
const crds = buildCustomResourceDefinitions();
const byKind = new Map(crds.map((crd) => [crd.spec.names.kind, crd]));

describe("deploy/crds", () => {
  test("the committed files are exactly a fresh generation (run `npm run generate:crds`)", () => {
    const files = renderCrdFiles();
    const committed = existsSync(crdDir) ? readdirSync(crdDir).filter((f) => f.startsWith("external-secrets.io_") || f.startsWith("generators.external-secrets.io_")).sort() : [];
    assert.deepEqual(committed, [...files.keys()].sort());
    for (const [name, yaml] of files) assert.equal(readFileSync(join(crdDir, name), "utf8"), yaml, `${name} is stale`);
  });

  test("each CRD fits client-side kubectl apply (last-applied-configuration < 256 KiB)", () => {
    for (const crd of crds) {
      // kubectl stores the applied object as compact JSON in an annotation.
      const bytes = Buffer.byteLength(JSON.stringify(crd));
      assert.ok(bytes < CLIENT_SIDE_APPLY_LIMIT / 4, `${crd.metadata!.name}: ${bytes} bytes`);
    }
  });
});

describe("CRD shape", () => {
  const expected = [
    { kind: "ExternalSecret", plural: "externalsecrets", shortName: "es", scope: "Namespaced" },
    { kind: "SecretStore", plural: "secretstores", shortName: "ss", scope: "Namespaced" },
    { kind: "ClusterSecretStore", plural: "clustersecretstores", shortName: "css", scope: "Cluster" },
    { kind: "ClusterExternalSecret", plural: "clusterexternalsecrets", shortName: "ces", scope: "Cluster" },
  ];
  for (const { kind, plural, shortName, scope } of expected) {
    test(`${kind}: names, scope, versions, subresources`, () => {
      const crd = byKind.get(kind)!;
      assert.equal(crd.metadata!.name, `${plural}.external-secrets.io`);
      assert.equal(crd.spec.group, "external-secrets.io");
      assert.deepEqual(crd.spec.names.shortNames, [shortName]);
      assert.deepEqual(crd.spec.names.categories, ["external-secrets"]);
      assert.equal(crd.spec.scope, scope);
      assert.deepEqual(crd.spec.conversion, { strategy: "None" });
      assert.deepEqual(
        crd.spec.versions.map((v) => [v.name, v.served, v.storage]),
        [
          ["v1", true, true],
          ["v1beta1", true, false],
        ],
      );
      const [v1, v1beta1] = crd.spec.versions;
      assert.deepEqual(v1beta1!.schema, v1!.schema, "one schema for both versions");
      assert.deepEqual(v1beta1!.additionalPrinterColumns, v1!.additionalPrinterColumns);
      for (const version of crd.spec.versions) assert.deepEqual(version.subresources, { status: {} });
    });
  }

  test("printer columns as ESO", () => {
    const columns = (kind: string) => byKind.get(kind)!.spec.versions[0]!.additionalPrinterColumns!.map((c) => [c.name, c.jsonPath]);
    const ready = '.status.conditions[?(@.type=="Ready")]';
    assert.deepEqual(columns("ExternalSecret"), [
      ["StoreType", ".spec.secretStoreRef.kind"],
      ["Store", ".spec.secretStoreRef.name"],
      ["Refresh Interval", ".spec.refreshInterval"],
      ["Status", `${ready}.reason`],
      ["Ready", `${ready}.status`],
      ["Last Sync", ".status.refreshTime"],
    ]);
    for (const kind of ["SecretStore", "ClusterSecretStore"]) {
      assert.deepEqual(columns(kind), [
        ["AGE", ".metadata.creationTimestamp"],
        ["Status", `${ready}.reason`],
        ["Capabilities", ".status.capabilities"],
        ["Ready", `${ready}.status`],
      ]);
    }
    assert.deepEqual(columns("ClusterExternalSecret"), [
      ["Store", ".spec.externalSecretSpec.secretStoreRef.name"],
      ["Refresh Interval", ".spec.refreshTime"],
      ["Ready", `${ready}.status`],
    ]);
  });

  test("every schema node is structural: a type, or an int-or-string / preserve-unknown-fields extension", () => {
    const walk = (node: JsonSchema, path: string): void => {
      const typed =
        typeof node.type === "string" ||
        node["x-kubernetes-int-or-string"] === true ||
        node["x-kubernetes-preserve-unknown-fields"] === true;
      assert.ok(typed, `${path} has no type`);
      assert.ok(!("$ref" in node) && !("oneOf" in node) && !("allOf" in node), `${path} is not structural`);
      if ("anyOf" in node) assert.equal(node["x-kubernetes-int-or-string"], true, `${path}: anyOf outside int-or-string`);
      if (node.properties) assert.equal(node.additionalProperties, undefined, `${path}: properties and additionalProperties`);
      for (const [key, child] of Object.entries((node.properties ?? {}) as Record<string, JsonSchema>)) walk(child, `${path}.${key}`);
      if (node.items) walk(node.items as JsonSchema, `${path}[]`);
      if (typeof node.additionalProperties === "object") walk(node.additionalProperties as JsonSchema, `${path}{}`);
    };
    for (const crd of crds) walk(crd.spec.versions[0]!.schema!.openAPIV3Schema as JsonSchema, crd.spec.names.kind);
  });

  test("the store provider keeps unknown providers; aws is typed", () => {
    const spec = (byKind.get("SecretStore")!.spec.versions[0]!.schema!.openAPIV3Schema as JsonSchema).properties as Record<string, JsonSchema>;
    const provider = (spec.spec!.properties as Record<string, JsonSchema>).provider!;
    assert.equal(provider["x-kubernetes-preserve-unknown-fields"], true);
    assert.equal((provider.properties as Record<string, JsonSchema>).aws!.type, "object");
    assert.equal((provider.properties as Record<string, JsonSchema>).aws!["x-kubernetes-preserve-unknown-fields"], undefined);
  });
});
