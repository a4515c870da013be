import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Agent, request as httpsRequest } from "node:https";
import { Writable } from "node:stream";
import { createLogger } from "../logger.ts";
import type { AdmissionRequest } from "./admission-review.ts";
import { testCertificateAuthority, type TestCertificate } from "./test-certificates.ts";
import { timeoutOf, WebhookServer, type AdmissionContext, type AdmissionHandler, type ReviewEvent } from "./webhook-server.ts";

const CANARY = "canary-Zq8Lr2";

/** The apiserver's webhook client identity in these tests (set in before()). */
let apiserverIdentity: { cert: string; key: string } | undefined;

function post(
  server: WebhookServer,
  ca: string,
  path: string,
  body: string,
  headers: Record<string, string> = { "content-type": "application/json" },
  /** null: present no certificate. */
  identity: { cert: string; key: string } | null | undefined = apiserverIdentity,
) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = httpsRequest(`${server.url}${path}`, { method: "POST", ca, headers, ...(identity ?? {}), agent: false }, (res) => {
      let text = "";
      res.on("data", (c: Buffer) => (text += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const reviewBody = (operation = "CREATE", object: unknown = { data: { password: Buffer.from(CANARY).toString("base64") } }) =>
  JSON.stringify({
    apiVersion: "admission.k8s.io/v1",
    kind: "AdmissionReview",
    request: {
      uid: "uid-1",
      kind: { group: "", version: "v1", kind: "Secret" },
      resource: { group: "", version: "v1", resource: "secrets" },
      namespace: "team-a",
      name: "db",
      operation,
      userInfo: {},
      object,
    },
  });

describe("WebhookServer", () => {
  let cert: TestCertificate;
  let server: WebhookServer;
  const logs: string[] = [];
  const events: ReviewEvent[] = [];
  const seen: Array<{ request: AdmissionRequest; context: AdmissionContext }> = [];
  let behaviour: "patch" | "deny" | "throw" | "slow" = "patch";

  const handler: AdmissionHandler = async (request, context) => {
    seen.push({ request, context });
    if (behaviour === "throw") throw new Error(`bug while handling ${CANARY}`);
    if (behaviour === "deny") return { allowed: false, code: 403, reason: "Forbidden", message: "refused for a reason" };
    if (behaviour === "slow") {
      await new Promise((resolve) => context.signal.addEventListener("abort", resolve, { once: true }));
      return { allowed: false, code: 504, reason: "Timeout", message: "gave up in time" };
    }
    return { allowed: true, patch: [{ op: "add", path: "/data", value: {} }], warnings: ["values moved"] };
  };

  let stranger: { cert: string; key: string };
  let otherComponent: { cert: string; key: string };

  before(async () => {
    const authority = await testCertificateAuthority();
    cert = await authority.issue("server");
    apiserverIdentity = await authority.issueClient("kube-apiserver-admission-client");
    // Signed by the same CA but another component's (a kubelet's, say): the CA alone must not be enough.
    otherComponent = await authority.issueClient("system:node:worker-1");
    stranger = await (await testCertificateAuthority()).issueClient("kube-apiserver-admission-client");
    const destination = new Writable({ write(chunk: Buffer, _e, done) { logs.push(chunk.toString()); done(); } });
    server = new WebhookServer({
      address: "127.0.0.1:0",
      certFile: cert.certFile,
      keyFile: cert.keyFile,
      handlers: { "/mutate": handler },
      clientAuth: { mode: "certificate", caFile: authority.caFile, allowedNames: ["kube-apiserver-admission-client"] },
      logger: createLogger({ level: "debug", destination }),
      onReview: (e) => events.push(e),
      maxBodyBytes: 64 * 1024,
      timeoutMarginMs: 200,
    });
    await server.start();
  });
  after(async () => {
    await server.stop();
  });

  test("answers an AdmissionReview with the handler's decision, echoing the uid", async () => {
    behaviour = "patch";
    const res = await post(server, cert.ca, "/mutate?timeout=10s", reviewBody());
    assert.equal(res.status, 200);
    const review = JSON.parse(res.body) as { response: { uid: string; allowed: boolean; patchType: string; patch: string; warnings: string[] } };
    assert.equal(review.response.uid, "uid-1");
    assert.equal(review.response.allowed, true);
    assert.equal(review.response.patchType, "JSONPatch");
    assert.deepEqual(JSON.parse(Buffer.from(review.response.patch, "base64").toString()), [{ op: "add", path: "/data", value: {} }]);
    assert.deepEqual(review.response.warnings, ["values moved"]);
    const last = seen.at(-1)!;
    assert.equal(last.request.namespace, "team-a");
    const budget = last.context.deadline - Date.now();
    assert.ok(budget > 9_000 && budget <= 9_800, `deadline from ?timeout=10s minus the margin, got ${budget}`);
    assert.deepEqual({ ...events.at(-1), durationMs: 0 }, {
      path: "/mutate", uid: "uid-1", operation: "CREATE", kind: "Secret", namespace: "team-a", name: "db", dryRun: false, allowed: true, patched: true, code: undefined, durationMs: 0,
      certificate: server.certificate.fingerprint,
    });
  });

  test("a denial carries code, reason and message in the Status", async () => {
    behaviour = "deny";
    const review = JSON.parse((await post(server, cert.ca, "/mutate", reviewBody())).body) as { response: { allowed: boolean; status: unknown } };
    assert.deepEqual(review.response, { uid: "uid-1", allowed: false, status: { code: 403, reason: "Forbidden", message: "refused for a reason" } });
  });

  test("a handler that throws is a generic denial; the error is logged, not sent", async () => {
    behaviour = "throw";
    const review = JSON.parse((await post(server, cert.ca, "/mutate", reviewBody())).body) as { response: { allowed: boolean; status: { code: number; message: string } } };
    assert.equal(review.response.allowed, false);
    assert.equal(review.response.status.code, 500);
    assert.doesNotMatch(review.response.status.message, /canary/);
  });

  test("the handler's signal aborts before the apiserver's timeout", async () => {
    behaviour = "slow";
    const started = Date.now();
    const review = JSON.parse((await post(server, cert.ca, "/mutate?timeout=1s", reviewBody())).body) as { response: { status: { message: string } } };
    const elapsed = Date.now() - started;
    assert.equal(review.response.status.message, "gave up in time");
    // The deadline is the apiserver's second less the 200 ms margin kept to answer. Checked by the reason the
    // handler's signal carries, not by the wall clock: on a loaded machine the answer itself can take longer.
    const { signal } = seen.at(-1)!.context;
    assert.equal((signal.reason as Error).message, "admission deadline of 800 ms passed");
    assert.ok(elapsed >= 800, `the handler was not stopped before its deadline (${elapsed} ms)`);
  });

  test("refuses what is not an AdmissionReview to a known path", async () => {
    const before = server.reviews;
    const cases: Array<{ path: string; body: string; headers?: Record<string, string>; status: number }> = [
      { path: "/other", body: reviewBody(), status: 404 },
      { path: "/mutate", body: reviewBody(), headers: { "content-type": "text/plain" }, status: 415 },
      { path: "/mutate", body: "{not json", status: 400 },
      { path: "/mutate", body: JSON.stringify({ apiVersion: "admission.k8s.io/v1beta1", kind: "AdmissionReview", request: {} }), status: 400 },
      { path: "/mutate", body: reviewBody("CREATE", { data: { big: "x".repeat(70 * 1024) } }), status: 413 },
    ];
    for (const c of cases) {
      const res = await post(server, cert.ca, c.path, c.body, c.headers).catch(() => ({ status: 413, body: "" }));
      assert.equal(res.status, c.status, `${c.path} ${c.body.slice(0, 20)}`);
    }
    assert.equal(server.reviews, before, "malformed requests are not counted as reviews");
  });

  test("only the apiserver's client certificate reaches a handler: a forged review is refused unread", async () => {
    behaviour = "patch";
    const [handled, reviews, refused] = [seen.length, server.reviews, server.refusedCallers];
    // The exact bytes an attacker's pod would send: a well-formed UPDATE for another team's Secret.
    const forged = reviewBody("UPDATE");
    const cases: Array<{ who: string; identity: { cert: string; key: string } | null; status: number; message: RegExp }> = [
      { who: "no certificate", identity: null, status: 401, message: /no client certificate/ },
      { who: "another CA", identity: stranger, status: 401, message: /not signed by the configured client CA/ },
      { who: "the same CA, another name", identity: otherComponent, status: 403, message: /CN "system:node:worker-1" is not an allowed caller/ },
    ];
    for (const c of cases) {
      const res = await post(server, cert.ca, "/mutate?timeout=10s", forged, undefined, c.identity);
      assert.equal(res.status, c.status, c.who);
      assert.match(res.body, c.message, c.who);
    }
    assert.equal(seen.length, handled, "no handler ran");
    assert.equal(server.reviews, reviews, "nothing answered as a review");
    assert.equal(server.refusedCallers, refused + cases.length);
    // The apiserver's identity still gets through.
    assert.equal((await post(server, cert.ca, "/mutate", forged)).status, 200);
    assert.equal(seen.length, handled + 1);
  });

  test("GET /healthz answers on the TLS port", async () => {
    const res = await fetch(`${server.url}/healthz`).catch(() => undefined);
    // fetch does not trust the test CA; reaching TLS at all is what matters here.
    assert.equal(res, undefined);
    const ok = await new Promise<number>((resolve, reject) => {
      httpsRequest(`${server.url}/healthz`, { ca: cert.ca }, (r) => { r.resume(); resolve(r.statusCode ?? 0); }).on("error", reject).end();
    });
    assert.equal(ok, 200);
  });

  test("object contents never reach the logs", () => {
    const text = logs.join("");
    assert.match(text, /admission review answered/);
    assert.match(text, /"admission handler failed"/);
    assert.match(text, /"at":"[^"]*webhook-server.test.ts:\d+/, "a failure says where it was thrown");
    assert.doesNotMatch(text, new RegExp(CANARY));
    assert.doesNotMatch(text, new RegExp(Buffer.from(CANARY).toString("base64")));
  });
});

describe("timeoutOf", () => {
  test("reads the apiserver's Go durations", () => {
    const cases: Array<[string | null, number]> = [[null, 7], ["10s", 10_000], ["1m30s", 90_000], ["500ms", 500], ["bogus", 7], ["0s", 7]];
    for (const [value, ms] of cases) assert.equal(timeoutOf(value, 7), ms, String(value));
  });
});

describe("WebhookServer shutdown", () => {
  test("drain: /readyz fails, reviews are still answered and close their connection; stop cuts what hangs past its timeout", async () => {
    const authority = await testCertificateAuthority();
    const cert = await authority.issue("drain");
    let hang = false;
    const server = new WebhookServer({
      address: "127.0.0.1:0",
      certFile: cert.certFile,
      keyFile: cert.keyFile,
      clientAuth: { mode: "none" },
      handlers: {
        "/mutate": async () => {
          // A handler that ignores its signal: only stop()'s timeout can end it.
          if (hang) await new Promise((resolve) => setTimeout(resolve, 60_000).unref());
          return { allowed: true };
        },
      },
    });
    await server.start();
    const get = (path: string) =>
      new Promise<number>((resolve, reject) => {
        httpsRequest(`${server.url}${path}`, { ca: cert.ca, agent: false }, (r) => { r.resume(); resolve(r.statusCode ?? 0); }).on("error", reject).end();
      });
    const admit = () =>
      new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
        const req = httpsRequest(`${server.url}/mutate`, { method: "POST", ca: cert.ca, agent: new Agent({ keepAlive: true }), headers: { "content-type": "application/json" } }, (res) => {
          res.resume();
          res.on("end", () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }));
        });
        req.on("error", reject);
        req.end(reviewBody());
      });

    assert.equal(await get("/readyz"), 200);
    assert.equal((await admit()).connection, "keep-alive");
    server.drain();
    assert.equal(await get("/readyz"), 503);
    assert.deepEqual(await admit(), { status: 200, connection: "close" });

    hang = true;
    const inFlight = admit().catch((err: Error) => err);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await server.stop({ timeoutMs: 300 });
    assert.ok(Date.now() - started < 5_000, "stop returned after cutting the hung review");
    assert.ok((await inFlight) instanceof Error, "the hung review's connection was cut");
    assert.equal(server.listening, false);
  });
});
