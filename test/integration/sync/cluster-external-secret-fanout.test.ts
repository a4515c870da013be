// The AWS-call budget of a ClusterExternalSecret fan-out (ESO KES #382, ESO PR #6241: ESO reads the same
// secret once per namespace). Counted at the fault proxy in front of moto: 20 namespaces fanned out from one
// ClusterExternalSecret cost the reads of one ExternalSecret, for the initial sync and for a refresh cycle;
// with referent credentials (a ClusterSecretStore whose secretRef has no namespace, so each namespace
// authenticates with its own Secret) nothing is shared across credentials.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import * as k8s from "@kubernetes/client-node";
import { waitUntil } from "../../env/index.ts";
import { decode, readyCondition, startSync, type ExternalSecretObject, type SyncHarness } from "./sync-harness.ts";

const COUNT = 20;
const REMOTE_KEY = "fanout/db";
let h: SyncHarness;
const run = randomBytes(3).toString("hex");
const LABEL = `fanout.ferry.dev/run-${run}`;
const namespaces: Array<{ name: string; delete: () => Promise<void> }> = [];
const merge = k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch);
/**
 * Reads of the fanned-out secret, whatever the API. Counted by secret id, not in total: on the shared control
 * plane this file's controller also reconciles ExternalSecrets earlier files left in terminating namespaces
 * (the CI run of 0b78169 counted 3 BatchGetSecretValue, and 4 GetParameters this file never makes).
 */
const reads = () => {
  const counts = h.aws.countsFor([REMOTE_KEY]);
  return (counts.BatchGetSecretValue ?? 0) + (counts.GetSecretValue ?? 0);
};
const readCounts = () => JSON.stringify(h.aws.countsFor([REMOTE_KEY]));

async function labelledNamespaces(n: number, value: string): Promise<string[]> {
  const names: string[] = [];
  for (let i = 0; i < n; i++) {
    const ns = await h.env.createNamespace("fanout");
    namespaces.push(ns);
    await h.core.patchNamespace({ name: ns.name, body: { metadata: { labels: { [LABEL]: value } } } }, merge);
    names.push(ns.name);
  }
  return names;
}

function ces(name: string, store: string, value: string, refreshInterval: string) {
  return {
    apiVersion: "external-secrets.io/v1",
    kind: "ClusterExternalSecret",
    metadata: { name },
    spec: {
      namespaceSelectors: [{ matchLabels: { [LABEL]: value } }],
      externalSecretSpec: {
        secretStoreRef: { name: store, kind: "ClusterSecretStore" },
        refreshInterval,
        data: [{ secretKey: "password", remoteRef: { key: REMOTE_KEY, property: "password" } }],
      },
    },
  };
}

async function externalSecrets(names: string[], esName: string): Promise<ExternalSecretObject[]> {
  return Promise.all(names.map((ns) => h.externalSecret(ns, esName).catch(() => undefined))).then((l) => l.filter((es): es is ExternalSecretObject => es !== undefined));
}

async function waitAllReady(names: string[], esName: string): Promise<void> {
  await waitUntil(`${names.length} fanned-out ExternalSecrets Ready`, async () => {
    const all = await externalSecrets(names, esName);
    return all.length === names.length && all.every((es) => readyCondition(es)?.status === "True");
  }, { timeoutMs: 60_000, intervalMs: 250 });
}

before(async () => {
  h = await startSync();
  await new SecretsManagerClient({}).send(new CreateSecretCommand({ Name: REMOTE_KEY, SecretString: JSON.stringify({ password: "fanout-value" }) }));
});

after(async () => {
  await h.stop();
  await Promise.all(namespaces.map((ns) => ns.delete()));
});

/** The fan-out budget: the reads of one ExternalSecret, with one spare for a window straddled under load. */
const MAX_READS = 2;
/** Refresh cycles measured, each on its own budget. */
const REFRESH_CYCLES = 3;
/** The namespaces the initial-sync test fans out to; the refresh-cycle test measures the same fan-out. */
let sharedNamespaces: string[] = [];

describe("ClusterExternalSecret fan-out AWS budget", () => {
  test(`${COUNT} namespaces from one ClusterExternalSecret: one read at the initial sync`, { timeout: 180_000 }, async () => {
    const store = `fanout-${run}`;
    await h.apply({ apiVersion: "external-secrets.io/v1", kind: "ClusterSecretStore", metadata: { name: store }, spec: { provider: { aws: { service: "SecretsManager", region: h.env.state.region } } } });
    const names = await labelledNamespaces(COUNT, "shared");
    sharedNamespaces = names;
    h.aws.resetCounts();

    await h.apply(ces(`fanout-${run}`, store, "shared", "20s"));
    await waitAllReady(names, `fanout-${run}`);
    const initial = readCounts();
    for (const ns of [names[0]!, names[COUNT - 1]!]) {
      assert.equal(decode(await h.core.readNamespacedSecret({ namespace: ns, name: `fanout-${run}` }), "password"), "fanout-value");
    }
    // Measured: 1 (ESO: 20). The bound allows a second read because on a saturated 2-core machine creating the
    // 20 ExternalSecrets can outlast the sibling-sharing window; per-namespace reads would still cost ~20.
    assert.ok(reads() <= MAX_READS, `initial sync of ${COUNT} namespaces: ${initial}`);
    h.logs.push(`fan-out budget: initial ${initial}`);
  });

  // Siblings are planned into one refresh group (ADR 14): the group refreshes at one time, and its first member's
  // read is the read of all (siblings add no ids to the batch). Before, each sibling's refresh was jittered on
  // its own and they drifted beyond the sharing window: 1 read usually, 3 or 10 in some runs (issue #12).
  test(`${COUNT} namespaces from one ClusterExternalSecret: one read per refresh cycle`, { timeout: 180_000 }, async () => {
    const names = sharedNamespaces;
    assert.equal(names.length, COUNT, "the initial-sync test ran first and fanned out");
    // Consecutive refresh cycles: every ExternalSecret refreshes once per cycle (refreshInterval 20s, jittered).
    let before = new Map((await externalSecrets(names, `fanout-${run}`)).map((es) => [es.metadata.namespace, es.status?.refreshTime]));
    for (let cycle = 1; cycle <= REFRESH_CYCLES; cycle++) {
      h.aws.resetCounts();
      let current: ExternalSecretObject[] = [];
      await waitUntil(`every fanned-out ExternalSecret refreshed once (cycle ${cycle})`, async () => {
        current = await externalSecrets(names, `fanout-${run}`);
        return current.length === COUNT && current.every((es) => es.status?.refreshTime !== before.get(es.metadata.namespace));
      }, { timeoutMs: 90_000, intervalMs: 500 });
      const counts = readCounts();
      h.logs.push(`fan-out budget: cycle ${cycle} ${counts}`);
      assert.ok(reads() <= 1, `refresh cycle ${cycle} of ${COUNT} namespaces: ${counts} (the reads of one ExternalSecret: 1)`);
      before = new Map(current.map((es) => [es.metadata.namespace, es.status?.refreshTime]));
    }
  });

  test("referent credentials (each namespace its own access key): one read per namespace, nothing shared across credentials", { timeout: 180_000 }, async () => {
    // The shared fan-out above refreshes every 20 s: gone first, so its reads are not counted here.
    await h.custom.deleteClusterCustomObject({ group: "external-secrets.io", version: "v1", plural: "clusterexternalsecrets", name: `fanout-${run}` }).catch(() => undefined);
    await waitUntil("the shared fan-out's ExternalSecrets are gone", async () => (await externalSecrets(sharedNamespaces, `fanout-${run}`)).length === 0, { timeoutMs: 120_000, intervalMs: 500 });
    const store = `referent-${run}`;
    await h.apply({
      apiVersion: "external-secrets.io/v1",
      kind: "ClusterSecretStore",
      metadata: { name: store },
      spec: {
        provider: {
          aws: {
            service: "SecretsManager",
            region: h.env.state.region,
            auth: { secretRef: { accessKeyIDSecretRef: { name: "aws-creds", key: "id" }, secretAccessKeySecretRef: { name: "aws-creds", key: "secret" } } },
          },
        },
      },
    });
    const names = await labelledNamespaces(3, "referent");
    for (const [i, ns] of names.entries()) {
      await h.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: "aws-creds" }, stringData: { id: `AKIDREFERENT${i}`, secret: `referent-secret-${i}` } } });
    }
    h.aws.resetCounts();
    await h.apply(ces(`referent-${run}`, store, "referent", "1h"));
    await waitAllReady(names, `referent-${run}`);
    assert.equal(reads(), names.length, `referent credentials: ${readCounts()}`);
  });
});
