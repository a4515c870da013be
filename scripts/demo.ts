// `npm run demo`: Ferry's three jobs on a local control plane, in one run. Starts etcd, kube-apiserver,
// kube-controller-manager (built from Go modules) and moto, seeds example secrets in AWS, then shows
//   sync          — ESO's manifests, unchanged, become Secrets (`ferry controller`),
//   mount         — ASCP's SecretProviderClass parameters become files (`ferry csi-provider`, gRPC as the driver calls it),
//   write-through — a labelled Secret applied with kubectl lands in Secrets Manager (`ferry webhook`),
// printing names and keys, never values. It leaves everything running and prints the exports and commands to
// try; Ctrl-C cleans up. `npm run demo -- --once` exits after the three paths (test/integration/demo runs it).
import { execFileSync } from "node:child_process";
import * as k8s from "@kubernetes/client-node";
import { startEnvironment } from "../test/env/environment.ts";
import type { DemoContext } from "./demo/context.ts";
import { mountPath } from "./demo/mount-path.ts";
import { detail, section } from "./demo/output.ts";
import { stopAll } from "./demo/processes.ts";
import { seedAws, syncPath } from "./demo/sync-path.ts";
import { writeThroughPath } from "./demo/write-through-path.ts";

const once = process.argv.includes("--once");
const env = await startEnvironment();
const { state } = env;
const awsEnv = { AWS_ENDPOINT_URL: state.motoUrl, AWS_REGION: state.region, AWS_ACCESS_KEY_ID: "demo", AWS_SECRET_ACCESS_KEY: "demo" };
Object.assign(process.env, awsEnv);
delete process.env.AWS_SESSION_TOKEN;
delete process.env.AWS_PROFILE;

const kc = new k8s.KubeConfig();
kc.loadFromFile(state.kubeconfig);
const ctx: DemoContext = {
  env,
  kc,
  core: kc.makeApiClient(k8s.CoreV1Api),
  objects: k8s.KubernetesObjectApi.makeApiClient(kc),
  custom: kc.makeApiClient(k8s.CustomObjectsApi),
  awsEnv,
  processes: [],
  kubectl: (args, stdin) => {
    try {
      return execFileSync("kubectl", [...args], { env: { ...process.env, KUBECONFIG: state.kubeconfig }, encoding: "utf8", input: stdin ?? "", stdio: ["pipe", "pipe", "pipe"] });
    } catch (err) {
      const e = err as { code?: string; stderr?: string; message: string };
      if (e.code === "ENOENT") throw new Error("kubectl is not on PATH: install it to run the demo", { cause: err });
      throw new Error(`kubectl ${args.join(" ")}: ${e.stderr?.trim() || e.message}`, { cause: err });
    }
  },
};

const cleanup = async (code: number) => {
  await stopAll(ctx.processes);
  await env.stop();
  process.exit(code);
};
process.once("SIGINT", () => void cleanup(0));
process.once("SIGTERM", () => void cleanup(0));

try {
  section("AWS (moto): example secrets", "Seeded in the AWS emulator the way a team's secrets already live in Secrets Manager and Parameter Store.");
  await seedAws();
  await syncPath(ctx);
  await mountPath(ctx);
  await writeThroughPath(ctx);

  if (once) await cleanup(0);
  section("Running. Try it in another shell:", "The control plane, moto and the three Ferry processes keep running until Ctrl-C.");
  detail(`export KUBECONFIG=${state.kubeconfig}`);
  detail(`export AWS_ENDPOINT_URL=${state.motoUrl} AWS_REGION=${state.region} AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo`);
  detail("aws secretsmanager put-secret-value --secret-id app-secret --secret-string '{\"API_KEY\":\"rotated\"}'");
  detail("kubectl annotate es -n demo app-secret external-secrets.io/force-sync=$(date +%s) --overwrite");
  detail("kubectl get es -n demo app-secret   # Ready, SecretSynced; the Secret follows the new value");
  detail("kubectl create secret generic api -n team-a --from-literal=token=t0k3n --dry-run=client -o yaml | kubectl label --local -f - ferry.dev/write-through=aws -o yaml | kubectl apply -f -");
  detail("aws secretsmanager list-secrets --query 'SecretList[].Name'");
  detail("npm run ferry -- status -A   # every ExternalSecret's state, as `ferry status` reports it");
  console.log("Ctrl-C to stop and clean up.");
} catch (err) {
  console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
  for (const p of ctx.processes) console.error(`--- ${p.logFile} (last lines) ---\n${p.log().split("\n").slice(-8).join("\n")}`);
  await cleanup(1);
}
