// `npm run e2e:up`: builds (or reuses) everything, starts the real node in its namespaces, prints how to
// reach it, and tears it down on Ctrl-C (checking that the machine is left as it was found).
import { ensureNodeBinaries, missingPrerequisites } from "./binaries.ts";
import { startNodeCluster } from "./cluster.ts";
import { buildImages } from "./image.ts";

const missing = missingPrerequisites();
if (missing.length > 0) {
  console.error(`cannot run a node here; missing: ${missing.join("; ")}`);
  process.exit(1);
}
const binaries = await ensureNodeBinaries();
const images = await buildImages(binaries.csiBinDir);
const cluster = await startNodeCluster(binaries, [images.pause, images.busybox, images.ferry, ...images.csi]);
if (process.argv.includes("--csi")) await cluster.startCsiDriver({ rotationPollInterval: "10s" });
console.log(`export KUBECONFIG=${cluster.kubeconfig}\nexport AWS_ENDPOINT_URL=${cluster.motoUrl}\n# kubectl: ${binaries.kubectl}\n# state: ${cluster.stateDir}`);
const stop = async () => {
  const { leftovers } = await cluster.stop({ keepState: process.argv.includes("--keep") });
  if (leftovers.length) console.error(`left behind: ${leftovers.join(", ")}`);
  process.exit(0);
};
process.once("SIGINT", () => void stop());
process.once("SIGTERM", () => void stop());
if (process.argv.includes("--once")) await stop();
