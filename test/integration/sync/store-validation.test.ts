// Store validation on the real control plane, STS behind the fault proxy: a transient failure (a 503 page
// from a proxy in front of STS) is retried with backoff and never marks the store Ready=False, which would
// fail every ExternalSecret on it until the next validation 5 minutes later; a denied role is a credential
// error and does mark it InvalidProviderConfig.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { faults, waitUntil } from "../../env/index.ts";
import { AwsProvider } from "../../../src/providers/aws/index.ts";
import { startSync, type SyncHarness } from "./sync-harness.ts";

let h: SyncHarness;
let provider: AwsProvider;
let ns: { name: string; delete: () => Promise<void> };

interface StoreObject {
  status?: { conditions?: Array<{ type: string; status: string; reason?: string; message?: string }> };
}

const storeWithRole = (name: string, role: string) => ({
  apiVersion: "external-secrets.io/v1",
  kind: "SecretStore",
  metadata: { name },
  spec: { provider: { aws: { service: "SecretsManager", region: h.env.state.region, role } } },
});

before(async () => {
  provider = new AwsProvider({});
  h = await startSync({ provider });
  ns = await h.env.createNamespace("store-validation");
});

after(async () => {
  await h.stop();
  await ns.delete();
});

async function readyOf(name: string) {
  const store = (await h.custom.getNamespacedCustomObject({ group: "external-secrets.io", version: "v1", namespace: ns.name, plural: "secretstores", name })) as StoreObject;
  return store.status?.conditions?.find((c) => c.type === "Ready");
}

async function storeEvents(name: string): Promise<string[]> {
  const events = await h.core.listNamespacedEvent({ namespace: ns.name, fieldSelector: `involvedObject.name=${name}` });
  return events.items.map((e) => `${e.type} ${e.reason}: ${e.message}`);
}

describe("store validation: transient vs permanent", () => {
  test("STS answering 503 pages is retried with backoff; the store becomes Valid without ever being Ready=False", async () => {
    const role = `arn:aws:iam::${h.aws.accountId}:role/flaky`;
    // 4 failures: the SDK's 3 attempts of the first validation, and one of the retry.
    const stop = h.aws.inject({ match: faults.awsAction("AssumeRole"), fault: { kind: "respond", status: 503, headers: { "content-type": "text/html" }, body: "<html>503</html>" }, times: 4 });
    const seen: string[] = [];
    try {
      await h.apply(storeWithRole("flaky", role), { namespace: ns.name });
      await waitUntil("SecretStore flaky to be Valid", async () => {
        const ready = await readyOf("flaky");
        if (ready) seen.push(`${ready.status}/${ready.reason}`);
        return ready?.status === "True";
      }, { timeoutMs: 60_000, intervalMs: 50 });
    } finally {
      stop();
    }
    assert.ok(!seen.includes("False/InvalidProviderConfig"), `conditions seen: ${seen.join(", ")}`);
    assert.ok(!h.logs.some((l) => /XML parse error|Deserialization error/.test(l)), "the 503 is described, not the parser's complaint");
    assert.equal((await readyOf("flaky"))?.reason, "Valid");
    assert.ok(h.aws.log.filter((e) => e.awsAction === "AssumeRole" && e.status === 503).length === 4, "the faults were served");
    assert.deepEqual((await storeEvents("flaky")).filter((e) => e.startsWith("Warning")), []);
  });

  test("a role STS denies is a credential error: Ready=False / InvalidProviderConfig", async () => {
    const role = `arn:aws:iam::${h.aws.accountId}:role/denied`;
    // STS speaks the query protocol: its errors are XML.
    const body = `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User is not authorized to perform: sts:AssumeRole</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`;
    h.aws.inject({ match: faults.awsAction("AssumeRole"), fault: { kind: "respond", status: 403, headers: { "content-type": "text/xml" }, body } });
    await h.apply(storeWithRole("denied", role), { namespace: ns.name });
    let ready: Awaited<ReturnType<typeof readyOf>>;
    await waitUntil("SecretStore denied to be Ready=False", async () => {
      ready = await readyOf("denied");
      return ready?.status === "False";
    }, { timeoutMs: 30_000 });
    assert.equal(ready!.reason, "InvalidProviderConfig");
    assert.match(ready!.message ?? "", /^unable to validate store: .*AccessDenied/);
  });

  test("deleting a store drops its cached clients and credentials (Provider.forgetStore)", async () => {
    await h.apply({ apiVersion: "external-secrets.io/v1", kind: "SecretStore", metadata: { name: "short-lived" }, spec: { provider: { aws: { service: "SecretsManager", region: h.env.state.region } } } }, { namespace: ns.name });
    await waitUntil("SecretStore short-lived to be Valid", async () => (await readyOf("short-lived"))?.status === "True", { timeoutMs: 30_000 });
    const cached = provider.cachedClients;
    assert.ok(cached >= 1);
    await h.custom.deleteNamespacedCustomObject({ group: "external-secrets.io", version: "v1", namespace: ns.name, plural: "secretstores", name: "short-lived" });
    await waitUntil("the store's client to be dropped", () => provider.cachedClients === cached - 1, { timeoutMs: 30_000 });
  });
});
