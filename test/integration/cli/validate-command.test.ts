// `ferry validate` over manifests as users write them: every problem named by file, document, object and
// field path; warnings do not fail; other kinds are skipped. Offline: no environment needed.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { assertUserError, ferry, tempFiles } from "./cli-harness.ts";

const valid = `apiVersion: external-secrets.io/v1
kind: SecretStore
metadata: {name: aws, namespace: app}
spec:
  provider:
    aws: {service: SecretsManager, region: eu-west-1}
---
apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata: {name: db, namespace: app}
spec:
  secretStoreRef: {name: aws}
  refreshInterval: 1h
  data:
    - secretKey: password
      remoteRef: {key: app/db, property: password}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {a: b}
`;

const broken = `apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: db}
spec:
  secretStoreRef: {name: aws}
  data:
    - secretKey: user
      remoteRef: {key: app/db, property: user}
    - secretKey: password
      remoteRef: {property: password}
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: typo}
spec:
  secretStoreRef: {name: aws}
  refreshInterval: 1h
  target: {creationPolicy: Sometimes}
`;

const warnings = `apiVersion: external-secrets.io/v1
kind: SecretStore
metadata: {name: vault}
spec:
  provider:
    vault: {server: "https://vault.example"}
---
apiVersion: external-secrets.io/v1
kind: ClusterSecretStore
metadata: {name: aws}
spec:
  provider:
    aws: {service: SecretsManager, region: eu-west-1, regoin: eu-west-2}
`;

describe("ferry validate", () => {
  test("--help documents -f", async () => {
    const r = await ferry(["validate", "--help"]);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /-f, --filename <path>/);
  });

  test("valid manifests pass; other kinds are skipped with a note", async () => {
    const dir = tempFiles({ "ok.yaml": valid });
    const r = await ferry(["validate", "-f", join(dir, "ok.yaml")]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /ok\.yaml:2 ConfigMap\/settings: skipped: not a Ferry kind \(v1\)/);
    assert.match(r.stdout, /2 checked, 0 invalid \(0 errors, 0 warnings\), 1 skipped/);
  });

  test("a broken manifest is rejected naming file, document, object and field", async () => {
    const dir = tempFiles({ "broken.yaml": broken });
    const file = join(dir, "broken.yaml");
    const r = await ferry(["validate", "-f", file]);
    assert.equal(r.status, 1);
    assert.ok(r.stdout.includes(`${file}:0 ExternalSecret/db: spec.data[1].remoteRef.key: Required`), r.stdout);
    assert.ok(r.stdout.includes(`${file}:1 ExternalSecret/typo: spec.target.creationPolicy: Unsupported value: "Sometimes"`), r.stdout);
    assert.doesNotMatch(r.stderr + r.stdout, /\n\s+at /);
  });

  test("warnings (unsupported provider, fields the apiserver drops) are printed but do not fail", async () => {
    const r = await ferry(["validate", "-f", "-"], { input: warnings });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /<stdin>:0 SecretStore\/vault: warning: spec\.provider\.vault: provider "vault" is not supported by Ferry/);
    assert.match(r.stdout, /<stdin>:1 ClusterSecretStore\/aws: warning: spec\.provider\.aws\.regoin: unknown field \(the apiserver drops it\)/);
  });

  test("a store's provider checks are errors, as the webhook would answer", async () => {
    const store = `apiVersion: external-secrets.io/v1\nkind: SecretStore\nmetadata: {name: aws}\nspec:\n  provider:\n    aws: {service: SecretsManager, region: moon-1}\n`;
    const r = await ferry(["validate", "-f", "-"], { input: store });
    assert.equal(r.status, 1);
    assert.match(r.stdout, /<stdin>:0 SecretStore\/aws: spec\.provider\.aws\.region: "moon-1" is not an AWS region/);
  });

  test("a ClusterExternalSecret: its embedded ExternalSecret spec is checked; selecting no namespace is a warning", async () => {
    const ces = `apiVersion: external-secrets.io/v1
kind: ClusterExternalSecret
metadata: {name: shared}
spec:
  namespaceSelectors: [{matchLabels: {team: a}}]
  refreshTime: 1m
  externalSecretSpec:
    secretStoreRef: {name: aws, kind: ClusterSecretStore}
    data:
      - secretKey: password
        remoteRef: {property: password}
---
apiVersion: external-secrets.io/v1beta1
kind: ClusterExternalSecret
metadata: {name: nowhere}
spec:
  externalSecretSpec:
    secretStoreRef: {name: aws, kind: ClusterSecretStore}
    data: [{secretKey: a, remoteRef: {key: k}}]
`;
    const r = await ferry(["validate", "-f", "-"], { input: ces });
    assert.equal(r.status, 1);
    assert.match(r.stdout, /<stdin>:0 ClusterExternalSecret\/shared: spec\.externalSecretSpec\.data\[0\]\.remoteRef\.key: Required/);
    assert.match(r.stdout, /<stdin>:1 ClusterExternalSecret\/nowhere: warning: spec: selects no namespace/);
  });

  test("templates are parsed by ESO's engine: syntax errors and unknown functions, with the field path", async () => {
    const manifests = `apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: tpl, namespace: app}
spec:
  secretStoreRef: {name: aws}
  dataFrom:
    - extract: {key: app/db}
      rewrite:
        - transform: {template: "{{ .value | shout }}"}
  target:
    template:
      data:
        ok: "{{ .user | upper }}"
        url: "postgres://{{ .user }@host"
        dsn: "{{ .password | nosuch }}"
      metadata:
        labels: {team: "{{ if .team }}{{ .team }}"}
      templateFrom:
        - literal: "a: {{ .user | b64enc }}"
`;
    const r = await ferry(["validate", "-f", "-"], { input: manifests });
    assert.equal(r.status, 1, r.stdout);
    assert.match(r.stdout, /<stdin>:0 ExternalSecret\/tpl: spec\.target\.template\.data\["url"\]: template: url:1: unexpected "}" in operand/);
    assert.match(r.stdout, /<stdin>:0 ExternalSecret\/tpl: spec\.target\.template\.data\["dsn"\]: template: dsn:1: function "nosuch" not defined/);
    assert.match(r.stdout, /spec\.target\.template\.metadata\.labels\["team"\]: template: team:1: unexpected EOF/);
    assert.match(r.stdout, /spec\.dataFrom\[0\]\.rewrite\[0\]\.transform\.template: template: transform:1: function "shout" not defined/);
    assert.doesNotMatch(r.stdout, /\["ok"\]|literal/);
    assert.match(r.stdout, /1 checked, 1 invalid \(4 errors/);
  });

  test("template fields Ferry does not implement are errors with the field path, never a silently different Secret", async () => {
    const manifests = `apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: to-configmap, namespace: app}
spec:
  secretStoreRef: {name: aws}
  dataFrom: [{extract: {key: app/db}}]
  target:
    manifest: {apiVersion: v1, kind: ConfigMap}
    template:
      data: {url: "https://{{ .host }}"}
      templateFrom:
        - literal: "a: b"
          valuesDecodingStrategy: Base64
        - literal: "c: d"
          valuesDecodingStrategy: None
`;
    const r = await ferry(["validate", "-f", "-"], { input: manifests });
    assert.equal(r.status, 1, r.stdout);
    assert.match(r.stdout, /<stdin>:0 ExternalSecret\/to-configmap: spec\.target\.manifest: rendering into a resource other than a Secret is not supported by Ferry yet; remove target\.manifest/);
    assert.match(r.stdout, /<stdin>:0 ExternalSecret\/to-configmap: spec\.target\.template\.templateFrom\[0\]\.valuesDecodingStrategy: templateFrom\.valuesDecodingStrategy is not supported by Ferry yet/);
    // None renders values as they are, as Ferry does (and as ESO CRDs that defaulted it wrote it).
    assert.doesNotMatch(r.stdout, /templateFrom\[1\]/);
  });

  test("regexps Go rejects are errors with the field path and Go's message, in every regexp field", async () => {
    const manifests = `apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: re, namespace: app}
spec:
  secretStoreRef: {name: aws}
  dataFrom:
    - find: {name: {regexp: "^app/(?=db)"}}
    - extract: {key: app/config}
      rewrite:
        - regexp: {source: "x{99999}", target: "y"}
---
apiVersion: external-secrets.io/v1
kind: ClusterSecretStore
metadata: {name: shared}
spec:
  provider:
    aws: {service: SecretsManager, region: eu-west-1}
  conditions:
    - namespaceRegexes: ["(?i)team-a", "team-(b"]
`;
    const r = await ferry(["validate", "-f", "-"], { input: manifests });
    assert.equal(r.status, 1);
    assert.match(r.stdout, /ExternalSecret\/re: spec\.dataFrom\[0\]\.find\.name\.regexp: error parsing regexp: invalid or unsupported Perl syntax: `\(\?=`/);
    assert.match(r.stdout, /ExternalSecret\/re: spec\.dataFrom\[1\]\.rewrite\[0\]\.regexp\.source: error parsing regexp: invalid repeat count: `\{99999\}`/);
    assert.match(r.stdout, /ClusterSecretStore\/shared: spec\.conditions\[0\]\.namespaceRegexes\[1\]: error parsing regexp: missing closing \): `team-\(b`/);
    // `(?i)team-a` is valid Go (ESO accepts it): no error for namespaceRegexes[0].
    assert.doesNotMatch(r.stdout, /namespaceRegexes\[0\]/);
  });

  test("a directory: every .yaml file, in order; one bad file fails the run", async () => {
    const dir = tempFiles({ "a.yaml": valid, "b.yml": broken, "notes.txt": "not a manifest" });
    const r = await ferry(["validate", "-f", dir]);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /a\.yaml:2 ConfigMap\/settings: skipped/);
    assert.match(r.stdout, /b\.yml:0 ExternalSecret\/db: spec\.data\[1\]\.remoteRef\.key: Required/);
    assert.doesNotMatch(r.stdout, /notes\.txt/);
  });

  test("invalid YAML and an unsupported apiVersion are errors naming the document", async () => {
    const r = await ferry(["validate", "-f", "-"], { input: "kind: ExternalSecret\napiVersion: external-secrets.io/v2\nmetadata: {name: x}\n---\na: [b\n" });
    assert.equal(r.status, 1);
    assert.match(r.stdout, /<stdin>:0 ExternalSecret\/x: apiVersion: Unsupported value: "external-secrets\.io\/v2"/);
    assert.match(r.stdout, /<stdin>:1: invalid YAML: /);
  });

  test("a List (kubectl get -o yaml) is checked item by item", async () => {
    const list = JSON.stringify({
      apiVersion: "v1",
      kind: "List",
      items: [
        { apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", metadata: { name: "ok", namespace: "app", uid: "u1", resourceVersion: "7" }, spec: { secretStoreRef: { name: "aws" }, data: [{ secretKey: "a", remoteRef: { key: "k" } }] }, status: { refreshTime: null } },
        { apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", metadata: { name: "bad" }, spec: { data: [{ secretKey: "a", remoteRef: {} }] } },
      ],
    });
    const r = await ferry(["validate", "-f", "-"], { input: list });
    assert.equal(r.status, 1);
    assert.match(r.stdout, /<stdin>:0\.items\[1\] ExternalSecret\/bad: spec\.data\[0\]\.remoteRef\.key: Required/);
    assert.doesNotMatch(r.stdout, /ExternalSecret\/ok:/);
  });

  const bad: Array<{ args: string[]; message: RegExp }> = [
    { args: ["validate"], message: /required option '-f, --filename <path>' not specified/ },
    { args: ["validate", "-f", "/nonexistent/ferry.yaml"], message: /error: \/nonexistent\/ferry\.yaml: no such file or directory/ },
  ];
  for (const c of bad) {
    test(`bad input: ferry ${c.args.join(" ")} → a clear message, non-zero exit`, async () => {
      assertUserError(await ferry(c.args), c.message);
    });
  }
});
