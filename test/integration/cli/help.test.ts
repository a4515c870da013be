// `--help` everywhere: every command of the `ferry` CLI documents its flags, and an unknown flag is a
// clear error with a non-zero exit.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "../../env/paths.ts";

const ferry = (args: string[]) => spawnSync(process.execPath, [join(repoRoot, "src", "cli", "main.ts"), ...args], { encoding: "utf8" });

describe("ferry --help", () => {
  test("lists every command", () => {
    const r = ferry(["--help"]);
    assert.equal(r.status, 0);
    for (const command of ["controller", "webhook", "csi-provider", "status", "validate", "get", "render"]) assert.match(r.stdout, new RegExp(`^  ${command}\\b`, "m"));
  });

  const commands: Array<{ args: string[]; flags: string[] }> = [
    { args: ["webhook"], flags: ["--tls-cert-file", "--tls-key-file", "--client-ca-file", "--client-allowed-names", "--insecure-skip-client-auth", "--cluster-name", "--content-hash-key-file", "--name-template", "--deletion-policy", "--recovery-window-days", "--exclude-namespace", "--health-addr", "--log-level"] },
    { args: ["webhook", "configuration"], flags: ["--ca-file", "--service-namespace", "--service-name", "--url", "--timeout-seconds"] },
    { args: ["csi-provider"], flags: ["--help"] },
    { args: ["status"], flags: ["--namespace", "--fail-on-error"] },
    { args: ["validate"], flags: ["--filename"] },
    { args: ["get"], flags: ["--store", "--key", "--reveal"] },
    { args: ["render"], flags: ["--values", "--decode"] },
  ];
  for (const c of commands) {
    test(`ferry ${c.args.join(" ")} --help documents its flags`, () => {
      const r = ferry([...c.args, "--help"]);
      assert.equal(r.status, 0, r.stderr);
      for (const flag of c.flags) assert.ok(r.stdout.includes(flag), `${flag} in ferry ${c.args.join(" ")} --help`);
    });
    test(`ferry ${c.args.join(" ")} --no-such-flag is a clear error`, () => {
      const r = ferry([...c.args, "--no-such-flag"]);
      assert.notEqual(r.status, 0);
      // The unknown option, or a required option missing (commander checks that first): either way one clear line.
      assert.match(r.stderr, /^error: (unknown option '--no-such-flag'|required option .* not specified)/m);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    });
  }
});
