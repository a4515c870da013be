// `npm run demo` as a newcomer runs it on a fresh clone, so it cannot rot: the script starts its own control
// plane and moto, shows the three paths (sync, mount through the CSI gRPC contract, write-through with kubectl)
// and exits with --once. Its output names objects, keys and files, and never a value.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "../../env/paths.ts";

/** Every value the demo seeds or applies; none may appear in its output. */
const VALUES = ["s3cr3t-db", "k-123", "https://api.example", "sk_demo_4242", "whsec_demo", "c4t4log", "checkout=on", "wr1te-thr0ugh-demo"];

// The demo drives kubectl as a user would; without it on PATH the test says so instead of failing.
const skip = spawnSync("kubectl", ["version", "--client"], { stdio: "ignore" }).error ? "kubectl is not on PATH (the demo needs it)" : false;

test("npm run demo -- --once shows sync, mount and write-through, and prints no value", { timeout: 5 * 60_000, skip }, async () => {
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, "scripts", "demo.ts"), "--once"], { cwd: repoRoot, env: { ...process.env, FERRY_TEST_ENV: "" }, stdio: ["ignore", "pipe", "pipe"] });
    let text = "";
    child.stdout.on("data", (b: Buffer) => (text += b.toString("utf8")));
    child.stderr.on("data", (b: Buffer) => (text += b.toString("utf8")));
    child.on("error", reject);
    child.on("close", (c) => resolve({ code: c, output: text }));
  });
  assert.equal(code, 0, output);
  for (const heading of ["▶ Sync:", "▶ Mount:", "▶ Write-through:"]) assert.ok(output.includes(heading), `${heading} in the output`);
  // Sync: the ESO tutorial ExternalSecrets are Ready with ESO's columns.
  assert.match(output, /externalsecret\.external-secrets\.io\/app-secret\s+ClusterSecretStore\s+global-secret-store\s+1m\s+SecretSynced\s+True/);
  assert.match(output, /demo\/my-kubeops-db-secret: db-pass, db-user/);
  // Mount: the files of the SecretProviderClass, ASCP's names (jmesPath aliases, translated paths).
  for (const file of ["checkout_stripe", "stripe-api-key", "stripe-webhook-secret", "_demo_feature-flags"]) assert.match(output, new RegExp(`^\\s+${file}\\s+\\(mode 644`, "m"));
  // Write-through: etcd keeps keys and a reference, Secrets Manager the values.
  assert.match(output, /in etcd: keys password, username with empty values/);
  assert.match(output, /ferry\.dev\/write-through-remote-key: ferry\/team-a\/db/);
  assert.match(output, /holds keys password, username; the values are the ones applied: yes/);
  for (const value of VALUES) assert.ok(!output.includes(value), `value ${JSON.stringify(value)} printed`);
});
