// Proves the generated CRDs (deploy/crds, installed by the harness) against the real kube-apiserver: the
// seed manifests apply as written in v1beta1 and read back identically through v1 and v1beta1 with the
// defaults parse* applies, printer columns work, and invalid objects are rejected with field paths, by the
// same rules parse* enforces.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { TestEnvironment } from "../../env/index.ts";
import { loadSeedManifests } from "../../fixtures/seeds/index.ts";
import {
  buildCustomResourceDefinitions,
  parseObject,
  PLURAL_CLUSTER_SECRET_STORES,
  PLURAL_EXTERNAL_SECRETS,
  PLURAL_SECRET_STORES,
  type ExternalSecretData,
  type ExternalSecretsObject,
  type FieldIssue,
} from "../../../src/apis/index.ts";
import { makeClusterSecretStore, makeExternalSecret, makeSecretStore } from "../../../src/apis/testing/builders.ts";

const env = TestEnvironment.load();
const { pki } = env.state;
const tls = { ca: readFileSync(pki.caCert), cert: readFileSync(pki.adminCert), key: readFileSync(pki.adminKey) };
const suffix = randomBytes(3).toString("hex");
let ns: { name: string; delete: () => Promise<void> };
const clusterScopedCreated: string[] = [];

/** The parts of apiserver response bodies these tests read. */
interface Body {
  apiVersion?: string;
  kind?: string;
  metadata?: Record<string, unknown>;
  spec?: Record<string, unknown> & { versions?: { name: string; schema: unknown; additionalPrinterColumns: unknown }[] };
  status?: { conditions?: { type: string; status: string }[] };
  message?: string;
  details?: { causes?: { field: string; message: string }[] };
  items?: { metadata: { name: string } }[];
  columnDefinitions?: { name: string }[];
  rows?: { cells: unknown[] }[];
}

interface Response {
  status: number;
  body: Body;
}

/** Any object these tests create: a manifest, or a typed object from the builders. */
interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name?: string | undefined; namespace?: string | undefined };
}

/** A raw apiserver call (admin client certificate), so tests see exact status bodies and choose headers. */
function api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const url = new URL(path, env.state.apiserverUrl);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method, ...tls, headers: { accept: "application/json", ...(payload ? { "content-type": "application/json" } : {}), ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString();
          resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as Body) : {} });
        });
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

const pluralOf: Record<string, string> = {
  ExternalSecret: PLURAL_EXTERNAL_SECRETS,
  SecretStore: PLURAL_SECRET_STORES,
  ClusterSecretStore: PLURAL_CLUSTER_SECRET_STORES,
};

/** The REST path of an object (or its collection) at an API version. */
function pathOf(obj: Manifest, version: string, withName = true): string {
  const name = withName ? `/${obj.metadata.name}` : "";
  if (obj.kind === "ServiceAccount") return `/api/v1/namespaces/${obj.metadata.namespace}/serviceaccounts${name}`;
  const plural = pluralOf[obj.kind]!;
  const scope = obj.kind === "ClusterSecretStore" ? "" : `/namespaces/${obj.metadata.namespace}`;
  return `/apis/external-secrets.io/${version}${scope}/${plural}${name}`;
}

/** Creates with strict field validation, as `kubectl apply` does by default: unknown fields fail. */
async function create(obj: Manifest): Promise<Response> {
  const version = obj.apiVersion.split("/")[1] ?? "v1";
  const res = await api("POST", `${pathOf(obj, version, false)}?fieldValidation=Strict`, obj);
  if (res.status === 201 && obj.kind === "ClusterSecretStore") clusterScopedCreated.push(obj.metadata.name!);
  return res;
}

before(async () => {
  ns = await env.createNamespace("apis-crds");
});
after(async () => {
  for (const name of clusterScopedCreated) await api("DELETE", `/apis/external-secrets.io/v1/clustersecretstores/${name}`);
  await ns.delete();
});

describe("installed CRDs", () => {
  test("are the generated ones (restart the environment after `npm run generate:crds`)", async () => {
    for (const crd of buildCustomResourceDefinitions()) {
      const res = await api("GET", `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata!.name}`);
      assert.equal(res.status, 200, `${crd.metadata!.name} is installed`);
      const established = (res.body.status?.conditions ?? []).some((c) => c.type === "Established" && c.status === "True");
      assert.ok(established, `${crd.metadata!.name} is Established`);
      for (const [i, version] of crd.spec.versions.entries()) {
        const served = res.body.spec!.versions![i]!;
        assert.equal(served.name, version.name);
        assert.deepEqual(served.schema, JSON.parse(JSON.stringify(version.schema)), `${crd.metadata!.name} ${version.name} schema`);
        assert.deepEqual(served.additionalPrinterColumns, version.additionalPrinterColumns);
      }
    }
  });

  test("apply with client-side kubectl (the last-applied annotation fits)", (t) => {
    try {
      execFileSync("kubectl", ["version", "--client"], { stdio: "ignore" });
    } catch {
      t.skip("kubectl is not installed");
      return;
    }
    const crdDir = join(import.meta.dirname, "..", "..", "..", "deploy", "crds");
    const out = execFileSync("kubectl", ["apply", "--dry-run=server", "-f", crdDir], {
      env: { ...process.env, KUBECONFIG: env.state.kubeconfig },
      encoding: "utf8",
    });
    assert.match(out, /customresourcedefinition\.apiextensions\.k8s\.io\/externalsecrets\.external-secrets\.io configured/);
  });
});

describe("seed manifests (v1beta1, as published)", () => {
  const seeds = loadSeedManifests({ accountId: TestEnvironment.newAccountId() }).map(({ file, index, manifest }) => {
    const obj = structuredClone(manifest);
    // Placement only: namespaced objects go to this test's namespace, cluster-scoped names get a suffix.
    if (obj.kind === "ClusterSecretStore") obj.metadata.name = `${obj.metadata.name}-${suffix}`;
    else delete obj.metadata.namespace;
    return { label: `${file}[${index}] ${obj.kind} ${manifest.metadata.name}`, obj };
  });

  before(() => {
    for (const { obj } of seeds) if (obj.kind !== "ClusterSecretStore") obj.metadata.namespace = ns.name;
  });

  test("there are seed manifests of every kind", () => {
    const kinds = new Set(seeds.map((s) => s.obj.kind));
    assert.deepEqual([...kinds].sort(), ["ClusterSecretStore", "ExternalSecret", "SecretStore", "ServiceAccount"]);
  });

  for (const seed of seeds) {
    test(`${seed.label}: is accepted as written and reads back identically through v1 and v1beta1`, async () => {
      const { obj } = seed;
      const created = await create(obj);
      assert.equal(created.status, 201, JSON.stringify(created.body));
      if (obj.kind === "ServiceAccount") return;

      assert.equal(obj.apiVersion, "external-secrets.io/v1beta1");
      // What parse* returns is what the apiserver stores: the manifest plus the CRD defaults.
      const parsed = parseObject(obj);
      assert.ok(parsed.ok);
      assert.deepEqual(parsed.warnings, []);
      const expected: ExternalSecretsObject = parsed.value;
      for (const version of ["v1", "v1beta1"]) {
        const read = await api("GET", pathOf(obj, version));
        assert.equal(read.status, 200);
        assert.equal(read.body.apiVersion, `external-secrets.io/${version}`);
        assert.deepEqual(read.body.spec, expected.spec, `${version} spec`);
      }
      if (expected.kind === "ExternalSecret") {
        const written = (obj as { spec?: { refreshInterval?: string } }).spec?.refreshInterval;
        assert.equal(expected.spec.refreshInterval, written ?? "1h");
        assert.equal(expected.spec.target.creationPolicy, "Owner");
        assert.equal(expected.spec.target.deletionPolicy, "Retain");
      }
    });
  }

  test("an ExternalSecret without refreshInterval or target gets ESO's defaults", async () => {
    const obj = {
      apiVersion: "external-secrets.io/v1beta1",
      kind: "ExternalSecret",
      metadata: { name: "defaults", namespace: ns.name },
      spec: { secretStoreRef: { name: "aws-secretsmanager" }, data: [{ secretKey: "k", remoteRef: { key: "app/db" } }] },
    };
    assert.equal((await create(obj)).status, 201);
    const { spec } = (await api("GET", pathOf(obj, "v1"))).body;
    assert.equal(spec?.refreshInterval, "1h", "ESO's CRD default, as written");
    assert.deepEqual(spec?.target, { creationPolicy: "Owner", deletionPolicy: "Retain" });
    assert.deepEqual((spec?.data as ExternalSecretData[])[0]!.remoteRef, {
      key: "app/db",
      conversionStrategy: "Default",
      decodingStrategy: "None",
      metadataPolicy: "None",
      nullBytePolicy: "Ignore",
    });
    // `kubectl get es` as ESO shows it: the defaulted interval in its short form (issue: "1h0m0s" before).
    const row = await env.tableRow(pathOf(obj, "v1"));
    assert.equal(row["REFRESH INTERVAL"], "1h");
  });
});

describe("v1 objects", () => {
  const objects = () => [
    makeExternalSecret((es) => {
      es.metadata = { name: "v1-es", namespace: ns.name };
      es.spec.refreshPolicy = "Periodic";
      es.spec.dataFrom = [{ find: { path: "/app", name: { regexp: "^db-" }, conversionStrategy: "Default", decodingStrategy: "Auto", nullBytePolicy: "Fail" } }];
    }),
    makeSecretStore((s) => {
      s.metadata = { name: "v1-ss", namespace: ns.name };
      s.spec.refreshInterval = 300;
      s.spec.retrySettings = { maxRetries: 3, retryInterval: "10s" };
      s.spec.provider.aws = {
        service: "ParameterStore",
        region: "eu-west-1",
        role: "arn:aws:iam::123456789012:role/reader",
        additionalRoles: ["arn:aws:iam::123456789012:role/hop"],
        externalID: "ext",
        sessionTags: [{ key: "team", value: "a" }],
        transitiveTagKeys: ["team"],
        sessionTagsPolicy: "None",
        prefix: "/prod/",
        secretsManager: { forceDeleteWithoutRecovery: true },
        auth: { secretRef: { accessKeyIDSecretRef: { name: "aws", key: "id" }, secretAccessKeySecretRef: { name: "aws", key: "secret" } } },
      };
    }),
    makeClusterSecretStore((s) => {
      s.metadata = { name: `v1-css-${suffix}` };
      s.spec.conditions = [{ namespaces: [ns.name], namespaceRegexes: ["^team-"], namespaceSelector: { matchLabels: { a: "b" } } }];
    }),
  ];

  test("created as v1, read back the same through v1 and v1beta1", async () => {
    for (const obj of objects()) {
      const created = await create(obj);
      assert.equal(created.status, 201, JSON.stringify(created.body));
      for (const version of ["v1", "v1beta1"]) {
        const read = await api("GET", pathOf(obj, version));
        assert.equal(read.status, 200);
        assert.deepEqual(read.body.spec, obj.spec, `${obj.kind} through ${version}`);
      }
    }
  });

  test("a store with another provider is accepted and keeps that provider's block as written", async () => {
    const vault = { server: "https://vault:8200", path: "secret", version: "v2", auth: { tokenSecretRef: { name: "t", key: "token" } } };
    const obj = makeSecretStore((s) => {
      s.metadata = { name: "vault", namespace: ns.name };
      s.spec.provider = { vault };
    });
    assert.equal((await create(obj)).status, 201);
    assert.deepEqual((await api("GET", pathOf(obj, "v1"))).body.spec?.provider, { vault });
  });
});

describe("printer columns", () => {
  const tableHeaders = { accept: "application/json;as=Table;v=v1;g=meta.k8s.io" };

  test("ExternalSecret: StoreType, Store, Refresh Interval, Status, Ready, Last Sync", async () => {
    const es = makeExternalSecret((e) => {
      e.metadata = { name: "columns", namespace: ns.name };
      e.spec.refreshInterval = "15m";
    });
    assert.equal((await create(es)).status, 201);
    const status = {
      ...es,
      metadata: { name: "columns", namespace: ns.name },
      status: {
        refreshTime: "2026-01-01T00:00:00Z",
        conditions: [{ type: "Ready", status: "True", reason: "SecretSynced", message: "secret synced", lastTransitionTime: "2026-01-01T00:00:00Z" }],
      },
    };
    const current = await api("GET", pathOf(es, "v1"));
    const updated = await api("PUT", `${pathOf(es, "v1")}/status`, { ...status, metadata: current.body.metadata });
    assert.equal(updated.status, 200, JSON.stringify(updated.body));

    for (const version of ["v1", "v1beta1"]) {
      const table = await api("GET", `${pathOf(es, version, false)}?fieldSelector=metadata.name=columns`, undefined, tableHeaders);
      assert.equal(table.body.kind, "Table");
      const names = table.body.columnDefinitions!.map((c) => c.name);
      assert.deepEqual(names, ["Name", "StoreType", "Store", "Refresh Interval", "Status", "Ready", "Last Sync"], version);
      const cells = table.body.rows![0]!.cells;
      assert.deepEqual(cells.slice(0, 6), ["columns", "SecretStore", "aws", "15m", "SecretSynced", "True"]);
    }
  });

  test("SecretStore and ClusterSecretStore: AGE, Status, Capabilities, Ready", async () => {
    const ss = makeSecretStore((s) => void (s.metadata = { name: "columns", namespace: ns.name }));
    assert.equal((await create(ss)).status, 201);
    const current = await api("GET", pathOf(ss, "v1"));
    const status = { capabilities: "ReadOnly", conditions: [{ type: "Ready", status: "True", reason: "Valid" }] };
    assert.equal((await api("PUT", `${pathOf(ss, "v1")}/status`, { ...current.body, status })).status, 200);
    const table = await api("GET", `${pathOf(ss, "v1", false)}?fieldSelector=metadata.name=columns`, undefined, tableHeaders);
    assert.deepEqual(
      table.body.columnDefinitions!.map((c) => c.name),
      ["Name", "AGE", "Status", "Capabilities", "Ready"],
    );
    assert.deepEqual(table.body.rows![0]!.cells.slice(2), ["Valid", "ReadOnly", "True"]);

    const css = await api("GET", "/apis/external-secrets.io/v1/clustersecretstores", undefined, tableHeaders);
    assert.deepEqual(
      css.body.columnDefinitions!.map((c) => c.name),
      ["Name", "AGE", "Status", "Capabilities", "Ready"],
    );
  });

  test("ExternalSecrets can be selected by store name (selectableFields)", async () => {
    const list = await api("GET", `/apis/external-secrets.io/v1/namespaces/${ns.name}/externalsecrets?fieldSelector=spec.secretStoreRef.name=aws`);
    assert.equal(list.status, 200, JSON.stringify(list.body));
    const names = list.body.items!.map((i) => i.metadata.name).sort();
    assert.ok(names.includes("columns") && !names.includes("my-external-secrets"), names.join(","));
  });
});

describe("invalid objects are rejected by the apiserver and by parse*, at the same field", () => {
  /** The apiserver's causes as FieldIssue-like strings, e.g. `spec.target.creationPolicy: Unsupported value: …`. */
  const causes = (body: Body): string[] => (body.details?.causes ?? []).map((c) => `${c.field}: ${c.message}`);

  const cases: { name: string; obj: () => ExternalSecretsObject; field: string; message: string }[] = [
    {
      name: "creationPolicy outside the enum",
      obj: () => makeExternalSecret((es) => void Object.assign(es.spec.target, { creationPolicy: "Sometimes" })),
      field: "spec.target.creationPolicy",
      message: 'Unsupported value: "Sometimes"',
    },
    {
      name: "secretKey with a space",
      obj: () => makeExternalSecret((es) => void (es.spec.data![0]!.secretKey = "a b")),
      field: "spec.data[0].secretKey",
      message: "should match '^[-._a-zA-Z0-9]+$'",
    },
    {
      name: "missing remoteRef.key",
      obj: () => makeExternalSecret((es) => void Object.assign(es.spec.data![0]!.remoteRef, { key: undefined })),
      field: "spec.data[0].remoteRef.key",
      message: "Required value",
    },
    {
      name: "refreshInterval in days",
      obj: () => makeExternalSecret((es) => void (es.spec.refreshInterval = "1d")),
      field: "spec.refreshInterval",
      message: "should match",
    },
    {
      name: "neither data nor dataFrom",
      obj: () => makeExternalSecret((es) => void delete es.spec.data),
      field: "spec",
      message: "either data or dataFrom should be specified",
    },
    {
      name: "deletionPolicy Delete with creationPolicy Merge",
      obj: () => makeExternalSecret((es) => void (es.spec.target = { creationPolicy: "Merge", deletionPolicy: "Delete" })),
      field: "spec.target.deletionPolicy",
      message: "deletionPolicy=Delete must not be used when the controller doesn't own the secret",
    },
    {
      name: "deletionPolicy Merge with creationPolicy None",
      obj: () => makeExternalSecret((es) => void (es.spec.target = { creationPolicy: "None", deletionPolicy: "Merge" })),
      field: "spec.target.deletionPolicy",
      message: "deletionPolicy=Merge must not be used with creationPolicy=None",
    },
    {
      name: "dataFrom entry with extract and find",
      obj: () => makeExternalSecret((es) => void Object.assign(es.spec, { dataFrom: [{ extract: { key: "a" }, find: { path: "/p" } }] })),
      field: "spec.dataFrom[0]",
      message: "extract, find, or generatorRef cannot be set at the same time",
    },
    {
      name: "dataFrom entry with nothing to read",
      obj: () => makeExternalSecret((es) => void Object.assign(es.spec, { dataFrom: [{ rewrite: [{ transform: { template: "x" } }] }] })),
      field: "spec.dataFrom[0]",
      message: "either extract, find, or sourceRef must be set to dataFrom",
    },
    {
      name: "template creating a bootstrap token",
      obj: () => makeExternalSecret((es) => void Object.assign(es.spec.target, { template: { type: "bootstrap.kubernetes.io/token" } })),
      field: "spec.target.template.type",
      message: "templates must not create Secrets of type",
    },
    {
      name: "rewrite entry with two operations",
      obj: () =>
        makeExternalSecret(
          (es) =>
            void Object.assign(es.spec, {
              dataFrom: [{ find: { path: "/p" }, rewrite: [{ regexp: { source: "a", target: "b" }, transform: { template: "x" } }] }],
            }),
        ),
      field: "spec.dataFrom[0].rewrite[0]",
      message: "must have at most 1 item",
    },
    {
      name: "a store with two providers",
      obj: () => makeSecretStore((s) => void Object.assign(s.spec.provider, { vault: { server: "x" } })),
      field: "spec.provider",
      message: "must have at most 1 item",
    },
    {
      name: "an unknown AWS service",
      obj: () => makeSecretStore((s) => void Object.assign(s.spec.provider.aws!, { service: "CertificateManager" })),
      field: "spec.provider.aws.service",
      message: 'Unsupported value: "CertificateManager"',
    },
    {
      name: "AWS auth with secretRef and jwt",
      obj: () =>
        makeSecretStore((s) => {
          s.spec.provider.aws!.auth = {
            secretRef: { accessKeyIDSecretRef: { name: "a", key: "b" }, secretAccessKeySecretRef: { name: "a", key: "c" } },
            jwt: { serviceAccountRef: { name: "sa" } },
          };
        }),
      field: "spec.provider.aws.auth",
      message: "only one of secretRef or jwt can be specified",
    },
  ];

  for (const c of cases) {
    test(c.name, async () => {
      const obj = c.obj();
      obj.metadata = { name: "invalid", namespace: ns.name };
      const res = await create(obj);
      assert.equal(res.status, 422, JSON.stringify(res.body));
      const fromServer = causes(res.body);
      assert.ok(
        fromServer.some((m) => m.startsWith(`${c.field}: `) && m.includes(c.message)),
        `apiserver: ${JSON.stringify(fromServer)}`,
      );
      const parsed = parseObject(obj);
      assert.equal(parsed.ok, false, "parse* rejects it too");
      const fromParse = parsed.ok ? [] : parsed.errors;
      assert.ok(
        fromParse.some((e: FieldIssue) => e.path === c.field),
        `parse*: ${JSON.stringify(fromParse)}`,
      );
    });
  }

  test("an unknown field fails strict field validation (kubectl apply's default)", async () => {
    const obj = makeExternalSecret((es) => {
      es.metadata = { name: "typo", namespace: ns.name };
      Object.assign(es.spec.data![0]!, { remoteref: { key: "x" } });
    });
    const res = await create(obj);
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.match(res.body.message ?? "", /unknown field "spec\.data\[0\]\.remoteref"/);
    const parsed = parseObject(obj);
    assert.deepEqual(parsed.warnings, [{ path: "spec.data[0].remoteref", message: "unknown field (the apiserver drops it)" }]);
  });
});
