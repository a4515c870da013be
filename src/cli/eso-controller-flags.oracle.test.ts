// The flag table against ESO's own source (the module the oracle pins): every flag ESO's controller
// registers — cmd/controller/root.go and the flag sets providers and templates add through runtime/feature —
// has an entry, with ESO's default, and the table names no flag ESO does not have.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { esoModuleDir, goAvailable } from "../../tools/oracle/index.ts";
import { ESO_CONTROLLER_FLAGS } from "./eso-controller-flags.ts";

const skip = (await goAvailable()) ? false : "no Go toolchain on PATH";
const FLAG_SOURCES = ["cmd/controller/root.go", "pkg/provider/aws/auth/auth.go", "pkg/provider/vault/provider.go", "pkg/generator/statemanager/statemanager.go", "pkg/template/v2/template.go"];

const esoFlags = new Map<string, string>();
before(async () => {
  if (skip) return;
  const dir = await esoModuleDir();
  for (const file of FLAG_SOURCES) {
    const source = readFileSync(join(dir, file), "utf8");
    // rootCmd.Flags().BoolVar(&x, "name", default, …) and fs.DurationVar(&x, "name", default, …)
    for (const m of source.matchAll(/\.(Bool|String|Int|Float32|Duration)Var\(&\w+,\s*"([a-z0-9-]+)",\s*([^,]+),/g)) esoFlags.set(m[2]!, m[3]!.trim());
  }
}, { timeout: 10 * 60_000 });

test("every ESO controller flag has an entry, and every entry is an ESO flag", { skip }, () => {
  assert.ok(esoFlags.size > 20, `read ${esoFlags.size} flags`);
  assert.deepEqual([...esoFlags.keys()].filter((name) => !ESO_CONTROLLER_FLAGS.some((f) => f.name === name)), [], "ESO flags without an entry");
  assert.deepEqual(ESO_CONTROLLER_FLAGS.map((f) => f.name).filter((name) => !esoFlags.has(name)), [], "entries ESO does not have");
});

test("each entry carries ESO's default", { skip }, () => {
  const goDefault = (text: string): string => {
    const quoted = /^"(.*)"$/.exec(text);
    if (quoted) return quoted[1]!;
    if (text === "time.Minute*5") return "5m0s";
    if (text === "time.Minute*2") return "2m0s";
    if (text === "defaultCacheSize") return "262144";
    return text;
  };
  const differences = ESO_CONTROLLER_FLAGS.filter((f) => esoFlags.has(f.name) && goDefault(esoFlags.get(f.name)!) !== f.esoDefault).map((f) => `${f.name}: ESO ${esoFlags.get(f.name)}, table ${f.esoDefault}`);
  assert.deepEqual(differences, []);
});
