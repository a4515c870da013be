/**
 * Ferry's image, described once (deploy/image/spec.json): the Dockerfile and .dockerignore are generated from
 * it (`npm run generate:image`) and the end-to-end tests build the same image without Docker from it
 * (test/env/node/image.ts), so Docker users get what the tests ran. Test-only code (fakes, fixtures, test
 * certificates, *.test.ts) is excluded here, in one place.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, renameSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export interface ImageSpec {
  debian: { suite: string; variant: string; packages: string[] };
  nodeVersion: string;
  workdir: string;
  user: string;
  env: Record<string, string>;
  entrypoint: string[];
  cmd: string[];
  /**
   * V8's compile cache, filled at build time (ADR 13): `dir` below workdir, `warm` the command (relative to
   * workdir) whose module loads fill it.
   */
  compileCache?: { dir: string; warm: string[] } | undefined;
  /**
   * A file of files.include built in a Go stage from `module` (the template engine's wasm), not copied from the
   * context: go.mod and go.sum first (module download layer), then `sources` (paths in `module`; a trailing /
   * is a directory), then `bash <script> /out/engine.wasm`.
   */
  goBuild?: { stage: string; goVersion: string; module: string; sources: string[]; script: string; output: string } | undefined;
  files: { include: string[]; exclude: string[] };
}

export function loadImageSpec(root = repoRoot): ImageSpec {
  const raw = JSON.parse(readFileSync(join(root, "deploy", "image", "spec.json"), "utf8")) as Omit<ImageSpec, "nodeVersion">;
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { devDependencies: Record<string, string> };
  const nodeVersion = pkg.devDependencies.node;
  if (!nodeVersion) throw new Error("package.json has no `node` devDependency: the image's Node version comes from it");
  return { ...raw, nodeVersion };
}

/** The uid the image runs as (`user` is "uid:gid"). */
export function runtimeUid(spec: ImageSpec): number {
  const uid = Number(spec.user.split(":")[0]);
  if (!Number.isInteger(uid)) throw new Error(`the image's user must be numeric, got ${spec.user}`);
  return uid;
}

/**
 * The environment the image sets: spec.env, and where Node finds the compile cache (`cacheDir` elsewhere,
 * `null` for none). Portable mode keys
 * cache entries by path relative to the cache directory, so a cache filled in a staging directory (the
 * Docker-free image build, the benchmark) is valid once the files sit under /app.
 */
export function imageEnv(spec: ImageSpec, cacheDir?: string | null): Record<string, string> {
  const compileCacheDir = cacheDir === undefined ? spec.compileCache && `${spec.workdir}/${spec.compileCache.dir}` : cacheDir;
  return { ...spec.env, ...(compileCacheDir ? { NODE_COMPILE_CACHE: compileCacheDir, NODE_COMPILE_CACHE_PORTABLE: "1" } : {}) };
}

/**
 * Fills `cacheDir` with V8's compile cache for the code under `appDir` by running the spec's `warm` command,
 * then renames the cache for `uid`: Node keeps one subdirectory per reading uid (`v24.21.0-x64-<flags>-<uid>`)
 * and never falls back to another uid's, so a cache filled as root would be ignored by the image's user, which
 * also cannot write its own (the code, cache included, is read-only). What the Dockerfile's RUN step does
 * (dockerfile() below) and what test/env/node/image.ts and the benchmarks call.
 */
export function warmCompileCache(spec: ImageSpec, o: { node: string; appDir: string; cacheDir: string; uid: number }): void {
  if (!spec.compileCache) return;
  const [script, ...args] = spec.compileCache.warm;
  const env = { ...process.env, ...imageEnv(spec, o.cacheDir) };
  delete env.NODE_OPTIONS;
  const run = spawnSync(o.node, [join(o.appDir, script!), ...args], { cwd: o.appDir, env, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
  if (run.status !== 0) throw new Error(`filling the compile cache (${spec.compileCache.warm.join(" ")}) failed: ${run.stderr || run.error?.message}`);
  const ownUid = process.getuid?.() ?? 0;
  if (ownUid === o.uid) return;
  for (const name of readdirSync(o.cacheDir)) {
    if (name.endsWith(`-${ownUid}`)) renameSync(join(o.cacheDir, name), join(o.cacheDir, `${name.slice(0, -String(ownUid).length)}${o.uid}`));
  }
}

/** Docker's pattern syntax: `**\/` is any number of directories, `*` stays within one, a trailing `/` is a directory. */
function patternRegExp(pattern: string): RegExp {
  const dir = pattern.endsWith("/");
  const body = (dir ? pattern.slice(0, -1) : pattern)
    .split("**/")
    .map((part) => part.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*"))
    .join("(?:.*/)?");
  return new RegExp(`^${body}${dir ? "/.*" : "(?:/.*)?"}$`);
}

/** Whether a repository-relative path is part of the image. */
export function isShipped(spec: ImageSpec, path: string): boolean {
  const included = spec.files.include.some((p) => patternRegExp(p).test(path));
  return included && !spec.files.exclude.some((p) => patternRegExp(p).test(path));
}

/** Every repository file the image copies, sorted. */
export function shippedFiles(spec: ImageSpec, root = repoRoot): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      const rel = relative(root, full);
      if (statSync(full).isDirectory()) walk(full);
      else if (isShipped(spec, rel)) out.push(rel);
    }
  };
  for (const include of spec.files.include) {
    const full = join(root, include);
    if (include.endsWith("/")) walk(full);
    else if (isShipped(spec, include)) out.push(include);
  }
  return out.sort();
}

export function dockerignore(spec: ImageSpec): string {
  return [
    "# Generated from deploy/image/spec.json by `npm run generate:image`; do not edit.",
    "# Allow-list: the build context is only what the image copies, so nothing else (node_modules with dev",
    "# dependencies, .git, caches, local kubeconfigs) can leak into a layer; test-only code is excluded.",
    "*",
    ...spec.files.include.filter((p) => p !== spec.goBuild?.output).map((p) => `!${p}`),
    ...(spec.goBuild ? ["go.mod", "go.sum", ...spec.goBuild.sources].map((f) => `!${spec.goBuild!.module}${f}`) : []),
    ...spec.files.exclude,
    "",
  ].join("\n");
}

/** The Go stage's COPY lines for goBuild.sources: files in one instruction, each directory in its own (keeping its name). */
function goSourceCopies(go: NonNullable<ImageSpec["goBuild"]>): string[] {
  const files = go.sources.filter((p) => !p.endsWith("/"));
  const dirs = go.sources.filter((p) => p.endsWith("/")).map((p) => p.slice(0, -1));
  return [...(files.length > 0 ? [`COPY ${files.map((f) => go.module + f).join(" ")} ./`] : []), ...dirs.map((d) => `COPY ${go.module}${d} ./${d}`)];
}

export function dockerfile(spec: ImageSpec): string {
  // Directories and files below the root keep their path (dist/template-engine.wasm → /app/dist/…).
  const go = spec.goBuild;
  const copies = spec.files.include.filter((p) => p !== go?.output).map((p) => (p.endsWith("/") ? `COPY ${p.slice(0, -1)} ./${p.slice(0, -1)}` : p.includes("/") ? `COPY ${p} ./${p}` : p));
  const plainFiles = copies.filter((c) => !c.startsWith("COPY "));
  const dirs = copies.filter((c) => c.startsWith("COPY "));
  const cache = spec.compileCache;
  const cacheDir = cache && `${spec.workdir}/${cache.dir}`;
  return `# syntax=docker/dockerfile:1
# Generated from deploy/image/spec.json by \`npm run generate:image\`; do not edit. The end-to-end tests build
# the same image without Docker from the same file (test/env/node/image.ts) and run it on a real node.
#
#   docker build -t ferry:0.1.0 .
#   docker run --rm ferry:0.1.0 --help
#
# Node runs the TypeScript sources directly (type stripping): no build step. The Node version is the \`node\`
# devDependency in package.json, which is what the tests run on.
ARG NODE_VERSION=${spec.nodeVersion}
${go ? `ARG GO_VERSION=${go.goVersion}

# ESO's template package compiled to WebAssembly (ADR 9), from ${go.module} (what \`npm run build:template-engine\`
# does in a checkout). Dependencies first, so a source change reuses the module download layer.
FROM golang:\${GO_VERSION}-${spec.debian.suite} AS ${go.stage}
WORKDIR /src
COPY ${go.module}go.mod ${go.module}go.sum ./
RUN go mod download
${goSourceCopies(go).join("\n")}
RUN bash ${go.script} /out/engine.wasm
` : ""}
FROM node:\${NODE_VERSION}-${spec.debian.suite}-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only, exactly as locked. --ignore-scripts: no runtime dependency needs an install
# script, and running none means a compromised package cannot execute anything at build time.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# Debian ${spec.debian.suite} (${spec.debian.variant}) with only: ${spec.debian.packages.join(", ")}, and the node binary; no npm, npx, corepack or yarn.
FROM debian:${spec.debian.suite}-slim
RUN apt-get update \\
 && apt-get install -y --no-install-recommends ${spec.debian.packages.join(" ")} \\
 && rm -rf /var/lib/apt/lists/*
COPY --from=deps /usr/local/bin/node /usr/local/bin/node
${Object.entries(imageEnv(spec)).map(([k, v]) => `ENV ${k}=${v}`).join("\n")}
WORKDIR ${spec.workdir}
# Owned by root and not writable by the runtime user: the process cannot modify its own code.
COPY --from=deps /app/node_modules ./node_modules
COPY ${plainFiles.join(" ")} ./
${dirs.join("\n")}
${go ? `COPY --from=${go.stage} /out/engine.wasm ./${go.output}\n` : ""}${cache ? `# V8's compile cache (ADR 13): loading the modules once here means Node neither strips types nor parses them
# at start (-19 MiB RSS). Filled as root, read-only at run time; Node names the cache's subdirectory after the
# uid that reads it, so it is renamed for the runtime user.
RUN node ${[`${spec.workdir}/${cache.warm[0]}`, ...cache.warm.slice(1)].join(" ")} > /dev/null \\
 && for d in ${cacheDir}/*-0; do mv "$d" "\${d%-0}-${runtimeUid(spec)}"; done
` : ""}# Numeric, so Kubernetes' runAsNonRoot can verify it without reading /etc/passwd; the chart's
# podSecurityContext uses the same user and group.
USER ${spec.user}
# Node as PID 1 is fine: every entry point handles SIGTERM itself, and Ferry starts no child processes to reap.
ENTRYPOINT ${JSON.stringify(spec.entrypoint).replace(/","/g, '", "')}
CMD ${JSON.stringify(spec.cmd)}
`;
}
