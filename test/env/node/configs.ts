/**
 * The node's configuration files, as pure functions of where things live. Each setting that is not a
 * default says why: most are what this kind of machine needs (cgroup v1, no CAP_SYS_RESOURCE, nothing can be
 * pulled) or keep the node's state inside the run's directory and namespaces.
 */
import { stringify } from "yaml";
import { NODE_IP, SERVICE_CIDR } from "./namespace.ts";

export { SERVICE_CIDR };

export const NODE_NAME = "ferry-node";
export const POD_CIDR = "10.244.0.0/24";
/** The bridge's address in the pod network (the CNI bridge plugin's isGateway: the subnet's first address). */
export const BRIDGE_GATEWAY = "10.244.0.1";
export const APISERVER_PORT = 6443;
export const MOTO_PORT = 5000;
export const SANDBOX_IMAGE = "registry.k8s.io/pause:3.10.1";
export const CNI_BRIDGE = "ferrybr0";

/** containerd 1.6 (config version 2). */
export function containerdConfig(options: { root: string; socket: string; cniConfDir: string; cniBinDir: string }): string {
  return `version = 2
root = ${JSON.stringify(options.root)}
# /run is the node's own tmpfs (see namespace.ts).
state = "/run/containerd"
disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.tracing.processor.v1.otlp"]

[grpc]
  address = ${JSON.stringify(options.socket)}

[plugins."io.containerd.grpc.v1.cri"]
  # Nothing can be pulled: the pause image is built locally and imported.
  sandbox_image = ${JSON.stringify(SANDBOX_IMAGE)}
  # Root here lacks CAP_SYS_RESOURCE: without this runc cannot lower oom_score_adj and every sandbox fails with
  # "can't get final child's PID from pipe: EOF".
  restrict_oom_score_adj = true
  enable_selinux = false
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = ${JSON.stringify(options.cniBinDir)}
    conf_dir = ${JSON.stringify(options.cniConfDir)}
`;
}

/** A bridge network with host-local IPAM whose data stays in the run's directory. */
export function cniConflist(options: { ipamDataDir: string }): string {
  return JSON.stringify(
    {
      cniVersion: "0.4.0",
      name: "ferry-node",
      plugins: [
        {
          type: "bridge",
          bridge: CNI_BRIDGE,
          isGateway: true,
          ipMasq: false,
          hairpinMode: true,
          ipam: { type: "host-local", dataDir: options.ipamDataDir, ranges: [[{ subnet: POD_CIDR }]], routes: [{ dst: "0.0.0.0/0" }] },
        },
        { type: "portmap", capabilities: { portMappings: true } },
      ],
    },
    null,
    2,
  );
}

export function kubeletConfig(options: { containerdSocket: string; caCert: string; cgroupRoot: string; resolvConf: string; podLogsDir: string }): string {
  return stringify({
    apiVersion: "kubelet.config.k8s.io/v1beta1",
    kind: "KubeletConfiguration",
    // This machine is cgroup v1; kubelet 1.35 refuses it unless told.
    failCgroupV1: false,
    cgroupDriver: "cgroupfs",
    // Every pod cgroup under one per-run root, removed at teardown.
    cgroupRoot: options.cgroupRoot,
    containerRuntimeEndpoint: `unix://${options.containerdSocket}`,
    address: NODE_IP,
    healthzBindAddress: "127.0.0.1",
    readOnlyPort: 0,
    authentication: { anonymous: { enabled: false }, webhook: { enabled: true }, x509: { clientCAFile: options.caCert } },
    authorization: { mode: "Webhook" },
    // Never write the host's vm/kernel sysctls; the namespace shows kubelet the values it wants (namespace.ts).
    protectKernelDefaults: true,
    resolvConf: options.resolvConf,
    podLogsDir: options.podLogsDir,
    failSwapOn: false,
    serializeImagePulls: false,
    imageGCHighThresholdPercent: 100,
    imageGCLowThresholdPercent: 99,
    evictionHard: { "memory.available": "1Mi", "nodefs.available": "1%", "nodefs.inodesFree": "1%", "imagefs.available": "1%" },
    // Rotation of mounted secrets and ConfigMaps is observed by the tests: sync quickly.
    syncFrequency: "10s",
    rotateCertificates: false,
    serverTLSBootstrap: false,
    registerNode: true,
  });
}

export function kubeProxyConfig(options: { kubeconfig: string }): string {
  return stringify({
    apiVersion: "kubeproxy.config.k8s.io/v1alpha1",
    kind: "KubeProxyConfiguration",
    clientConnection: { kubeconfig: options.kubeconfig },
    mode: "iptables",
    hostnameOverride: NODE_NAME,
    clusterCIDR: POD_CIDR,
    bindAddress: NODE_IP,
    healthzBindAddress: "127.0.0.1:10256",
    metricsBindAddress: "127.0.0.1:10249",
    // Leave conntrack's global limits and timeouts alone (0 = do not set).
    conntrack: { maxPerCore: 0, min: 0, tcpEstablishedTimeout: "0s", tcpCloseWaitTimeout: "0s" },
    // Pod to Service to a pod on the same bridge: masquerade so replies come back through the node.
    iptables: { masqueradeAll: true },
  });
}
