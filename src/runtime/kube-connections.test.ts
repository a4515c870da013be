import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as k8s from "@kubernetes/client-node";
import { shareKubeConnections } from "./kube-connections.ts";

function kubeConfig(certData: string): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: "c", server: "https://127.0.0.1:6443", caData: Buffer.from("ca").toString("base64") }],
    users: [{ name: "u", certData: Buffer.from(certData).toString("base64"), keyData: Buffer.from("key").toString("base64") }],
    contexts: [{ name: "x", cluster: "c", user: "u" }],
    currentContext: "x",
  });
  return kc;
}

async function dispatcherOf(kc: k8s.KubeConfig): Promise<unknown> {
  const ctx = new k8s.RequestContext("https://127.0.0.1:6443/api/v1/secrets", k8s.HttpMethod.GET);
  await kc.applySecurityAuthentication(ctx);
  return ctx.getDispatcher();
}

describe("shareKubeConnections", () => {
  test("client-node alone builds a new connection pool per request (the reason this exists)", async () => {
    const kc = kubeConfig("cert");
    const a = await dispatcherOf(kc);
    assert.ok(a);
    assert.notEqual(await dispatcherOf(kc), a);
  });

  test("100 requests share one connection pool", async () => {
    const kc = shareKubeConnections(kubeConfig("cert"));
    const seen = new Set<unknown>();
    for (let i = 0; i < 100; i++) seen.add(await dispatcherOf(kc));
    assert.equal(seen.size, 1);
    assert.ok([...seen][0]);
  });

  test("changed TLS material (a rotated client certificate) gets a new pool and closes the old one", async () => {
    const kc = shareKubeConnections(kubeConfig("cert-1"));
    const first = (await dispatcherOf(kc)) as { closed?: boolean; destroyed?: boolean };
    kc.users[0] = { ...kc.users[0]!, certData: Buffer.from("cert-2").toString("base64") };
    const second = await dispatcherOf(kc);
    assert.notEqual(second, first);
    assert.equal(await dispatcherOf(kc), second);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(first.closed, true);
  });

  test("applying it twice wraps once", async () => {
    const kc = shareKubeConnections(shareKubeConnections(kubeConfig("cert")));
    assert.equal(await dispatcherOf(kc), await dispatcherOf(kc));
  });
});
