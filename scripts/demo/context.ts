/** What every demo path shares: the running environment, clients, and the Ferry processes to stop at the end. */
import type * as k8s from "@kubernetes/client-node";
import type { RunningEnvironment } from "../../test/env/environment.ts";
import type { FerryProcess } from "./processes.ts";

export interface DemoContext {
  env: RunningEnvironment;
  kc: k8s.KubeConfig;
  core: k8s.CoreV1Api;
  objects: k8s.KubernetesObjectApi;
  custom: k8s.CustomObjectsApi;
  /** AWS settings for Ferry processes and the SDK: moto, through the SDK's standard variables. */
  awsEnv: Record<string, string>;
  processes: FerryProcess[];
  kubectl(args: readonly string[], stdin?: string): string;
}
