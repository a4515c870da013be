import { join } from "node:path";
import { freePort } from "./free-port.ts";
import { probe } from "./http-probe.ts";
import { ManagedProcess, waitUntil } from "./managed-process.ts";

export interface RunningEtcd {
  process: ManagedProcess;
  url: string;
}

export async function startEtcd(options: { binary: string; dataDir: string; logDir: string }): Promise<RunningEtcd> {
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const process = ManagedProcess.start({
    name: "etcd",
    command: options.binary,
    logFile: join(options.logDir, "etcd.log"),
    args: [
      "--name=ferry-test", `--data-dir=${options.dataDir}`,
      `--listen-client-urls=${url}`, `--advertise-client-urls=${url}`,
      `--listen-peer-urls=${peer}`, `--initial-advertise-peer-urls=${peer}`, `--initial-cluster=ferry-test=${peer}`,
      // The data dir is on tmpfs and the cluster is thrown away: fsync only costs time.
      "--unsafe-no-fsync=true", "--logger=zap", "--log-level=warn",
    ],
  });
  await waitUntil("etcd /health", async () => (await probe(`${url}/health`)).status === 200, {
    timeoutMs: 30_000,
    process,
  });
  return { process, url };
}
