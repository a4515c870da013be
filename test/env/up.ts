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
let stopping = false;
const shutdown = () => {
  if (stopping) return;
  stopping = true;
  console.log("\nstopping…");
  void env.stop().then(() => process.exit(0));
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
setInterval(() => {
  for (const p of env.processes) {
    if (!p.running) {
      console.error(`${p.name} died:\n${p.logTail()}`);
      void env.stop({ keepLogs: true }).then(() => process.exit(1));
    }
  }
}, 2_000);
