// Ferry as users run it: its image on a real node (kubelet, containerd, kube-proxy, the CNI bridge, in
// namespaces the harness creates), installed with `helm install` of deploy/chart/ferry, consumed by pods,
// with the real Secrets Store CSI driver calling the provider and moto as AWS. See test/env/node/.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { cgroupsNamed, hostState, processesMentioning } from "../env/node/host-state.ts";
import { BUSYBOX_IMAGE, RELEASE, RELEASE_NAMESPACE, chartDir, eventually, sha256, skipReason, startE2e, type E2e } from "./e2e-harness.ts";

const skip = skipReason();

interface Pod {
  metadata: { name: string; deletionTimestamp?: string };
  status?: { phase?: string; conditions?: Array<{ type: string; status: string }> };
}
interface List<T> {
  items: T[];
}
const ready = (p: Pod) => !p.metadata.deletionTimestamp && (p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false);

// The seed documents' flow (shared/seeds/001): a SecretStore with access keys, an ExternalSecret extracting
// DB-CREDENTIALS, and a Deployment reading DB_PASSWORD from the synced Secret. Only the Deployment's image
// and command differ (nothing can be pulled here, so busybox stands in for nginx).
const SEED_NAMESPACE = "external-secrets";
const seedManifests = `
apiVersion: v1
kind: Namespace
metadata:
  name: ${SEED_NAMESPACE}
---
apiVersion: v1
kind: Secret
metadata:
  name: aws-secret-user-secret
  namespace: ${SEED_NAMESPACE}
stringData:
  access-key: AKIAE2ETESTKEY
  secret-access-key: e2e-secret-access-key
---
apiVersion: external-secrets.io/v1beta1
kind: SecretStore
metadata:
  name: aws-secretsmanager
  namespace: ${SEED_NAMESPACE}
spec:
  provider:
    aws:
      service: SecretsManager
      region: us-east-1
      auth:
        secretRef:
          accessKeyIDSecretRef:
            name: aws-secret-user-secret
            key: access-key
          secretAccessKeySecretRef:
            name: aws-secret-user-secret
            key: secret-access-key
---
apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata:
  name: my-external-secrets
  namespace: ${SEED_NAMESPACE}
spec:
  refreshInterval: 10m
  secretStoreRef:
    name: aws-secretsmanager
    kind: SecretStore
  target:
    name: my-kubeops-db-secret
    creationPolicy: Owner
  dataFrom:
    - extract:
        key: DB-CREDENTIALS
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx-deployment
  namespace: ${SEED_NAMESPACE}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
        - name: nginx
          image: ${BUSYBOX_IMAGE}
          imagePullPolicy: Never
          command: ["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1; done"]
          env:
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: my-kubeops-db-secret
                  key: db-pass
`;

// An ASCP-style SecretProviderClass (objects with jmesPath, no nodePublishSecretRef) with secretObjects, and
// a pod with an inline CSI volume whose service account is IRSA-annotated (STS is moto's).
const CSI_NAMESPACE = "csi-app";
const csiManifests = (provider: string) => `
apiVersion: v1
kind: Namespace
metadata:
  name: ${CSI_NAMESPACE}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: app
  namespace: ${CSI_NAMESPACE}
  annotations:
    eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/e2e-app
---
apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata:
  name: app-db
  namespace: ${CSI_NAMESPACE}
spec:
  provider: ${provider}
  parameters:
    region: us-east-1
    objects: |
      - objectName: "e2e/app-db"
        objectType: "secretsmanager"
        jmesPath:
          - path: password
            objectAlias: db-password
  secretObjects:
    - secretName: app-db-synced
      type: Opaque
      data:
        - objectName: db-password
          key: password
---
apiVersion: v1
kind: Pod
metadata:
  name: csi-consumer
  namespace: ${CSI_NAMESPACE}
spec:
  serviceAccountName: app
  terminationGracePeriodSeconds: 1
  containers:
    - name: app
      image: ${BUSYBOX_IMAGE}
      imagePullPolicy: Never
      command: ["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1; done"]
      volumeMounts:
        - name: secrets
          mountPath: /mnt/secrets
          readOnly: true
  volumes:
    - name: secrets
      csi:
        driver: secrets-store.csi.k8s.io
        readOnly: true
        volumeAttributes:
          secretProviderClass: app-db
`;

describe("real node: Ferry's image, Helm chart, CSI driver and consuming pods", { skip, concurrency: false }, () => {
  let e2e: E2e;
  let stopped = false;
  // Later tests need the release; without it they fail at once instead of each waiting for its timeout.
  let installed = false;
  const requireInstall = () => assert.ok(installed, "helm install failed (see the first test)");

  before(async () => {
    e2e = await startE2e();
    await e2e.cluster.startCsiDriver({ rotationPollInterval: "5s" });
  }, { timeout: 60 * 60_000 });

  after(async () => {
    if (e2e && !stopped) await e2e.cluster.stop({ keepState: process.env.FERRY_E2E_KEEP === "1" });
  });

  const podHash = async (namespace: string, target: string, script: string) =>
    (await e2e.kubectl(["exec", "-n", namespace, target, "--", "sh", "-c", `${script} | sha256sum`])).split(/\s/)[0];

  test("helm install: 2 controller replicas with a leader, the webhook with its certificate, the CSI provider DaemonSet", async () => {
    try {
      await e2e.helm(["install", RELEASE, chartDir, ...e2e.installArgs()]);
    } catch (err) {
      // Say why: which pods are not Ready, and what the failing ones last printed.
      const pods = await e2e.kubectl(["get", "pods", "-n", RELEASE_NAMESPACE, "-o", "wide"]).catch((e: Error) => e.message);
      const logs = await e2e.kubectl(["logs", "-n", RELEASE_NAMESPACE, "-l", `app.kubernetes.io/instance=${RELEASE}`, "--tail=5", "--prefix"]).catch((e: Error) => e.message);
      throw new Error(`${(err as Error).message}\n${pods}\n${logs}`, { cause: err });
    }
    // `helm install --wait` does not wait for a one-node DaemonSet: Helm counts it ready once NumberReady reaches
    // desired − maxUnavailable, which is 0 with the default maxUnavailable 1. So wait for the provider pod here.
    let pods = await e2e.json<List<Pod>>(["get", "pods", "-n", RELEASE_NAMESPACE]);
    const byComponent = (c: string) => pods.items.filter((p) => p.metadata.name.startsWith(`${RELEASE}-${c}-`));
    await eventually("the CSI provider DaemonSet pod Ready", async () => {
      pods = await e2e.json<List<Pod>>(["get", "pods", "-n", RELEASE_NAMESPACE]);
      return byComponent("csi-provider").some(ready);
    }).catch(() => undefined); // the assertions below say what is missing
    const podTable = byComponent("csi-provider").some(ready) ? "" : `\n${await e2e.kubectl(["get", "pods", "-n", RELEASE_NAMESPACE, "-o", "wide"]).catch((e: Error) => e.message)}\n${await e2e.kubectl(["describe", "pods", "-n", RELEASE_NAMESPACE, "-l", "app.kubernetes.io/component=csi-provider"]).catch((e: Error) => e.message)}`;
    assert.equal(byComponent("controller").filter(ready).length, 2, "2 controller replicas Ready");
    assert.ok(byComponent("webhook").filter(ready).length >= 1, "webhook Ready");
    assert.equal(byComponent("csi-provider").filter(ready).length, 1, `CSI provider DaemonSet pod Ready on the node${podTable}`);
    const holder = await eventually("a controller leader", async () => {
      const lease = await e2e.json<{ spec: { holderIdentity?: string } }>(["get", "lease", "-n", RELEASE_NAMESPACE, `${RELEASE}-controller`]);
      return lease.spec.holderIdentity;
    });
    assert.ok(byComponent("controller").some((p) => holder.startsWith(p.metadata.name)), `leader ${holder} is one of the replicas`);
    const webhook = await e2e.json<{ webhooks: Array<{ clientConfig: { caBundle?: string; service?: { name: string } } }> }>(["get", "mutatingwebhookconfiguration", `${RELEASE}-write-through`]);
    assert.ok(webhook.webhooks[0]?.clientConfig.caBundle, "caBundle set");
    assert.ok(webhook.webhooks[0]?.clientConfig.service, "called through its Service");
    installed = true;
  });

  test("seed flow: SecretStore + ExternalSecret sync, and the Deployment's pod sees DB_PASSWORD", async () => {
    requireInstall();
    const password = `db-pass-${Date.now()}`;
    await e2e.createSecret("DB-CREDENTIALS", JSON.stringify({ "db-user": "app", "db-pass": password }));
    await e2e.apply(seedManifests);
    await e2e.kubectl(["rollout", "status", "-n", SEED_NAMESPACE, "deployment/nginx-deployment", "--timeout=180s"]);
    const status = await e2e.json<{ status: { conditions?: Array<{ type: string; status: string }> } }>(["get", "externalsecret", "-n", SEED_NAMESPACE, "my-external-secrets"]);
    assert.ok(status.status.conditions?.some((c) => c.type === "Ready" && c.status === "True"), "ExternalSecret Ready");
    // The value never leaves the pod: compare hashes.
    assert.equal(await podHash(SEED_NAMESPACE, "deployment/nginx-deployment", 'printf %s "$DB_PASSWORD"'), sha256(password));
  });

  test("rotation in AWS reaches the running Deployment after a rollout", async () => {
    requireInstall();
    const rotated = `db-pass-rotated-${Date.now()}`;
    await e2e.putSecret("DB-CREDENTIALS", JSON.stringify({ "db-user": "app", "db-pass": rotated }));
    await e2e.kubectl(["annotate", "--overwrite", "-n", SEED_NAMESPACE, "externalsecret/my-external-secrets", `external-secrets.io/force-sync=${Date.now()}`]);
    await eventually("the synced Secret to hold the rotated value", async () => {
      const secret = await e2e.json<{ data: Record<string, string> }>(["get", "secret", "-n", SEED_NAMESPACE, "my-kubeops-db-secret"]);
      return sha256(Buffer.from(secret.data["db-pass"] ?? "", "base64").toString()) === sha256(rotated);
    });
    await e2e.kubectl(["rollout", "restart", "-n", SEED_NAMESPACE, "deployment/nginx-deployment"]);
    await e2e.kubectl(["rollout", "status", "-n", SEED_NAMESPACE, "deployment/nginx-deployment", "--timeout=180s"]);
    assert.equal(await podHash(SEED_NAMESPACE, "deployment/nginx-deployment", 'printf %s "$DB_PASSWORD"'), sha256(rotated));
  });

  test("CSI: an inline volume with an ASCP-style SecretProviderClass gets its files, secretObjects syncs a Secret, rotation reaches the file", async () => {
    requireInstall();
    const password = `csi-pass-${Date.now()}`;
    await e2e.createSecret("e2e/app-db", JSON.stringify({ username: "app", password }));
    await e2e.apply(csiManifests("ferry"));
    await e2e.kubectl(["wait", "-n", CSI_NAMESPACE, "pod/csi-consumer", "--for=condition=Ready", "--timeout=120s"]);
    const files = (await e2e.kubectl(["exec", "-n", CSI_NAMESPACE, "csi-consumer", "--", "ls", "/mnt/secrets"])).split(/\s+/).filter(Boolean).sort();
    assert.deepEqual(files, ["db-password", "e2e_app-db"]);
    assert.equal(await podHash(CSI_NAMESPACE, "csi-consumer", "cat /mnt/secrets/db-password"), sha256(password));
    const synced = async () => {
      const secret = await e2e.json<{ data: Record<string, string> }>(["get", "secret", "-n", CSI_NAMESPACE, "app-db-synced"]);
      return sha256(Buffer.from(secret.data.password ?? "", "base64").toString());
    };
    assert.equal(await eventually("secretObjects to sync app-db-synced", synced), sha256(password));

    const rotated = `csi-pass-rotated-${Date.now()}`;
    await e2e.putSecret("e2e/app-db", JSON.stringify({ username: "app", password: rotated }));
    await eventually("the driver's rotation to update the mounted file", async () => (await podHash(CSI_NAMESPACE, "csi-consumer", "cat /mnt/secrets/db-password")) === sha256(rotated));
    await eventually("the synced Secret to follow the rotation", async () => (await synced()) === sha256(rotated));
  });

  test("write-through: a Secret created through the webhook Service lands in AWS and etcd keeps no value", async () => {
    requireInstall();
    const value = `wt-${Date.now()}`;
    // failurePolicy is Fail: while the webhook is not answering (a replica restarting on a starved machine) the
    // apiserver refuses the Secret, and a client retries, as this does.
    await eventually("the webhook to admit the Secret", async () => (await e2e.apply(`
apiVersion: v1
kind: Secret
metadata:
  name: written-through
  namespace: ${SEED_NAMESPACE}
  labels:
    ferry.dev/write-through: aws-secretsmanager
stringData:
  token: ${value}
`), true), 90_000);
    const secret = await e2e.json<{ data?: Record<string, string>; metadata: { annotations?: Record<string, string> } }>(["get", "secret", "-n", SEED_NAMESPACE, "written-through"]);
    const arn = secret.metadata.annotations?.["ferry.dev/write-through-arn"];
    assert.ok(arn, "the webhook recorded the AWS secret's ARN");
    assert.equal(Buffer.from(secret.data?.token ?? "", "base64").toString(), "", "etcd keeps the key, not the value");
    const stored = JSON.parse(await e2e.getSecret(arn)) as { token?: string };
    assert.equal(sha256(stored.token ?? ""), sha256(value));
  });

  test("helm upgrade keeps everything working; helm uninstall leaves no webhook configuration and no stuck finalizers", async () => {
    requireInstall();
    await e2e.helm(["upgrade", RELEASE, chartDir, ...e2e.installArgs(), "--set", "controller.concurrency=4"]);
    const pods = await e2e.json<List<Pod>>(["get", "pods", "-n", RELEASE_NAMESPACE]);
    assert.ok(pods.items.filter(ready).length >= 4, "components Ready after the upgrade");
    const seeded = await e2e.json<{ data: Record<string, string> }>(["get", "secret", "-n", SEED_NAMESPACE, "my-kubeops-db-secret"]);
    assert.ok(seeded.data["db-pass"], "the synced Secret survives the upgrade");

    // Users delete what Ferry manages before uninstalling it (docs/install.md), so finalizers are released.
    await e2e.kubectl(["delete", "secret", "-n", SEED_NAMESPACE, "written-through", "--timeout=60s"]);
    await e2e.kubectl(["delete", "pod", "-n", CSI_NAMESPACE, "csi-consumer", "--timeout=60s"]);
    await e2e.helm(["uninstall", RELEASE, "--namespace", RELEASE_NAMESPACE, "--wait", "--timeout", "120s"]);

    const webhooks = await e2e.json<List<{ metadata: { name: string } }>>(["get", "mutatingwebhookconfigurations,validatingwebhookconfigurations"]);
    assert.deepEqual(webhooks.items.map((w) => w.metadata.name).filter((n) => n.includes(RELEASE)), [], "no orphan webhook configuration");
    const labelled = await e2e.json<List<{ kind: string; metadata: { name: string; annotations?: Record<string, string> } }>>([
      "get", "deployments,daemonsets,services,serviceaccounts,configmaps,secrets,roles,rolebindings,clusterroles,clusterrolebindings,poddisruptionbudgets",
      "-A", "-l", `app.kubernetes.io/instance=${RELEASE}`,
    ]);
    const kept = (o: { metadata: { annotations?: Record<string, string> } }) => o.metadata.annotations?.["helm.sh/resource-policy"] === "keep";
    assert.deepEqual(labelled.items.filter((o) => !kept(o)).map((o) => `${o.kind}/${o.metadata.name}`), [], "nothing of the release left (except resources the chart keeps on purpose)");

    // Nothing Ferry put on users' objects holds them: their namespaces delete completely.
    for (const ns of [SEED_NAMESPACE, CSI_NAMESPACE, RELEASE_NAMESPACE]) await e2e.kubectl(["delete", "namespace", ns, "--wait=false"]);
    await eventually("the namespaces to be deleted", async () => {
      const namespaces = await e2e.json<List<{ metadata: { name: string } }>>(["get", "namespaces"]);
      return !namespaces.items.some((n) => [SEED_NAMESPACE, CSI_NAMESPACE, RELEASE_NAMESPACE].includes(n.metadata.name));
    }, 120_000);
  });

  test("teardown leaves the machine as it found it", async () => {
    const { stateDir, cgroupRoot } = e2e.cluster;
    stopped = true;
    const { leftovers } = await e2e.cluster.stop();
    assert.deepEqual(leftovers, [], "cgroups removed");
    const after = await hostState();
    assert.deepEqual(after, e2e.before);
    assert.deepEqual(processesMentioning(stateDir), [], "no process of the node left");
    assert.deepEqual(cgroupsNamed(cgroupRoot), [], "no cgroup of the node left");
  });
});
