// The two controllers as separate processes, started as their deployments start them, so whole-process
// figures (RSS, CPU) compare like with like: ESO's Go binary, and `node src/cli/main.ts controller` as the
// image's entry point runs it with the chart's arguments.
import { join } from "node:path";
import { freePort } from "../../test/env/free-port.ts";
import { ManagedProcess } from "../../test/env/managed-process.ts";
import { repoRoot } from "../../test/env/paths.ts";
import { CONTROLLER_MEMORY_LIMIT_MI, chartNodeOptions } from "../../tools/helm/node-options.ts";
import { imageEnvironment } from "../image-environment.ts";

export interface ControllerStart {
  kubeconfig: string;
  /** The counting AWS proxy both controllers reach moto through. */
  awsEndpoint: string;
  region: string;
  logDir: string;
}

/** The chart's controller.concurrency (deploy/chart/ferry/values.yaml), which Ferry runs with in the benchmark. */
export const CHART_CONTROLLER_CONCURRENCY = 32;

const baseEnv = (): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR });

/**
 * ESO out of cluster: kubeconfig through KUBECONFIG (controller-runtime's GetConfig), AWS endpoints through
 * the per-service variables its SDK v1 resolver reads (pkg/provider/aws/auth/resolver.go), no leader election.
 */
export async function startEso(o: ControllerStart & { binary: string; concurrent: number }): Promise<ManagedProcess> {
  const metricsPort = await freePort();
  return ManagedProcess.start({
    name: `eso-concurrent-${o.concurrent}`,
    command: o.binary,
    args: [`--concurrent=${o.concurrent}`, `--metrics-addr=127.0.0.1:${metricsPort}`, "--enable-leader-election=false", "--loglevel=info"],
    logFile: join(o.logDir, `eso-concurrent-${o.concurrent}.log`),
    env: {
      ...baseEnv(),
      KUBECONFIG: o.kubeconfig,
      AWS_REGION: o.region,
      AWS_SECRETSMANAGER_ENDPOINT: o.awsEndpoint,
      AWS_SSM_ENDPOINT: o.awsEndpoint,
      AWS_STS_ENDPOINT: o.awsEndpoint,
    },
  });
}

/**
 * Ferry as the image runs it (node src/cli/main.ts, the image's environment: NODE_ENV=production, its compile
 * cache) with the chart's controller
 * arguments (deploy/chart/ferry/templates/controller/deployment.yaml: --concurrency from values, default 32).
 * NODE_OPTIONS is the chart's for the controller's memory limit (ADR 13) unless `nodeOptions` overrides it.
 */
export function startFerry(o: ControllerStart & { concurrency: number; nodeOptions?: string | undefined }): ManagedProcess {
  return ManagedProcess.start({
    name: "ferry-controller",
    command: process.execPath,
    args: [join(repoRoot, "src", "cli", "main.ts"), "controller", "--kubeconfig", o.kubeconfig, `--concurrency=${o.concurrency}`, "--health-addr=127.0.0.1:0", "--log-level=info"],
    logFile: join(o.logDir, "ferry-controller.log"),
    cwd: repoRoot,
    env: {
      ...baseEnv(),
      ...imageEnvironment(),
      NODE_OPTIONS: o.nodeOptions ?? chartNodeOptions(CONTROLLER_MEMORY_LIMIT_MI).join(" "),
      AWS_ENDPOINT_URL: o.awsEndpoint,
      AWS_REGION: o.region,
    },
  });
}
