// The ESO build is wired without building it: `npm test` never compiles ESO (minutes of CI per run).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../../test/env/paths.ts";
import { esoBuildFromOutput, esoBuildPlan } from "./eso-build.ts";

describe("tools/eso/build.sh", () => {
  test("--dry-run names ESO v0.16.2 from Go modules and a versioned cache directory, building nothing", async () => {
    const plan = await esoBuildPlan();
    assert.equal(plan.module, "github.com/external-secrets/external-secrets@v0.16.2");
    assert.match(plan.dir, /\/eso-bin\/v0\.16\.2-go\d+\.\d+(\.\d+)?$/);
  });
  test("go.mod pins ESO as a tool and carries upstream's replace lines", () => {
    const gomod = readFileSync(join(repoRoot, "tools", "eso", "go.mod"), "utf8");
    assert.match(gomod, /^tool github\.com\/external-secrets\/external-secrets$/m);
    assert.match(gomod, /^\s*github\.com\/external-secrets\/external-secrets v0\.16\.2\b/m);
    assert.match(gomod, /^replace github\.com\/Masterminds\/sprig\/v3 => github\.com\/external-secrets\/sprig\/v3 /m);
  });
  test("the benchmark finds the binary and ESO's CRDs from the script's last line", () => {
    assert.deepEqual(esoBuildFromOutput("[eso-build] reusing\n/cache/eso-bin/v0.16.2-go1.26.8\n"), { binary: "/cache/eso-bin/v0.16.2-go1.26.8/external-secrets", crdDir: "/cache/eso-bin/v0.16.2-go1.26.8/crds" });
    assert.throws(() => esoBuildFromOutput(""), /printed no directory/);
  });
});
