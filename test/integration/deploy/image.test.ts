// The Dockerfile, checked structurally: there is no container engine here to build it. What a build would
// catch is checked instead: the base matches the Node the tests run on, the runtime user is the chart's
// non-root user, only production dependencies are installed, and everything the entry point loads at
// runtime (modules, packages, files read through import.meta.url) is in the build context and is not a dev
// dependency.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  bin: Record<string, string>;
  engines: { node: string };
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

interface Instruction {
  op: string;
  args: string;
  stage: number;
}

/** Dockerfile instructions with continuation lines joined and comments dropped; `stage` counts FROMs. */
function instructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  let stage = -1;
  let pending = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line.startsWith("#") || (line === "" && pending === "")) continue;
    pending += (pending ? " " : "") + line.replace(/\\$/, "").trim();
    if (line.endsWith("\\")) continue;
    const [op = "", ...rest] = pending.split(/\s+/);
    if (op.toUpperCase() === "FROM") stage++;
    out.push({ op: op.toUpperCase(), args: rest.join(" "), stage });
    pending = "";
  }
  return out;
}

const dockerfile = instructions(readFileSync(join(root, "Dockerfile"), "utf8"));
const lastStage = Math.max(...dockerfile.map((i) => i.stage));
const final = dockerfile.filter((i) => i.stage === lastStage);

test("the base image is slim Node 24 at the version the tests run on", () => {
  const arg = dockerfile.find((i) => i.op === "ARG" && i.args.startsWith("NODE_VERSION="));
  assert.ok(arg, "ARG NODE_VERSION");
  const version = arg.args.slice("NODE_VERSION=".length);
  assert.equal(version, pkg.devDependencies.node, "ARG NODE_VERSION matches the `node` devDependency");
  assert.match(version, /^24\./);
  assert.match(pkg.engines.node, />=\s*24/);
  // The Go stage builds the template engine; the deps stage is Node's image (npm ci, and the node binary);
  // the runtime stage is plain Debian slim.
  const froms = dockerfile.filter((i) => i.op === "FROM");
  assert.equal(froms.length, 3);
  assert.match(froms[0]!.args, /^golang:\$\{GO_VERSION\}-bookworm\s+AS\s+template-engine$/i, froms[0]!.args);
  assert.match(froms[1]!.args, /^node:\$\{NODE_VERSION\}-bookworm-slim\s+AS\s+deps$/i, froms[1]!.args);
  assert.match(froms[2]!.args, /^debian:bookworm-slim$/, froms[2]!.args);
  assert.ok(final.some((i) => i.op === "COPY" && i.args === "--from=deps /usr/local/bin/node /usr/local/bin/node"));
});

test("the template engine's wasm is built in a Go stage from the Go sources in the context, so a clean clone builds", () => {
  const stage = dockerfile.filter((i) => i.stage === 0);
  const copies = stage.filter((i) => i.op === "COPY").map((i) => i.args);
  assert.deepEqual(copies, [
    "tools/template-wasm/go.mod tools/template-wasm/go.sum ./",
    "tools/template-wasm/*.go tools/template-wasm/build-wasm.sh ./",
    "tools/template-wasm/stubs ./stubs",
  ]);
  // The stage runs the very script the tests' build.sh runs, so the image ships the build the differential
  // test checked (ESO's Kubernetes dependencies replaced by tools/template-wasm/stubs, ADR 9).
  const runs = stage.filter((i) => i.op === "RUN").map((i) => i.args);
  assert.deepEqual(runs, ["go mod download", "bash build-wasm.sh /out/engine.wasm"]);
  const wasmScript = readFileSync(join(root, "tools", "template-wasm", "build-wasm.sh"), "utf8");
  for (const part of ["GOOS=wasip1 GOARCH=wasm go build", "-buildmode=c-shared", "-mod=readonly", '-ldflags "-s -w"', "-modfile=", "GOFLAGS=-trimpath"]) assert.ok(wasmScript.includes(part), part);
  const script = readFileSync(join(root, "tools", "template-wasm", "build.sh"), "utf8");
  assert.match(script, /bash "\$here\/build-wasm.sh" "\$tmp\/engine.wasm"/);
  for (const f of ["go.mod", "go.sum", "engine.go", "build-wasm.sh", "stubs/k8s-api/core/v1/secret.go"]) assert.ok(contextAllows(`tools/template-wasm/${f}`), f);
  assert.ok(!contextAllows("dist/template-engine.wasm"), "a locally built wasm never enters the image");
  assert.ok(final.some((i) => i.op === "COPY" && i.args === "--from=template-engine /out/engine.wasm ./dist/template-engine.wasm"));
});

test("the runtime stage runs as the chart's non-root user", () => {
  const users = final.filter((i) => i.op === "USER");
  assert.equal(users.length, 1, "one USER in the final stage");
  const [uid, gid] = users[0]!.args.split(":");
  assert.match(uid ?? "", /^\d+$/, "numeric, so runAsNonRoot can verify it");
  assert.notEqual(Number(uid), 0);
  const values = parse(readFileSync(join(root, "deploy", "chart", "ferry", "values.yaml"), "utf8")) as { podSecurityContext: { runAsUser: number; runAsGroup: number } };
  assert.equal(Number(uid), values.podSecurityContext.runAsUser);
  assert.equal(Number(gid), values.podSecurityContext.runAsGroup);
  // Nothing after USER switches back to root or runs as it.
  const afterUser = final.slice(final.indexOf(users[0]!) + 1);
  assert.deepEqual(afterUser.filter((i) => i.op === "RUN" || i.op === "USER"), []);
});

test("only production dependencies are installed, exactly as locked", () => {
  const runs = dockerfile.filter((i) => i.op === "RUN").map((i) => i.args);
  const installs = runs.filter((r) => /\bnpm\s+(ci|install|i)\b/.test(r));
  assert.equal(installs.length, 1, `one npm install: ${installs.join(" | ")}`);
  assert.match(installs[0]!, /\bnpm ci\b/, "npm ci: the lockfile, not a resolution");
  assert.match(installs[0]!, /--omit=dev\b/);
  assert.match(installs[0]!, /--ignore-scripts\b/);
  // The final stage installs nothing itself: it copies the production node_modules from the deps stage.
  assert.equal(final.filter((i) => i.op === "RUN" && /\bnpm\s+(ci|install|i)\b/.test(i.args)).length, 0);
  assert.ok(final.some((i) => i.op === "COPY" && /--from=deps\s+\/app\/node_modules\s/.test(i.args)));
});

test("the entry point is src/cli/main.ts run by node directly (type stripping)", () => {
  const entry = final.filter((i) => i.op === "ENTRYPOINT");
  assert.equal(entry.length, 1);
  assert.deepEqual(JSON.parse(entry[0]!.args), ["node", "/app/src/cli/main.ts"], "exec form");
  assert.equal(pkg.bin.ferry, "./src/cli/main.ts");
  assert.ok(final.some((i) => i.op === "WORKDIR" && i.args === "/app"));
  const copied = final.filter((i) => i.op === "COPY" && !i.args.startsWith("--from")).map((i) => i.args);
  assert.ok(copied.some((c) => /^src\s+\.\/src$/.test(c)), "COPY src ./src");
  assert.ok(copied.some((c) => c.split(/\s+/).includes("package.json")), "package.json (runtimeVersion reads it)");
});

/** .dockerignore as an allow-list: the paths a build context may contain, relative to the repository. */
function contextAllows(path: string): boolean {
  const rules = readFileSync(join(root, ".dockerignore"), "utf8").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
  assert.equal(rules[0], "*", ".dockerignore starts by excluding everything");
  let allowed = false;
  for (const rule of rules) {
    const negate = rule.startsWith("!");
    const pattern = negate ? rule.slice(1) : rule;
    if (matches(pattern, path)) allowed = negate;
  }
  return allowed;
}

function matches(pattern: string, path: string): boolean {
  if (pattern === "*") return true;
  if (pattern.endsWith("/")) return path.startsWith(pattern);
  // Docker's patterns (Go filepath.Match plus `**`): `**/` is any number of directories, `*` stays in one.
  const source = pattern
    .split("**/")
    .map((part) => part.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*"))
    .join("(?:.*/)?");
  const re = new RegExp(`^${source}$`);
  return re.test(path);
}

test(".dockerignore lets in only what the image copies, without tests", () => {
  assert.ok(contextAllows("package.json"));
  assert.ok(contextAllows("package-lock.json"));
  assert.ok(contextAllows("src/cli/main.ts"));
  assert.ok(!contextAllows("src/apis/parse.test.ts"));
  assert.ok(!contextAllows("node_modules/yaml/package.json"));
  assert.ok(!contextAllows("test/env/index.ts"));
  assert.ok(!contextAllows(".git/config"));
});

test("everything the entry point loads at runtime is in the image and is a production dependency", () => {
  const builtins = new Set(builtinModules);
  const seen = new Set<string>();
  const packages = new Set<string>();
  const assets = new Set<string>();
  const queue = [join(root, "src", "cli", "main.ts")];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, "utf8");
    // Runtime imports only: `import type` and `export type` are erased by type stripping.
    const specifiers = [
      ...[...text.matchAll(/^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\s+from\s+)?["']([^"']+)["']/gm)].map((m) => m[1]!),
      ...[...text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]!),
    ];
    for (const spec of specifiers) {
      if (spec.startsWith(".")) {
        const target = resolve(dirname(file), spec);
        assert.ok(existsSync(target), `${relative(root, file)} imports missing ${spec}`);
        queue.push(target);
      } else if (!spec.startsWith("node:") && !builtins.has(spec)) {
        packages.add(spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]!);
      }
    }
    for (const m of text.matchAll(/new URL\(\s*["']([^"']+)["']\s*,\s*import\.meta\.url\s*\)/g)) assets.add(resolve(dirname(file), m[1]!));
  }
  assert.ok(seen.size > 50, `walked the module graph (${seen.size} files)`);
  for (const file of [...seen, ...assets]) {
    const rel = relative(root, file);
    assert.ok(existsSync(file), `${rel} exists`);
    const built = final.some((i) => i.op === "COPY" && i.args.startsWith("--from=") && i.args.endsWith(` ./${rel}`));
    assert.ok(built || contextAllows(rel), `${rel} is loaded at runtime but excluded by .dockerignore`);
  }
  assert.ok([...assets].some((a) => a.endsWith("package.json")) && [...assets].some((a) => a.endsWith(".proto")), "runtime files read through import.meta.url were found");
  for (const name of packages) {
    assert.ok(name in pkg.dependencies, `${name} is imported at runtime but is not in dependencies${name in pkg.devDependencies ? " (it is a devDependency: npm ci --omit=dev leaves it out)" : ""}`);
  }
});
