/**
 * Images for the real node, built without Docker from what this machine can reach, and cached by their inputs:
 * - Ferry's image from deploy/image/spec.json (the same description the Dockerfile is generated from): a
 *   Debian rootfs made by mmdebstrap from the machine's own apt sources, the node binary of the npm `node`
 *   package the tests run on, production dependencies only (`npm ci --omit=dev`), and exactly the files the
 *   spec ships; packed as OCI by umoci, converted to a docker-archive by skopeo.
 * - the pod sandbox (pause) image: a static C program;
 * - a busybox image for consuming pods.
 * Each is a docker-archive tar under $FERRY_CACHE/e2e-images, imported into containerd by the harness.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { promisify } from "node:util";
import { imageEnv, loadImageSpec, runtimeUid, shippedFiles, warmCompileCache, type ImageSpec } from "../../../scripts/image-spec.ts";
import { cacheRoot, repoRoot } from "../paths.ts";
import { SANDBOX_IMAGE } from "./configs.ts";
import { FERRY_IMAGES_KEPT, pruneFerryImages } from "./image-cache.ts";

const run = promisify(execFile);
const here = dirname(new URL(import.meta.url).pathname);

export const FERRY_IMAGE = { repository: "docker.io/library/ferry", tag: "e2e" } as const;
export const BUSYBOX_IMAGE = "docker.io/library/busybox:e2e";

/** The Secrets Store CSI driver's DaemonSet images, named for the driver chart's image values. */
export const CSI_IMAGES = {
  driver: { repository: "docker.io/library/secrets-store-csi-driver", tag: "e2e" },
  registrar: { repository: "docker.io/library/csi-node-driver-registrar", tag: "e2e" },
  livenessProbe: { repository: "docker.io/library/csi-livenessprobe", tag: "e2e" },
} as const;

export interface BuiltImages {
  ferry: string;
  pause: string;
  busybox: string;
  /** The CSI driver, Ferry's registrar and liveness probe (tools/csi), as images for the driver's own chart. */
  csi: string[];
}

const log = (message: string) => process.stderr.write(`[e2e-image ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

async function sh(command: string, args: readonly string[], options: { cwd?: string } = {}): Promise<string> {
  try {
    const { stdout } = await run(command, [...args], { maxBuffer: 256 << 20, cwd: options.cwd });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`${command} ${args.join(" ")}: ${e.stderr?.trim() || e.message}`, { cause: err });
  }
}

function hash(...parts: Array<string | Buffer>): string {
  const h = createHash("sha256");
  for (const p of parts) h.update(p).update("\0");
  return h.digest("hex").slice(0, 16);
}

/** Builds `out` with `build(tmp)` unless it exists; atomic, so an interrupted build never leaves a half file. */
async function cached(out: string, build: (tmp: string) => Promise<void>): Promise<string> {
  if (existsSync(out)) return out;
  mkdirSync(dirname(out), { recursive: true });
  const tmp = `${out}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  await build(tmp);
  renameSync(tmp, out);
  return out;
}

/** An OCI image from uncompressed layer tars and a config, written as a docker-archive named `ref`. */
async function pack(out: string, ref: string, layers: readonly string[], config: { entrypoint: string[]; cmd?: string[]; user?: string; workdir?: string; env?: Record<string, string> }): Promise<void> {
  const work = `${out}.oci`;
  rmSync(work, { recursive: true, force: true });
  await sh("umoci", ["init", "--layout", work]);
  await sh("umoci", ["new", "--image", `${work}:img`]);
  for (const layer of layers) await sh("umoci", ["raw", "add-layer", "--no-history", "--image", `${work}:img`, layer]);
  const args = ["config", "--no-history", "--image", `${work}:img`, "--config.env", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"];
  for (const [k, v] of Object.entries(config.env ?? {})) args.push("--config.env", `${k}=${v}`);
  for (const e of config.entrypoint) args.push("--config.entrypoint", e);
  for (const c of config.cmd ?? []) args.push("--config.cmd", c);
  if (config.user) args.push("--config.user", config.user);
  if (config.workdir) args.push("--config.workingdir", config.workdir);
  await sh("umoci", args);
  await sh("skopeo", ["copy", "--quiet", `oci:${work}:img`, `docker-archive:${out}:${ref}`]);
  rmSync(work, { recursive: true, force: true });
}

async function tarDir(dir: string, out: string): Promise<void> {
  await sh("tar", ["--numeric-owner", "--owner=0", "--group=0", "--sort=name", "--mtime=@0", "-cf", out, "-C", dir, "."]);
}

/** The machine's apt sources, which mmdebstrap uses: part of the rootfs's cache key. */
function aptSources(): string {
  const files = ["/etc/apt/sources.list", ...(existsSync("/etc/apt/sources.list.d") ? readdirSync("/etc/apt/sources.list.d").filter((f) => /\.(list|sources)$/.test(f)).map((f) => join("/etc/apt/sources.list.d", f)) : [])];
  return files.filter((f) => existsSync(f)).map((f) => readFileSync(f, "utf8")).join("\n");
}

async function rootfs(spec: ImageSpec, dir: string): Promise<string> {
  const key = hash(JSON.stringify(spec.debian), aptSources());
  return cached(join(dir, `rootfs-${spec.debian.suite}-${key}.tar`), async (tmp) => {
    log(`mmdebstrap ${spec.debian.suite} (${spec.debian.variant}, ${spec.debian.packages.join(", ")}) from the machine's apt sources`);
    const started = Date.now();
    // No mirror argument: mmdebstrap uses the host's apt sources.
    await sh("mmdebstrap", ["--quiet", `--variant=${spec.debian.variant}`, "--mode=root", "--format=tar", `--include=${spec.debian.packages.join(",")}`, spec.debian.suite, tmp]);
    log(`rootfs built in ${Math.round((Date.now() - started) / 1000)} s`);
  });
}

async function productionDependencies(dir: string): Promise<string> {
  const lock = readFileSync(join(repoRoot, "package-lock.json"));
  return cached(join(dir, `prod-deps-${hash(lock, readFileSync(join(repoRoot, "package.json")))}`), async (tmp) => {
    log("npm ci --omit=dev (production dependencies only, as locked)");
    mkdirSync(tmp, { recursive: true });
    copyFileSync(join(repoRoot, "package.json"), join(tmp, "package.json"));
    copyFileSync(join(repoRoot, "package-lock.json"), join(tmp, "package-lock.json"));
    await sh("npm", ["ci", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: tmp });
  });
}

async function ferryImage(dir: string): Promise<string> {
  const spec = loadImageSpec();
  const nodeBinary = join(repoRoot, "node_modules", "node", "bin", "node");
  const nodePkg = JSON.parse(readFileSync(join(repoRoot, "node_modules", "node", "package.json"), "utf8")) as { version: string };
  if (nodePkg.version !== spec.nodeVersion) throw new Error(`node_modules/node is ${nodePkg.version}, the image wants ${spec.nodeVersion}: run npm ci`);
  const files = shippedFiles(spec);
  const [base, deps] = [await rootfs(spec, dir), await productionDependencies(dir)];
  const key = hash(base, deps, spec.nodeVersion, JSON.stringify(spec), ...files.flatMap((f) => [f, readFileSync(join(repoRoot, f))]));
  return cached(join(dir, `ferry-${key}.tar`), async (tmp) => {
    log(`packing Ferry's image (${files.length} files, node ${spec.nodeVersion})`);
    const started = Date.now();
    const stage = `${tmp}.stage`;
    rmSync(stage, { recursive: true, force: true });
    const app = join(stage, spec.workdir.replace(/^\//, ""));
    mkdirSync(join(stage, "usr", "local", "bin"), { recursive: true });
    copyFileSync(nodeBinary, join(stage, "usr", "local", "bin", "node"));
    mkdirSync(app, { recursive: true });
    cpSync(join(deps, "node_modules"), join(app, "node_modules"), { recursive: true });
    for (const f of files) {
      mkdirSync(dirname(join(app, f)), { recursive: true });
      copyFileSync(join(repoRoot, f), join(app, f));
    }
    // What the Dockerfile's RUN step does: the compile cache, filled here and renamed for the runtime uid.
    if (spec.compileCache) warmCompileCache(spec, { node: nodeBinary, appDir: app, cacheDir: join(app, spec.compileCache.dir), uid: runtimeUid(spec) });
    await sh("chmod", ["-R", "a+rX,go-w", stage]);
    await tarDir(stage, `${tmp}.layer`);
    rmSync(stage, { recursive: true, force: true });
    await pack(tmp, `${FERRY_IMAGE.repository}:${FERRY_IMAGE.tag}`, [base, `${tmp}.layer`], {
      entrypoint: spec.entrypoint,
      cmd: spec.cmd,
      user: spec.user,
      workdir: spec.workdir,
      env: imageEnv(spec),
    });
    rmSync(`${tmp}.layer`, { force: true });
    log(`Ferry's image packed in ${Math.round((Date.now() - started) / 1000)} s`);
  });
}

async function pauseImage(dir: string): Promise<string> {
  const source = readFileSync(join(here, "pause.c"));
  return cached(join(dir, `pause-${hash(source)}.tar`), async (tmp) => {
    const stage = `${tmp}.stage`;
    mkdirSync(stage, { recursive: true });
    await sh("gcc", ["-Os", "-static", "-o", join(stage, "pause"), join(here, "pause.c")]);
    await tarDir(stage, `${tmp}.layer`);
    await pack(tmp, SANDBOX_IMAGE, [`${tmp}.layer`], { entrypoint: ["/pause"], user: "65535:65535" });
    rmSync(stage, { recursive: true, force: true });
    rmSync(`${tmp}.layer`, { force: true });
  });
}

async function busyboxImage(dir: string): Promise<string> {
  const binary = "/bin/busybox";
  if (!existsSync(binary)) throw new Error("busybox-static is not installed (apt-get install busybox-static)");
  const version = (await sh(binary, ["--help"]).catch(() => "")).split("\n")[0] ?? "";
  return cached(join(dir, `busybox-${hash(version, readFileSync(binary))}.tar`), async (tmp) => {
    const stage = `${tmp}.stage`;
    mkdirSync(join(stage, "bin"), { recursive: true });
    copyFileSync(binary, join(stage, "bin", "busybox"));
    for (const applet of (await sh(binary, ["--list"])).split("\n").filter((a) => a && a !== "busybox")) symlinkSync("busybox", join(stage, "bin", applet));
    for (const d of ["tmp", "etc"]) mkdirSync(join(stage, d), { recursive: true });
    writeFileSync(join(stage, "etc", "passwd"), "root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n");
    await sh("chmod", ["1777", join(stage, "tmp")]);
    await tarDir(stage, `${tmp}.layer`);
    await pack(tmp, BUSYBOX_IMAGE, [`${tmp}.layer`], { entrypoint: [], cmd: ["sh"] });
    rmSync(stage, { recursive: true, force: true });
    rmSync(`${tmp}.layer`, { force: true });
  });
}

/**
 * One static binary as an image. The driver's image also gets busybox: the driver runs `mount -t tmpfs` for
 * every volume (k8s.io/mount-utils).
 */
async function binaryImage(dir: string, ref: { repository: string; tag: string }, binary: string, path: string, withBusybox: boolean): Promise<string> {
  const name = ref.repository.split("/").at(-1)!;
  return cached(join(dir, `${name}-${hash(readFileSync(binary), path, String(withBusybox))}.tar`), async (tmp) => {
    const stage = `${tmp}.stage`;
    mkdirSync(join(stage, "bin"), { recursive: true });
    if (withBusybox) {
      copyFileSync("/bin/busybox", join(stage, "bin", "busybox"));
      for (const applet of (await sh("/bin/busybox", ["--list"])).split("\n").filter((a) => a && a !== "busybox")) symlinkSync("busybox", join(stage, "bin", applet));
      mkdirSync(join(stage, "tmp"), { recursive: true });
    }
    copyFileSync(binary, join(stage, path.replace(/^\//, "")));
    await sh("chmod", ["0755", join(stage, path.replace(/^\//, ""))]);
    await tarDir(stage, `${tmp}.layer`);
    await pack(tmp, `${ref.repository}:${ref.tag}`, [`${tmp}.layer`], { entrypoint: [path] });
    rmSync(stage, { recursive: true, force: true });
    rmSync(`${tmp}.layer`, { force: true });
  });
}

/** Builds (or reuses) the images; returns their docker-archive paths. */
export async function buildImages(csiBinDir: string): Promise<BuiltImages> {
  const dir = join(cacheRoot, "e2e-images");
  const [pause, busybox] = [await pauseImage(dir), await busyboxImage(dir)];
  const csi = [
    await binaryImage(dir, CSI_IMAGES.driver, join(csiBinDir, "secrets-store-csi-driver"), "/secrets-store-csi", true),
    await binaryImage(dir, CSI_IMAGES.registrar, join(csiBinDir, "registrar"), "/csi-node-driver-registrar", false),
    await binaryImage(dir, CSI_IMAGES.livenessProbe, join(csiBinDir, "livenessprobe"), "/livenessprobe", false),
  ];
  const ferry = await ferryImage(dir);
  const pruned = pruneFerryImages(dir, basename(ferry));
  if (pruned.length > 0) log(`removed ${pruned.length} older Ferry image(s) from the cache, keeping ${FERRY_IMAGES_KEPT}`);
  return { ferry, pause, busybox, csi };
}
