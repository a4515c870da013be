// PushSecret to Parameter Store on the real control plane and moto: String by default, SecureString from
// metadata, ESO's encoding of a whole-Secret push (JSON with base64 values, or strings with
// encodeAsDecoded), the managed-by tag, no write when nothing changed, an unmanaged parameter refused.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { DescribeParametersCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import * as k8s from "@kubernetes/client-node";
import { waitUntil } from "../../env/index.ts";
import { ready, startPush, type PushHarness, type PushSecretObject } from "./push-harness.ts";

const CANARY = `canary-${Date.now().toString(36)}-PsSsm`;
const merge = k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch);
let h: PushHarness;
let prefix: string;

const metadata = (spec: Record<string, unknown>) => ({ apiVersion: "kubernetes.external-secrets.io/v1alpha1", kind: "PushSecretMetadata", spec });
function pushSecret(name: string, data: unknown[]) {
  return {
    apiVersion: "external-secrets.io/v1alpha1",
    kind: "PushSecret",
    metadata: { name },
    spec: { secretStoreRefs: [{ name: "ssm", kind: "SecretStore" }], selector: { secret: { name } }, data },
  };
}
const synced = (ps: PushSecretObject) => ready(ps)?.status === "True";

before(async () => {
  h = await startPush("push-ssm");
  prefix = `/${h.namespace}/`;
  await h.apply({
    apiVersion: "external-secrets.io/v1",
    kind: "SecretStore",
    metadata: { name: "ssm" },
    spec: { provider: { aws: { service: "ParameterStore", region: h.env.state.region } } },
  });
});
after(async () => {
  await h?.stop();
});

describe("PushSecret → Parameter Store", () => {
  test("a String parameter by default, tagged managed-by=external-secrets, with ESO's description", async () => {
    await h.putSecret("plain", { v: `${CANARY}-plain` });
    await h.apply(pushSecret("plain", [{ match: { secretKey: "v", remoteRef: { remoteKey: `${prefix}plain` } } }]));
    await h.waitForPushSecret("plain", synced);
    const p = await h.parameter(`${prefix}plain`);
    assert.deepEqual(p, { value: `${CANARY}-plain`, type: "String", tags: { "managed-by": "external-secrets" } });
    const described = await new SSMClient({}).send(new DescribeParametersCommand({ ParameterFilters: [{ Key: "Name", Values: [`${prefix}plain`] }] }));
    assert.equal(described.Parameters?.[0]?.Description, "secret 'managed-by:external-secrets'");
  });

  test("a SecureString parameter from metadata, with the user's tags", async () => {
    await h.putSecret("secure", { v: `${CANARY}-secure` });
    await h.apply(pushSecret("secure", [{ match: { secretKey: "v", remoteRef: { remoteKey: `${prefix}secure` } }, metadata: metadata({ secretType: "SecureString", tags: { team: "payments" } }) }]));
    await h.waitForPushSecret("secure", synced);
    assert.deepEqual(await h.parameter(`${prefix}secure`), { value: `${CANARY}-secure`, type: "SecureString", tags: { "managed-by": "external-secrets", team: "payments" } });
  });

  test("a whole-Secret push is ESO's JSON: base64 values, or strings with encodeAsDecoded", async () => {
    await h.putSecret("whole", { b: `${CANARY}-b`, a: `${CANARY}-a` });
    await h.apply(pushSecret("whole", [
      { match: { remoteRef: { remoteKey: `${prefix}whole` } } },
      { match: { remoteRef: { remoteKey: `${prefix}whole-decoded` } }, metadata: metadata({ encodeAsDecoded: true }) },
    ]));
    await h.waitForPushSecret("whole", synced);
    const b64 = (s: string) => Buffer.from(s).toString("base64");
    assert.equal((await h.parameter(`${prefix}whole`))?.value, `{"a":"${b64(`${CANARY}-a`)}","b":"${b64(`${CANARY}-b`)}"}`);
    assert.equal((await h.parameter(`${prefix}whole-decoded`))?.value, `{"a":"${CANARY}-a","b":"${CANARY}-b"}`);
  });

  test("nothing is written when the parameter already holds the value; a change is pushed", async () => {
    const before = await h.pushSecret("plain");
    h.aws.resetCounts();
    await h.custom.patchNamespacedCustomObject({ group: "external-secrets.io", version: "v1alpha1", namespace: h.namespace, plural: "pushsecrets", name: "plain", body: { metadata: { annotations: { touch: "1" } } } }, merge);
    await h.waitForPushSecret("plain", (ps) => ps.status?.syncedResourceVersion !== before?.status?.syncedResourceVersion);
    assert.deepEqual(h.counts(), { GetParameter: 1, ListTagsForResource: 1 });
    await h.putSecret("plain", { v: `${CANARY}-plain2` });
    await h.waitForPushSecret("plain", synced);
    await waitUntil("the new value", async () => (await h.parameter(`${prefix}plain`))?.value === `${CANARY}-plain2`, { timeoutMs: 10_000 });
  });

  test("a parameter without the managed-by tag is refused and left untouched", async () => {
    await new SSMClient({}).send(new PutParameterCommand({ Name: `${prefix}theirs`, Value: "theirs", Type: "String" }));
    await h.putSecret("theirs", { v: `${CANARY}-theirs` });
    await h.apply(pushSecret("theirs", [{ match: { secretKey: "v", remoteRef: { remoteKey: `${prefix}theirs` } } }]));
    const ps = await h.waitForPushSecret("theirs", (p) => ready(p)?.status === "False");
    assert.match(ready(ps)?.message ?? "", /secret not managed by external-secrets/);
    assert.equal((await h.parameter(`${prefix}theirs`))?.value, "theirs");
  });

  test("no canary value in logs, Events or status", async () => {
    assert.doesNotMatch(await h.observableText(), new RegExp(CANARY));
  });
});
