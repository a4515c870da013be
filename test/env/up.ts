// `npm run env:up`: the local control plane and AWS emulator in the foreground, for kubectl and the AWS CLI.
import { startEnvironment } from "./environment.ts";

const env = await startEnvironment();
const { state } = env;
console.log(`
# Ferry test environment is up. In another shell:
export KUBECONFIG=${state.kubeconfig}
export AWS_ENDPOINT_URL=${state.motoUrl}
export AWS_REGION=${state.region} AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
export FERRY_TEST_ENV=${env.statePath}
# logs: ${state.logDir}
# Ctrl-C tears everything down.
`);
// One way out: a signal and a dead child both go through `stopping`. Without it, the children stopped by a
// Ctrl-C looked "died" to the watchdog, which then kept the logs and exited 1 (a race on every SIGTERM).
let stopping = false;
const watchdog = setInterval(() => {
  const dead = env.processes.find((p) => !p.running);
  if (dead === undefined || stopping) return;
  console.error(`${dead.name} died:\n${dead.logTail()}`);
  stopOnce({ keepLogs: true, code: 1 });
}, 2_000);
function stopOnce({ keepLogs, code }: { keepLogs: boolean; code: number }): void {
  if (stopping) return;
  stopping = true;
  clearInterval(watchdog);
  void env.stop({ keepLogs }).then(() => process.exit(code));
}
const shutdown = () => {
  console.log("\nstopping…");
  stopOnce({ keepLogs: false, code: 0 });
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
