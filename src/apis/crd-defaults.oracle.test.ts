// Ferry's generated CRDs against ESO's own (config/crds/bases in the ESO module the oracle pins): every
// default ESO declares for a field Ferry serves is Ferry's default, written the same way ("1h", not "1h0m0s":
// the apiserver stores the literal and `kubectl get es` shows it), and ESO's printer columns come first, in
// ESO's order, so scripts that cut columns keep working.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { parse } from "yaml";
import { esoModuleDir, goAvailable } from "../../tools/oracle/index.ts";
import { buildCustomResourceDefinitions } from "./crds.ts";
import { isComparableDefaultPath, schemaDefaults, type SchemaNode } from "./crd-defaults.ts";

const skip = (await goAvailable()) ? false : "no Go toolchain on PATH";

interface CrdVersion {
  name: string;
  schema: { openAPIV3Schema: SchemaNode };
  additionalPrinterColumns?: Array<{ name: string; jsonPath: string; type: string }>;
}
interface Crd {
  spec: { group: string; names: { plural: string }; versions: CrdVersion[] };
}

let esoCrds = new Map<string, Crd>();
before(async () => {
  if (skip) return;
  const dir = join(await esoModuleDir(), "config", "crds", "bases");
  esoCrds = new Map(ferryCrds.map((crd) => [crd.spec.names.plural, parse(readFileSync(join(dir, `${crd.spec.group}_${crd.spec.names.plural}.yaml`), "utf8")) as Crd]));
}, { timeout: 10 * 60_000 });

const ferryCrds = buildCustomResourceDefinitions() as unknown as Crd[];

for (const ferry of ferryCrds) {
  for (const version of ferry.spec.versions) {
    const label = `${ferry.spec.names.plural} ${version.name}`;

    test(`${label}: every ESO default is Ferry's default`, { skip }, () => {
      const eso = esoCrds.get(ferry.spec.names.plural)?.spec.versions.find((v) => v.name === version.name);
      assert.ok(eso, `ESO serves ${label}`);
      const ours = schemaDefaults(version.schema.openAPIV3Schema);
      const theirs = [...schemaDefaults(eso.schema.openAPIV3Schema)].filter(([path]) => isComparableDefaultPath(path) && !foreignClusterGeneratorSpec(path));
      const differences = theirs.filter(([path, value]) => ours.get(path) !== value).map(([path, value]) => `${path}: ESO ${value}, Ferry ${ours.get(path) ?? "(none)"}`);
      assert.deepEqual(differences, []);
    });

    test(`${label}: ESO's printer columns, in ESO's order`, { skip }, () => {
      const eso = esoCrds.get(ferry.spec.names.plural)?.spec.versions.find((v) => v.name === version.name);
      const columns = (v: CrdVersion | undefined) => (v?.additionalPrinterColumns ?? []).map((c) => `${c.name} ${c.type} ${c.jsonPath}`);
      // Newer ESO releases add "Last Sync" after ESO's columns; Ferry has it, appended.
      assert.deepEqual(columns(version).slice(0, columns(eso).length), columns(eso));
    });

    if (ferry.spec.group === "generators.external-secrets.io") {
      test(`${label}: every spec field ESO declares, under ESO's name`, { skip }, () => {
        const eso = esoCrds.get(ferry.spec.names.plural)?.spec.versions.find((v) => v.name === version.name);
        const ours = new Set(fieldPaths(version.schema.openAPIV3Schema));
        // A ClusterGenerator's specs of kinds Ferry does not run are kept as written, not described.
        const missing = fieldPaths(eso?.schema.openAPIV3Schema).filter((p) => p.startsWith(".spec") && !ours.has(p) && !foreignClusterGeneratorSpec(p));
        assert.deepEqual(missing, []);
      });
    }
  }
}

function fieldPaths(node: SchemaNode | undefined, at = ""): string[] {
  if (!node) return [];
  return Object.entries(node.properties ?? {}).flatMap(([key, child]) => [`${at}.${key}`, ...fieldPaths(child, `${at}.${key}`), ...(child.items ? fieldPaths(child.items, `${at}.${key}[]`) : [])]);
}

function foreignClusterGeneratorSpec(path: string): boolean {
  const m = /^\.spec\.generator\.(\w+)\./.exec(path);
  return m !== null && !["ecrAuthorizationTokenSpec", "stsSessionTokenSpec", "passwordSpec", "uuidSpec"].includes(m[1]!);
}
