// What ships in Ferry's image (deploy/image/spec.json): the generated Dockerfile and .dockerignore are up to
// date, test-only code is left out, and nothing that ships imports anything left out.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { dockerfile, dockerignore, imageEnv, isShipped, loadImageSpec, repoRoot, runtimeUid, shippedFiles, warmCompileCache } from "../scripts/image-spec.ts";

const spec = loadImageSpec();

test("Dockerfile and .dockerignore are generated from deploy/image/spec.json (npm run generate:image)", () => {
  assert.equal(readFileSync(join(repoRoot, "Dockerfile"), "utf8"), dockerfile(spec));
  assert.equal(readFileSync(join(repoRoot, ".dockerignore"), "utf8"), dockerignore(spec));
});

test("test-only code does not ship", () => {
  const cases: Array<{ path: string; shipped: boolean }> = [
    { path: "src/cli/main.ts", shipped: true },
    { path: "src/mount/v1alpha1.proto", shipped: true },
    { path: "package.json", shipped: true },
    { path: "src/mount/pod-token.test.ts", shipped: false },
    { path: "src/providers/fake-kube-access.ts", shipped: false },
    { path: "src/providers/aws/auth/fake-sts.ts", shipped: false },
    { path: "src/apis/testing/builders.ts", shipped: false },
    { path: "src/write-through/testing/fixtures.ts", shipped: false },
    { path: "src/runtime/webhook/test-certificates.ts", shipped: false },
    { path: "test/env/index.ts", shipped: false },
    { path: "node_modules/yaml/package.json", shipped: false },
  ];
  for (const c of cases) assert.equal(isShipped(spec, c.path), c.shipped, c.path);
  const files = shippedFiles(spec);
  assert.ok(files.includes("src/cli/main.ts"));
  assert.deepEqual(files.filter((f) => /\.test\.ts$|\/fake-|\/testing\/|test-certificates/.test(f)), []);
});

test("no shipped file imports a file that does not ship", () => {
  const problems: string[] = [];
  for (const file of shippedFiles(spec).filter((f) => f.endsWith(".ts"))) {
    const text = readFileSync(join(repoRoot, file), "utf8");
    // Type-only imports are erased by type stripping, so they may name test-only files; runtime ones may not.
    const specifiers = [
      ...[...text.matchAll(/^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\s+from\s+)?["']([^"']+)["']/gm)].map((m) => m[1]!),
      ...[...text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]!),
    ];
    for (const specifier of specifiers.filter((s) => s.startsWith("."))) {
      const target = relative(repoRoot, resolve(dirname(join(repoRoot, file)), specifier));
      if (!existsSync(join(repoRoot, target)) || !isShipped(spec, target)) problems.push(`${file} imports ${specifier} (${target}), which is not in the image`);
    }
  }
  assert.deepEqual(problems, []);
});

/** Node's compile-cache trace of `ferry controller --help` (loads the controller's whole module graph) with `cacheDir`. */
function controllerLoadTrace(cacheDir: string): { stripped: number; fromCache: number } {
  const env: NodeJS.ProcessEnv = { ...process.env, ...imageEnv(spec, cacheDir), NODE_DEBUG_NATIVE: "COMPILE_CACHE" };
  delete env.NODE_OPTIONS;
  const run = spawnSync(process.execPath, ["src/cli/main.ts", "controller", "--help"], { cwd: repoRoot, env, encoding: "utf8", maxBuffer: 256 << 20 });
  assert.equal(run.status, 0, run.stderr);
  return {
    stripped: run.stderr.match(/no transpile cache for StrippedTypeScript/g)?.length ?? 0,
    fromCache: run.stderr.match(/retrieving transpile cache for StrippedTypeScript .*success/g)?.length ?? 0,
  };
}

test("the image's compile cache holds the controller's modules for the runtime user: no TypeScript is stripped at start (ADR 13)", (t) => {
  assert.ok(spec.compileCache, "deploy/image/spec.json has a compileCache");
  assert.equal(imageEnv(spec).NODE_COMPILE_CACHE, `${spec.workdir}/${spec.compileCache.dir}`);
  assert.match(dockerfile(spec), new RegExp(`RUN node ${spec.workdir}/${spec.compileCache.warm.join(" ")}`));
  const ownUid = process.getuid!();
  const cacheDir = mkdtempSync(join(tmpdir(), "ferry-compile-cache-test-"));
  t.after(() => rmSync(cacheDir, { recursive: true, force: true }));

  // Filled for another uid (as the image build fills it as root for 65532): this uid finds nothing of it.
  warmCompileCache(spec, { node: process.execPath, appDir: repoRoot, cacheDir, uid: ownUid + 1 });
  assert.deepEqual(readdirSync(cacheDir).map((d) => d.split("-").at(-1)), [String(ownUid + 1)]);
  assert.ok(controllerLoadTrace(cacheDir).stripped > 50, "without a cache for its uid Node strips every module");

  // Filled for this uid: every one of the controller's modules comes from the cache.
  rmSync(cacheDir, { recursive: true, force: true });
  warmCompileCache(spec, { node: process.execPath, appDir: repoRoot, cacheDir, uid: ownUid });
  const trace = controllerLoadTrace(cacheDir);
  assert.equal(trace.stripped, 0);
  assert.ok(trace.fromCache > 50, `${trace.fromCache} modules from the cache`);
  assert.equal(runtimeUid(spec), Number(spec.user.split(":")[0]));
});

test("the image caps glibc's malloc arenas at 2 (ADR 13)", () => {
  assert.equal(imageEnv(spec).MALLOC_ARENA_MAX, "2");
  assert.match(dockerfile(spec), /^ENV MALLOC_ARENA_MAX=2$/m);
});

test("the image's Go stage builds the template engine with the stubs, by the script the tests' build runs (ADR 9)", () => {
  const go = spec.goBuild;
  assert.ok(go, "the image builds the template engine");
  // The differential test checks what tools/template-wasm/build.sh builds; the image must ship that build.
  const buildSh = readFileSync(join(repoRoot, go.module, "build.sh"), "utf8");
  assert.ok(buildSh.includes(`bash "$here/${go.script}" "$tmp/engine.wasm"`), `build.sh builds engine.wasm with ${go.script}`);
  assert.ok(go.sources.includes(go.script), "the script is in the Go stage's context");
  assert.ok(go.sources.includes("stubs/"), "the stubs are in the Go stage's context");
  for (const source of go.sources.filter((s) => !s.includes("*"))) assert.ok(existsSync(join(repoRoot, go.module, source)), source);
  assert.ok(dockerfile(spec).includes(`RUN bash ${go.script} /out/engine.wasm`));
});
