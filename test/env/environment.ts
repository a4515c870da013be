import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as k8s from "@kubernetes/client-node";
import { ensureKubernetesBinaries } from "./binaries.ts";
import { startEtcd } from "./etcd.ts";
import { startApiserver } from "./kube-apiserver.ts";
import { startControllerManager } from "./kube-controller-manager.ts";
import { writeAdminKubeconfig } from "./kubeconfig.ts";
import { waitUntil, type ManagedProcess } from "./managed-process.ts";
import { ensureMotoServer, startMoto } from "./moto.ts";
import { cacheRoot, repoRoot } from "./paths.ts";
import { generatePki, type Pki } from "./pki.ts";

/** Everything a test needs to reach the running environment; written as JSON for test processes. */
export interface EnvironmentState {
  runDir: string;
  logDir: string;
  kubeconfig: string;
  apiserverUrl: string;
  motoUrl: string;
  region: string;
  pki: Pki;
}

export interface RunningEnvironment {
  state: EnvironmentState;
  statePath: string;
  processes: ManagedProcess[];
  stop(options?: { keepLogs?: boolean }): Promise<void>;
}

export const DEFAULT_REGION = "us-east-1";

const log = (message: string) => console.error(`[test-env ${new Date().toISOString().slice(11, 19)}] ${message}`);

/**
 * Starts etcd, kube-apiserver, kube-controller-manager and moto on loopback. CRDs found in `crdDir`
 * (Ferry's deploy/crds by default) are installed and Established before the controller manager starts,
 * so its garbage collector watches their kinds from its first discovery (it rediscovers only every 30 s).
 */
export async function startEnvironment(options: { crdDir?: string } = {}): Promise<RunningEnvironment> {
  const started = Date.now();
  const binaries = await ensureKubernetesBinaries();
  const motoBinary = await ensureMotoServer(cacheRoot);
  const runDir = await mkdtemp(join(tmpdir(), "ferry-env-"));
  const logDir = join(runDir, "logs");
  await mkdir(logDir);
  // etcd data on tmpfs when there is one: fsync latency is the classic slow-start cause.
  const dataRoot = existsSync("/dev/shm") ? await mkdtemp("/dev/shm/ferry-etcd-") : join(runDir, "etcd");
  const processes: ManagedProcess[] = [];
  const stop = async ({ keepLogs = false } = {}) => {
    for (const p of [...processes].reverse()) await p.stop();
    await rm(dataRoot, { recursive: true, force: true });
    if (!keepLogs) await rm(runDir, { recursive: true, force: true });
    else log(`logs kept in ${logDir}`);
  };
  try {
    const pki = await generatePki(join(runDir, "pki"));
    const motoStarting = startMoto({ binary: motoBinary, logDir, workDir: runDir });
    const etcd = await startEtcd({ binary: binaries.etcd, dataDir: dataRoot, logDir });
    processes.push(etcd.process);
    log("etcd ready");
    const apiserver = await startApiserver({ binary: binaries.kubeApiserver, etcdUrl: etcd.url, pki, logDir });
    processes.push(apiserver.process);
    log(`kube-apiserver ready at ${apiserver.url}`);
    const kubeconfig = join(runDir, "admin.kubeconfig");
    await writeAdminKubeconfig(kubeconfig, apiserver.url, pki);
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(kubeconfig);

    const crdDir = options.crdDir ?? join(repoRoot, "deploy", "crds");
    if (existsSync(crdDir)) await installCrds(kc, crdDir);

    const kcm = startControllerManager({ binary: binaries.kubeControllerManager, kubeconfig, logDir });
    processes.push(kcm);
    await proveGarbageCollection(kc, kcm);
    log("kube-controller-manager ready (garbage collection proven)");

    const moto = await motoStarting;
    processes.push(moto.process);
    log(`moto ready at ${moto.url}`);

    const state: EnvironmentState = {
      runDir,
      logDir,
      kubeconfig,
      apiserverUrl: apiserver.url,
      motoUrl: moto.url,
      region: DEFAULT_REGION,
      pki,
    };
    const statePath = join(runDir, "environment.json");
    await writeFile(statePath, JSON.stringify(state, null, 2));
    log(`environment up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return { state, statePath, processes, stop };
  } catch (err) {
    for (const p of processes) if (!p.running) console.error(`--- ${p.name} log tail ---\n${p.logTail()}`);
    await stop({ keepLogs: true });
    throw err;
  }
}

async function installCrds(kc: k8s.KubeConfig, dir: string): Promise<void> {
  const api = kc.makeApiClient(k8s.ApiextensionsV1Api);
  const names: string[] = [];
  for (const file of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    // loadAllYaml deserializes into the typed model: given plain parsed YAML, client-node's serializer
    // silently drops every x-kubernetes-* key and the apiserver rejects the structural schema.
    for (const crd of k8s.loadAllYaml(readFileSync(join(dir, file), "utf8")) as k8s.V1CustomResourceDefinition[]) {
      if (crd?.kind !== "CustomResourceDefinition") continue;
      await api.createCustomResourceDefinition({ body: crd });
      names.push(crd.metadata!.name!);
    }
  }
  for (const name of names) await waitForCrdEstablished(kc, name);
  log(`${names.length} CRDs established`);
}

export async function waitForCrdEstablished(kc: k8s.KubeConfig, name: string): Promise<void> {
  const api = kc.makeApiClient(k8s.ApiextensionsV1Api);
  await waitUntil(`CRD ${name} Established`, async () => {
    const crd = await api.readCustomResourceDefinition({ name });
    return crd.status?.conditions?.some((c) => c.type === "Established" && c.status === "True") ?? false;
  }, { timeoutMs: 30_000 });
}

/**
 * kube-controller-manager has no health endpoint with --secure-port=0, so readiness is proven by doing
 * what the tests need: a dependent ConfigMap is garbage-collected after its owner is deleted.
 */
async function proveGarbageCollection(kc: k8s.KubeConfig, kcm: ManagedProcess): Promise<void> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const namespace = "default";
  const owner = await core.createNamespacedConfigMap({ namespace, body: { metadata: { generateName: "gc-probe-owner-" } } });
  const dependent = await core.createNamespacedConfigMap({
    namespace,
    body: {
      metadata: {
        generateName: "gc-probe-dependent-",
        ownerReferences: [{ apiVersion: "v1", kind: "ConfigMap", name: owner.metadata!.name!, uid: owner.metadata!.uid! }],
      },
    },
  });
  await core.deleteNamespacedConfigMap({ namespace, name: owner.metadata!.name! });
  await waitUntil("the garbage collector to delete a probe ConfigMap", async () => {
    try {
      await core.readNamespacedConfigMap({ namespace, name: dependent.metadata!.name! });
      return false;
    } catch (err) {
      return err instanceof k8s.ApiException && err.code === 404;
    }
  }, { timeoutMs: 90_000, intervalMs: 500, process: kcm });
}
