/**
 * Ferry's image, described once (deploy/image/spec.json): the Dockerfile and .dockerignore are generated from
 * it (`npm run generate:image`) and the end-to-end tests build the same image without Docker from it
 * (test/env/node/image.ts), so Docker users get what the tests ran. Test-only code (fakes, fixtures, test
 * certificates, *.test.ts) is excluded here, in one place.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
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
  /** A file of files.include built in a Go stage from `module` (the template engine's wasm), not copied from the context. */
  goBuild?: { stage: string; goVersion: string; module: string; output: string } | undefined;
  files: { include: string[]; exclude: string[] };
}

export function loadImageSpec(root = repoRoot): ImageSpec {
  const raw = JSON.parse(readFileSync(join(root, "deploy", "image", "spec.json"), "utf8")) as Omit<ImageSpec, "nodeVersion">;
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { devDependencies: Record<string, string> };
  const nodeVersion = pkg.devDependencies.node;
  if (!nodeVersion) throw new Error("package.json has no `node` devDependency: the image's Node version comes from it");
  return { ...raw, nodeVersion };
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
    ...(spec.goBuild ? ["go.mod", "go.sum", "*.go"].map((f) => `!${spec.goBuild!.module}${f}`) : []),
    ...spec.files.exclude,
    "",
  ].join("\n");
}

export function dockerfile(spec: ImageSpec): string {
  // Directories and files below the root keep their path (dist/template-engine.wasm → /app/dist/…).
  const go = spec.goBuild;
  const copies = spec.files.include.filter((p) => p !== go?.output).map((p) => (p.endsWith("/") ? `COPY ${p.slice(0, -1)} ./${p.slice(0, -1)}` : p.includes("/") ? `COPY ${p} ./${p}` : p));
  const plainFiles = copies.filter((c) => !c.startsWith("COPY "));
  const dirs = copies.filter((c) => c.startsWith("COPY "));
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
COPY ${go.module}*.go ./
RUN CGO_ENABLED=0 GOTOOLCHAIN=local GOOS=wasip1 GOARCH=wasm go build -mod=readonly -trimpath -buildmode=c-shared -ldflags "-s -w" -o /out/engine.wasm .
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
${Object.entries(spec.env).map(([k, v]) => `ENV ${k}=${v}`).join("\n")}
WORKDIR ${spec.workdir}
# Owned by root and not writable by the runtime user: the process cannot modify its own code.
COPY --from=deps /app/node_modules ./node_modules
COPY ${plainFiles.join(" ")} ./
${dirs.join("\n")}
${go ? `COPY --from=${go.stage} /out/engine.wasm ./${go.output}\n` : ""}# Numeric, so Kubernetes' runAsNonRoot can verify it without reading /etc/passwd; the chart's
# podSecurityContext uses the same user and group.
USER ${spec.user}
# Node as PID 1 is fine: every entry point handles SIGTERM itself, and Ferry starts no child processes to reap.
ENTRYPOINT ${JSON.stringify(spec.entrypoint).replace(/","/g, '", "')}
CMD ${JSON.stringify(spec.cmd)}
`;
}
