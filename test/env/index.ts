/**
 * The local control plane (etcd, kube-apiserver, kube-controller-manager built from Go modules) and the
 * moto AWS emulator, used by integration tests, benchmarks and the demo.
 */
export { startEnvironment, waitForCrdEstablished, type EnvironmentState, type RunningEnvironment } from "./environment.ts";
export { TestEnvironment } from "./test-environment.ts";
export { FaultProxy, faults, type Fault, type FaultRule, type ProxiedRequest } from "./fault-proxy.ts";
export { waitUntil } from "./managed-process.ts";
