/**
 * A real single-node Kubernetes cluster inside namespaces the run creates (namespace.ts): etcd,
 * kube-apiserver, kube-controller-manager, kube-scheduler, containerd + runc, the CNI bridge, kubelet,
 * kube-proxy, moto, and (startCsiDriver) the real Secrets Store CSI driver installed with its own chart. The test process reaches
 * the apiserver and moto through loopback ports bridged to unix sockets (host-bridge.ts, relay.ts); pods
 * reach them at the node's address. stop() leaves the machine as it found it.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { writeAdmissionConfiguration } from "../kube-apiserver.ts";
import { writeAdminKubeconfig } from "../kubeconfig.ts";
import { ManagedProcess, waitUntil } from "../managed-process.ts";
import { ensureMotoServer } from "../moto.ts";
import { cacheRoot } from "../paths.ts";
import { generatePki, issue, type Pki } from "../pki.ts";
import { probe } from "../http-probe.ts";
import type { NodeBinaries } from "./binaries.ts";
import { CGROUP_PREFIX, createCgroupRoot, removeCgroupRoot } from "./cgroups.ts";
import {
  APISERVER_PORT,
  MOTO_PORT,
  NODE_NAME,
  SERVICE_CIDR,
  cniConflist,
  containerdConfig,
  kubeProxyConfig,
  kubeletConfig,
} from "./configs.ts";
import { helm } from "../../../tools/helm/helm.ts";
import { HostBridge } from "./host-bridge.ts";
import { CSI_IMAGES } from "./image.ts";
import { NODE_IP, NodeNamespace } from "./namespace.ts";

const run = promisify(execFile);
const here = new URL(".", import.meta.url).pathname;

/** Where the CSI driver and the provider meet; the chart's csiProvider.providerVolume. */
export const CSI_DRIVER_NAME = "secrets-store.csi.k8s.io";

export interface NodeCluster {
  stateDir: string;
  /** The run's cgroup root in every hierarchy (kubelet's cgroupRoot). */
  cgroupRoot: string;
  /** Kubeconfig for the host side (helm, kubectl, the tests): admin through the loopback bridge. */
  kubeconfig: string;
  /** moto as the test process reaches it. */
  motoUrl: string;
  /** moto as pods reach it. */
  motoUrlInCluster: string;
  kubeletRoot: string;
  providerDir: string;
  pki: Pki;
  binaries: NodeBinaries;
  processes: ManagedProcess[];
  kubectl(args: readonly string[], options?: { input?: string; timeoutMs?: number }): Promise<string>;
  /** Runs a command inside the node's namespaces. */
  inside(command: string, args: readonly string[]): Promise<string>;
  /** Installs the real Secrets Store CSI driver with its own Helm chart (a DaemonSet on the node). */
  startCsiDriver(options: { rotationPollInterval: string }): Promise<void>;
  stop(options?: { keepState?: boolean }): Promise<{ leftovers: string[] }>;
}

export async function startNodeCluster(binaries: NodeBinaries, images: readonly string[]): Promise<NodeCluster> {
  const started = Date.now();
  const stateDir = mkdtempSync("/tmp/fe2e-");
  const logDir = join(stateDir, "logs");
  mkdirSync(logDir);
  const runId = stateDir.split("-").at(-1)!;
  const cgroupRoot = `${CGROUP_PREFIX}${runId}`;
  const processes: ManagedProcess[] = [];
  const bridges: HostBridge[] = [];
  let namespace: NodeNamespace | undefined;
  const log = (m: string) => process.stderr.write(`[e2e-node ${((Date.now() - started) / 1000).toFixed(1)}s] ${m}\n`);

  const stop = async (options: { keepState?: boolean } = {}): Promise<{ leftovers: string[] }> => {
    const stopping = Date.now();
    for (const b of bridges) await b.close();
    // PID 1 takes everything inside down at once (SIGKILL): nothing of the node needs a graceful stop, since
    // its state goes with the run.
    await namespace?.destroy();
    const destroyed = Date.now();
    await Promise.all(processes.map((p) => p.stop(1_000)));
    const leftovers = await removeCgroupRoot(cgroupRoot);
    const cgroupsRemoved = Date.now();
    if (!options.keepState) rmSync(stateDir, { recursive: true, force: true });
    const seconds = (from: number, to: number) => ((to - from) / 1000).toFixed(1);
    log(`stopped in ${seconds(stopping, Date.now())} s (namespace ${seconds(stopping, destroyed)} s, cgroups ${seconds(destroyed, cgroupsRemoved)} s, files ${seconds(cgroupsRemoved, Date.now())} s)`);
    return { leftovers };
  };

  try {
    const pki = await generatePki(join(stateDir, "pki"), {
      servingSans: [`IP:${NODE_IP}`, "IP:10.0.0.1", "DNS:kubernetes", "DNS:kubernetes.default", "DNS:kubernetes.default.svc", "DNS:kubernetes.default.svc.cluster.local"],
    });
    await issue(pki.dir, "kubelet", `/O=system:nodes/CN=system:node:${NODE_NAME}`, "extendedKeyUsage=clientAuth\nkeyUsage=digitalSignature\n");
    const insideUrl = `https://${NODE_IP}:${APISERVER_PORT}`;
    const adminInside = join(stateDir, "admin-inside.kubeconfig");
    await writeAdminKubeconfig(adminInside, insideUrl, pki);
    const kubeletKubeconfig = join(stateDir, "kubelet.kubeconfig");
    await writeAdminKubeconfig(kubeletKubeconfig, insideUrl, { ...pki, adminCert: join(pki.dir, "kubelet.crt"), adminKey: join(pki.dir, "kubelet.key") });

    namespace = await NodeNamespace.create(stateDir);
    const ns = namespace;
    createCgroupRoot(cgroupRoot);
    const start = (name: string, command: string, args: readonly string[], env?: NodeJS.ProcessEnv): ManagedProcess => {
      const entered = ns.enter(command, args);
      const p = ManagedProcess.start({ name, command: entered.command, args: entered.args, logFile: join(logDir, `${name}.log`), env: env ?? process.env });
      processes.push(p);
      return p;
    };
    const inside = async (command: string, args: readonly string[]): Promise<string> => {
      const entered = ns.enter(command, args);
      try {
        const { stdout } = await run(entered.command, entered.args, { maxBuffer: 64 << 20 });
        return stdout;
      } catch (err) {
        const e = err as { stderr?: string; message: string };
        throw new Error(`${command} ${args.join(" ")} (inside the node): ${e.stderr?.trim() || e.message}`, { cause: err });
      }
    };

    // Control plane.
    const etcd = start("etcd", binaries.etcd, [
      "--name=node", `--data-dir=${join(stateDir, "etcd")}`,
      "--listen-client-urls=http://127.0.0.1:2379", "--advertise-client-urls=http://127.0.0.1:2379",
      "--listen-peer-urls=http://127.0.0.1:2380", "--initial-advertise-peer-urls=http://127.0.0.1:2380", "--initial-cluster=node=http://127.0.0.1:2380",
      "--unsafe-no-fsync=true", "--logger=zap", "--log-level=warn",
    ]);
    const apiserver = start("kube-apiserver", binaries.kubeApiserver, [
      "--etcd-servers=http://127.0.0.1:2379",
      "--bind-address=0.0.0.0", `--secure-port=${APISERVER_PORT}`, `--advertise-address=${NODE_IP}`,
      `--tls-cert-file=${pki.servingCert}`, `--tls-private-key-file=${pki.servingKey}`,
      `--client-ca-file=${pki.caCert}`,
      `--service-cluster-ip-range=${SERVICE_CIDR}`,
      "--service-account-issuer=https://kubernetes.default.svc",
      `--service-account-key-file=${pki.serviceAccountPub}`,
      `--service-account-signing-key-file=${pki.serviceAccountKey}`,
      "--authorization-mode=Node,RBAC",
      "--enable-admission-plugins=NodeRestriction",
      "--allow-privileged=true",
      `--kubelet-client-certificate=${pki.adminCert}`, `--kubelet-client-key=${pki.adminKey}`,
      // Reach kubelet (logs, exec) at the node's IP: there is no DNS for the node's name.
      "--kubelet-preferred-address-types=InternalIP",
      // The client certificate the apiserver presents to admission webhooks, as the webhook requires.
      `--admission-control-config-file=${writeAdmissionConfiguration(pki)}`,
      "--profiling=false", "--v=1",
    ]);
    const apiSocket = join(stateDir, "apiserver.sock");
    start("relay-apiserver", process.execPath, [join(here, "relay.ts"), apiSocket, NODE_IP, String(APISERVER_PORT)]);
    const motoSocket = join(stateDir, "moto.sock");
    start("relay-moto", process.execPath, [join(here, "relay.ts"), motoSocket, NODE_IP, String(MOTO_PORT)]);
    const moto = start("moto", await ensureMotoServer(cacheRoot), ["-H", NODE_IP, "-p", String(MOTO_PORT)]);

    const apiBridge = await HostBridge.open(apiSocket);
    bridges.push(apiBridge);
    const motoBridge = await HostBridge.open(motoSocket);
    bridges.push(motoBridge);
    const hostUrl = `https://127.0.0.1:${apiBridge.port}`;
    const kubeconfig = join(stateDir, "admin.kubeconfig");
    await writeAdminKubeconfig(kubeconfig, hostUrl, pki);
    const tls = { ca: readFileSync(pki.caCert), cert: readFileSync(pki.adminCert), key: readFileSync(pki.adminKey) };

    // Runtime, while the apiserver starts.
    const containerdSocket = join(stateDir, "containerd.sock");
    const cniConfDir = join(stateDir, "cni", "net.d");
    mkdirSync(cniConfDir, { recursive: true });
    writeFileSync(join(cniConfDir, "10-ferry.conflist"), cniConflist({ ipamDataDir: join(stateDir, "cni", "ipam") }));
    const containerdConf = join(stateDir, "containerd.toml");
    writeFileSync(containerdConf, containerdConfig({ root: join(stateDir, "containerd"), socket: containerdSocket, cniConfDir, cniBinDir: binaries.cniBinDir }));
    const containerd = start("containerd", binaries.containerd, ["--config", containerdConf, "--log-level", "warn"]);
    await waitUntil("containerd", async () => (await inside(binaries.ctr, ["-a", containerdSocket, "version"]), true), { timeoutMs: 30_000, process: containerd });
    log("containerd up; importing images");
    const imported = Promise.all(images.map((image) => inside(binaries.ctr, ["-a", containerdSocket, "-n", "k8s.io", "images", "import", image])));

    await waitUntil("etcd", () => etcd.running, { timeoutMs: 5_000, process: etcd });
    await waitUntil(
      "kube-apiserver /readyz",
      async () => (await probe(`${hostUrl}/readyz`, { tls })).status === 200 && (await probe(`${hostUrl}/api/v1/namespaces/default`, { tls })).status === 200,
      { timeoutMs: 120_000, intervalMs: 500, process: apiserver },
    );
    log("apiserver ready");
    start("kube-controller-manager", binaries.kubeControllerManager, [
      `--kubeconfig=${adminInside}`, "--leader-elect=false", "--bind-address=127.0.0.1",
      "--use-service-account-credentials", `--service-account-private-key-file=${pki.serviceAccountKey}`, `--root-ca-file=${pki.caCert}`,
      `--service-cluster-ip-range=${SERVICE_CIDR}`, "--controllers=*,-bootstrapsigner,-tokencleaner,-cloud-node-lifecycle,-service-lb-controller,-node-route-controller",
      "--v=1",
    ]);
    start("kube-scheduler", binaries.kubeScheduler, [`--kubeconfig=${adminInside}`, "--leader-elect=false", "--bind-address=127.0.0.1", "--v=1"]);
    await imported;
    log("images imported");

    // The node.
    const kubeletRoot = join(stateDir, "kubelet");
    const resolvConf = join(stateDir, "resolv.conf");
    writeFileSync(resolvConf, "");
    const kubeletConf = join(stateDir, "kubelet.yaml");
    writeFileSync(kubeletConf, kubeletConfig({ containerdSocket, caCert: pki.caCert, cgroupRoot: `/${cgroupRoot}`, resolvConf, podLogsDir: join(stateDir, "pod-logs") }));
    const kubelet = start("kubelet", binaries.kubelet, [
      `--config=${kubeletConf}`, `--kubeconfig=${kubeletKubeconfig}`, `--root-dir=${kubeletRoot}`,
      `--hostname-override=${NODE_NAME}`, `--node-ip=${NODE_IP}`, "--v=1",
    ]);
    const proxyConf = join(stateDir, "kube-proxy.yaml");
    writeFileSync(proxyConf, kubeProxyConfig({ kubeconfig: adminInside }));
    start("kube-proxy", binaries.kubeProxy, [`--config=${proxyConf}`, "--v=1"]);

    const kubectl = async (args: readonly string[], options: { input?: string; timeoutMs?: number } = {}): Promise<string> => {
      return new Promise((resolve, reject) => {
        const child = execFile(binaries.kubectl, [`--kubeconfig=${kubeconfig}`, ...args], { maxBuffer: 64 << 20, timeout: options.timeoutMs ?? 120_000 }, (err, stdout, stderr) => {
          if (err) reject(new Error(`kubectl ${args.join(" ")}: ${stderr.trim() || err.message}`));
          else resolve(stdout);
        });
        if (options.input !== undefined) child.stdin?.end(options.input);
      });
    };
    await waitUntil(
      "node Ready",
      async () => {
        const node = JSON.parse(await kubectl(["get", "node", NODE_NAME, "-o", "json"])) as { status?: { conditions?: Array<{ type: string; status: string }> } };
        return node.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
      },
      { timeoutMs: 120_000, intervalMs: 1000, process: kubelet },
    );
    await waitUntil("moto", async () => (await probe(`http://127.0.0.1:${motoBridge.port}/moto-api/data.json`)).status === 200, { timeoutMs: 30_000, process: moto });
    log("node Ready, moto up");

    const providerDir = join(stateDir, "providers");
    mkdirSync(providerDir, { recursive: true });
    const startCsiDriver = async (options: { rotationPollInterval: string }): Promise<void> => {
      // As users install it: the driver's own Helm chart (from the pinned module), a DaemonSet with the
      // driver, a registrar and a liveness probe, here with locally built images (image.ts, CSI_IMAGES).
      const set = (key: string, value: string) => ["--set", `${key}=${value}`];
      await helm(
        [
          "install", "csi-secrets-store", binaries.csiChart, "--namespace", "kube-system",
          ...set("linux.image.repository", CSI_IMAGES.driver.repository), ...set("linux.image.tag", CSI_IMAGES.driver.tag), ...set("linux.image.pullPolicy", "Never"),
          ...set("linux.registrarImage.repository", CSI_IMAGES.registrar.repository), ...set("linux.registrarImage.tag", CSI_IMAGES.registrar.tag), ...set("linux.registrarImage.pullPolicy", "Never"),
          ...set("linux.livenessProbeImage.repository", CSI_IMAGES.livenessProbe.repository), ...set("linux.livenessProbeImage.tag", CSI_IMAGES.livenessProbe.tag), ...set("linux.livenessProbeImage.pullPolicy", "Never"),
          // The CRD upgrade hooks run another image; the chart's crds/ directory installs the CRDs.
          ...set("linux.crds.enabled", "false"),
          ...set("linux.kubeletRootDir", kubeletRoot),
          ...set("linux.providersDir", providerDir),
          // Its default extra directory is a hostPath that would be created on the machine itself.
          "--set-json", "linux.additionalProvidersDirs=null",
          ...set("tokenRequests[0].audience", "sts.amazonaws.com"),
          ...set("enableSecretRotation", "true"), ...set("rotationPollInterval", options.rotationPollInterval),
          ...set("syncSecret.enabled", "true"),
          "--wait", "--timeout", "180s",
        ],
        { env: { KUBECONFIG: kubeconfig } },
      );
      await waitUntil(
        "CSINode lists secrets-store.csi.k8s.io",
        async () => (await kubectl(["get", "csinode", NODE_NAME, "-o", "jsonpath={.spec.drivers[*].name}"])).includes(CSI_DRIVER_NAME),
        { timeoutMs: 60_000, intervalMs: 1000 },
      );
    };

    log(`cluster ready in ${((Date.now() - started) / 1000).toFixed(1)} s (state ${stateDir})`);
    return {
      stateDir,
      cgroupRoot,
      kubeconfig,
      motoUrl: `http://127.0.0.1:${motoBridge.port}`,
      motoUrlInCluster: `http://${NODE_IP}:${MOTO_PORT}`,
      kubeletRoot,
      providerDir,
      pki,
      binaries,
      processes,
      kubectl,
      inside,
      startCsiDriver,
      stop,
    };
  } catch (err) {
    const tails = processes.filter((p) => !p.running).map((p) => `--- ${p.name} ---\n${p.logTail(20)}`).join("\n");
    await stop({ keepState: true }).catch(() => undefined);
    throw new Error(`${(err as Error).message}${tails ? `\n${tails}` : ""}\n(state and logs kept in ${stateDir})`, { cause: err });
  }
}
