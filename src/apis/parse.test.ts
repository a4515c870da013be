import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { loadSeedManifests } from "../../test/fixtures/seeds/index.ts";
import { API_VERSION_V1BETA1 } from "./constants.ts";
import type { ExternalSecret, ExternalSecretData } from "./external-secret.ts";
import {
  formatIssues,
  formatPath,
  mustParse,
  parseClusterSecretStore,
  parseExternalSecret,
  parseObject,
  parseSecretStore,
  type FieldIssue,
  type ParseResult,
} from "./parse.ts";
import type { SecretStore } from "./secret-store.ts";
import { makeAWSProvider, makeClusterExternalSecret, makeClusterSecretStore, makeExternalSecret, makeSecretStore } from "./testing/builders.ts";

function errorsOf<T>(result: ParseResult<T>): FieldIssue[] {
  assert.equal(result.ok, false, "expected the object to be rejected");
  return result.ok ? [] : result.errors;
}

/**
 * A mutation of a valid object and the error it must produce. Object.assign and `as unknown as` let a
 * mutation put values the types forbid, which is the point.
 */
interface InvalidCase<T> {
  name: string;
  mutate: (obj: T) => void;
  error: FieldIssue;
}

const brokenData = (data: unknown) => data as ExternalSecretData;

const invalidExternalSecrets: InvalidCase<ExternalSecret>[] = [
  {
    name: "missing remoteRef.key",
    mutate: (es) => void es.spec.data!.push(brokenData({ secretKey: "b", remoteRef: {} })),
    error: { path: "spec.data[1].remoteRef.key", message: "Required" },
  },
  {
    name: "creationPolicy outside the enum",
    mutate: (es) => void Object.assign(es.spec.target, { creationPolicy: "Sometimes" }),
    error: {
      path: "spec.target.creationPolicy",
      message: 'Unsupported value: "Sometimes": supported values: "Owner", "Orphan", "Merge", "None", "CreateOrMerge"',
    },
  },
  {
    name: "secretKey with a space",
    mutate: (es) => void (es.spec.data![0]!.secretKey = "a b"),
    error: { path: "spec.data[0].secretKey", message: "Invalid value: \"a b\": should match '^[-._a-zA-Z0-9]+$'" },
  },
  {
    name: "refreshInterval that is not a Go duration",
    mutate: (es) => void (es.spec.refreshInterval = "1d"),
    error: {
      path: "spec.refreshInterval",
      message: "Invalid value: \"1d\": should match '^[-+]?(0|(([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+)$'",
    },
  },
  {
    name: "neither data nor dataFrom",
    mutate: (es) => void delete es.spec.data,
    error: { path: "spec", message: "either data or dataFrom should be specified" },
  },
  {
    name: "empty data and dataFrom",
    mutate: (es) => {
      es.spec.data = [];
      es.spec.dataFrom = [];
    },
    error: { path: "spec", message: "either data or dataFrom should be specified" },
  },
  ...(["Merge", "None", "CreateOrMerge"] as const).map(
    (creationPolicy): InvalidCase<ExternalSecret> => ({
      name: `deletionPolicy Delete with creationPolicy ${creationPolicy}`,
      mutate: (es) => void (es.spec.target = { creationPolicy, deletionPolicy: "Delete" }),
      error: {
        path: "spec.target.deletionPolicy",
        message: "deletionPolicy=Delete must not be used when the controller doesn't own the secret. Please set creationPolicy=Owner",
      },
    }),
  ),
  {
    name: "deletionPolicy Merge with creationPolicy None",
    mutate: (es) => void (es.spec.target = { creationPolicy: "None", deletionPolicy: "Merge" }),
    error: {
      path: "spec.target.deletionPolicy",
      message: "deletionPolicy=Merge must not be used with creationPolicy=None. There is no Secret to merge with",
    },
  },
  {
    name: "duplicate secretKeys with deletionPolicy Retain",
    mutate: (es) => void es.spec.data!.push(brokenData({ secretKey: "password", remoteRef: { key: "other" } })),
    error: { path: "spec.data", message: "duplicate secretKey found: password" },
  },
  {
    name: "dataFrom entry with both extract and find",
    mutate: (es) => void Object.assign(es.spec, { dataFrom: [{ extract: { key: "a" }, find: { path: "/x" } }] }),
    error: { path: "spec.dataFrom[0]", message: "extract, find, or generatorRef cannot be set at the same time" },
  },
  {
    name: "dataFrom entry with extract and a generatorRef",
    mutate: (es) =>
      void Object.assign(es.spec, { dataFrom: [{ extract: { key: "a" }, sourceRef: { generatorRef: { kind: "Password", name: "p" } } }] }),
    error: { path: "spec.dataFrom[0]", message: "extract, find, or generatorRef cannot be set at the same time" },
  },
  {
    name: "dataFrom entry with nothing to read",
    mutate: (es) => void Object.assign(es.spec, { dataFrom: [{ rewrite: [{ regexp: { source: "a", target: "b" } }] }] }),
    error: { path: "spec.dataFrom[0]", message: "either extract, find, or sourceRef must be set to dataFrom" },
  },
  {
    name: "rewrite entry with two operations",
    mutate: (es) =>
      void Object.assign(es.spec, {
        dataFrom: [{ find: { path: "/x" }, rewrite: [{ regexp: { source: "a", target: "b" }, transform: { template: "x" } }] }],
      }),
    error: { path: "spec.dataFrom[0].rewrite[0]", message: "exactly one of regexp, transform, merge must be set in rewrite" },
  },
  {
    name: "sourceRef with neither storeRef nor generatorRef",
    mutate: (es) => void Object.assign(es.spec.data![0]!, { sourceRef: {} }),
    error: { path: "spec.data[0].sourceRef", message: "exactly one of storeRef, generatorRef must be set in sourceRef" },
  },
  {
    name: "template creating a service-account token",
    mutate: (es) => void Object.assign(es.spec.target, { template: { type: "kubernetes.io/service-account-token" } }),
    error: {
      path: "spec.target.template.type",
      message: "templates must not create Secrets of type kubernetes.io/service-account-token or bootstrap.kubernetes.io/token",
    },
  },
  {
    name: "wrong kind",
    mutate: (es) => void Object.assign(es, { kind: "SecretStore" }),
    error: { path: "kind", message: 'Unsupported value: "SecretStore": supported values: "ExternalSecret"' },
  },
  {
    name: "boolean where a string belongs",
    mutate: (es) => void Object.assign(es.spec.data![0]!.remoteRef, { property: true }),
    error: { path: "spec.data[0].remoteRef.property", message: "Invalid value: true: must be of type string" },
  },
];

describe("parseExternalSecret", () => {
  test("applies the CRD defaults", () => {
    const result = parseExternalSecret({
      apiVersion: API_VERSION_V1BETA1,
      kind: "ExternalSecret",
      metadata: { name: "a", namespace: "n" },
      spec: { dataFrom: [{ extract: { key: "k" } }, { find: { name: { regexp: "^x" } }, rewrite: [{ merge: {} }] }] },
    });
    assert.ok(result.ok);
    assert.deepEqual(result.value.spec, {
      target: { creationPolicy: "Owner", deletionPolicy: "Retain" },
      refreshInterval: "1h",
      dataFrom: [
        { extract: { key: "k", conversionStrategy: "Default", decodingStrategy: "None", metadataPolicy: "None", nullBytePolicy: "Ignore" } },
        {
          find: { name: { regexp: "^x" }, conversionStrategy: "Default", decodingStrategy: "None", nullBytePolicy: "Ignore" },
          rewrite: [{ merge: { into: "", priorityPolicy: "Strict", conflictPolicy: "Error", strategy: "Extract" } }],
        },
      ],
    });
    assert.deepEqual(result.warnings, []);
  });

  test("the builder's object is valid and round-trips unchanged", () => {
    const es = makeExternalSecret();
    assert.deepEqual(mustParse(parseExternalSecret(es)), es);
  });

  test("duplicate secretKeys are allowed with deletionPolicy Delete or Merge (fallbacks, as ESO)", () => {
    for (const deletionPolicy of ["Delete", "Merge"] as const) {
      const es = makeExternalSecret((d) => {
        d.spec.target.deletionPolicy = deletionPolicy;
        d.spec.data!.push({ ...d.spec.data![0]!, remoteRef: { ...d.spec.data![0]!.remoteRef, key: "fallback" } });
      });
      assert.ok(parseExternalSecret(es).ok, deletionPolicy);
    }
  });

  for (const c of invalidExternalSecrets) {
    test(`rejects: ${c.name}`, () => {
      assert.deepEqual(errorsOf(parseExternalSecret(makeExternalSecret(c.mutate))), [c.error]);
    });
  }

  test("reports every problem at once, with paths", () => {
    const obj = makeExternalSecret((es) => {
      Object.assign(es.spec.target, { creationPolicy: "X" });
      es.spec.data!.push(brokenData({ secretKey: "b", remoteRef: {} }));
    });
    assert.equal(
      formatIssues(errorsOf(parseExternalSecret(obj))),
      'spec.target.creationPolicy: Unsupported value: "X": supported values: "Owner", "Orphan", "Merge", "None", "CreateOrMerge"; ' +
        "spec.data[1].remoteRef.key: Required",
    );
  });

  test("warns about fields the apiserver would drop, and drops them", () => {
    const obj = makeExternalSecret((es) => {
      Object.assign(es.spec.data![0]!, { remoteref: { key: "typo" } });
      Object.assign(es.spec.target, { template: { templateFrom: [{ literal: "x", valuesDecodingStrategy: "Base64" }] } });
    });
    const result = parseExternalSecret(obj);
    assert.ok(result.ok);
    assert.deepEqual(result.warnings, [{ path: "spec.data[0].remoteref", message: "unknown field (the apiserver drops it)" }]);
    assert.equal("remoteref" in result.value.spec.data![0]!, false);
    // templateFrom entries preserve fields Ferry does not type yet.
    assert.deepEqual(result.value.spec.target.template?.templateFrom, [{ literal: "x", valuesDecodingStrategy: "Base64", target: "Data" }]);
  });

  test("accepts syncWindows as written", () => {
    const windows = [{ kind: "deny", schedule: "0 22 * * *", duration: "8h" }];
    const result = parseExternalSecret(makeExternalSecret((es) => void (es.spec.syncWindows = windows)));
    assert.ok(result.ok);
    assert.deepEqual(result.value.spec.syncWindows, windows);
  });
});

describe("parseSecretStore / parseClusterSecretStore", () => {
  test("builders are valid and apply the aws defaults", () => {
    assert.deepEqual(mustParse(parseSecretStore(makeSecretStore())), makeSecretStore());
    assert.deepEqual(mustParse(parseClusterSecretStore(makeClusterSecretStore())), makeClusterSecretStore());
    assert.equal(makeAWSProvider().sessionTagsPolicy, "None");
  });

  test("other providers are preserved as written, with a warning", () => {
    const vault = { server: "https://vault:8200", path: "secret", version: "v2", auth: { tokenSecretRef: { name: "t", key: "k" } } };
    const result = parseClusterSecretStore(makeClusterSecretStore((s) => void (s.spec.provider = { vault })));
    assert.ok(result.ok);
    assert.deepEqual(result.value.spec.provider, { vault });
    assert.deepEqual(result.warnings, [{ path: "spec.provider.vault", message: 'provider "vault" is not supported by Ferry' }]);
  });

  test("refreshInterval is an integer (seconds) or a Go duration", () => {
    for (const refreshInterval of [300, "5m", "0"]) {
      assert.ok(parseSecretStore(makeSecretStore((s) => void (s.spec.refreshInterval = refreshInterval))).ok, String(refreshInterval));
    }
    assert.equal(parseSecretStore(makeSecretStore((s) => void (s.spec.refreshInterval = "5 minutes"))).ok, false);
  });

  const aws = (s: SecretStore) => s.spec.provider.aws!;
  const invalidStores: InvalidCase<SecretStore>[] = [
    {
      name: "no provider",
      mutate: (s) => void (s.spec.provider = {}),
      error: { path: "spec.provider", message: "exactly one provider must be set" },
    },
    {
      name: "two providers",
      mutate: (s) => void (s.spec.provider.vault = { server: "x" }),
      error: { path: "spec.provider", message: "exactly one provider must be set" },
    },
    {
      name: "unknown AWS service",
      mutate: (s) => void Object.assign(aws(s), { service: "CertificateManager" }),
      error: {
        path: "spec.provider.aws.service",
        message: 'Unsupported value: "CertificateManager": supported values: "SecretsManager", "ParameterStore"',
      },
    },
    {
      name: "missing region",
      mutate: (s) => void Object.assign(aws(s), { region: undefined }),
      error: { path: "spec.provider.aws.region", message: "Required" },
    },
    {
      name: "secretRef and jwt together",
      mutate: (s) =>
        void (aws(s).auth = {
          secretRef: { accessKeyIDSecretRef: { name: "a", key: "b" }, secretAccessKeySecretRef: { name: "a", key: "c" } },
          jwt: { serviceAccountRef: { name: "sa" } },
        }),
      error: { path: "spec.provider.aws.auth", message: "only one of secretRef or jwt can be specified" },
    },
    {
      name: "secretRef without the secret access key",
      mutate: (s) => void (aws(s).auth = { secretRef: { accessKeyIDSecretRef: { name: "a", key: "b" } } }),
      error: {
        path: "spec.provider.aws.auth.secretRef.secretAccessKeySecretRef",
        message: "Required: name and key of the Secret that holds the secret access key",
      },
    },
    {
      name: "retryInterval that is not a Go duration",
      mutate: (s) => void (s.spec.retrySettings = { maxRetries: 3, retryInterval: "five" }),
      error: {
        path: "spec.retrySettings.retryInterval",
        message: "Invalid value: \"five\": should match '^[-+]?(0|(([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+)$'",
      },
    },
    {
      name: "a namespaced SecretStore referencing another namespace",
      mutate: (s) => void (aws(s).auth = { jwt: { serviceAccountRef: { name: "sa", namespace: "elsewhere" } } }),
      error: {
        path: "spec.provider.aws.auth.jwt.serviceAccountRef.namespace",
        message: "namespace should either be empty or match the namespace of the SecretStore for a namespaced SecretStore",
      },
    },
  ];
  for (const c of invalidStores) {
    test(`rejects: ${c.name}`, () => {
      assert.deepEqual(errorsOf(parseSecretStore(makeSecretStore(c.mutate))), [c.error]);
    });
  }

  test("a ClusterSecretStore may reference any namespace", () => {
    const store = makeClusterSecretStore((s) => {
      s.spec.provider.aws!.auth = { jwt: { serviceAccountRef: { name: "sa", namespace: "elsewhere" } } };
    });
    assert.ok(parseClusterSecretStore(store).ok);
  });
});

describe("parseObject", () => {
  test("dispatches on kind", () => {
    assert.equal(mustParse(parseObject(makeExternalSecret())).kind, "ExternalSecret");
    assert.equal(mustParse(parseObject(makeSecretStore())).kind, "SecretStore");
    assert.equal(mustParse(parseObject(makeClusterSecretStore())).kind, "ClusterSecretStore");
    assert.equal(mustParse(parseObject(makeClusterExternalSecret())).kind, "ClusterExternalSecret");
    assert.equal(mustParse(parseObject({ apiVersion: "generators.external-secrets.io/v1alpha1", kind: "Password", metadata: { name: "p" } })).kind, "Password");
    assert.deepEqual(errorsOf(parseObject({ kind: "Secret" })), [
      { path: "kind", message: 'Unsupported value: "Secret": supported values: "ExternalSecret", "SecretStore", "ClusterSecretStore", "ClusterExternalSecret", "PushSecret", "ClusterPushSecret", "ECRAuthorizationToken", "STSSessionToken", "Password", "UUID", "ClusterGenerator"' },
    ]);
  });

  test("every seed manifest parses without errors or warnings, with defaults applied", () => {
    const seeds = loadSeedManifests().filter((s) => s.manifest.apiVersion.startsWith("external-secrets.io/"));
    assert.equal(seeds.length, 5);
    for (const { file, index, manifest } of seeds) {
      const result = parseObject(manifest);
      assert.ok(result.ok, `${file}[${index}]: ${result.ok ? "" : formatIssues(result.errors)}`);
      assert.deepEqual(result.warnings, [], `${file}[${index}]`);
      if (result.value.kind === "ExternalSecret") {
        const { target } = result.value.spec;
        assert.equal(target.deletionPolicy, "Retain");
        assert.equal(target.creationPolicy, "Owner");
      } else if (result.value.kind === "SecretStore" || result.value.kind === "ClusterSecretStore") {
        assert.equal(result.value.spec.provider.aws?.sessionTagsPolicy, "None");
      }
    }
  });
});

describe("formatPath", () => {
  const cases: [PropertyKey[], string][] = [
    [[], ""],
    [["spec"], "spec"],
    [["spec", "data", 1, "remoteRef", "key"], "spec.data[1].remoteRef.key"],
    [["spec", "dataFrom", 0, "rewrite", 2], "spec.dataFrom[0].rewrite[2]"],
  ];
  for (const [path, text] of cases) test(text || "(root)", () => assert.equal(formatPath(path), text));
});
