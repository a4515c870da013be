// `ferry render`: the Secret an ExternalSecret would produce from given remote values, offline, through the
// controller's own sync code (property, extract, rewrite, decoding, template metadata, ownership labels).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { assertUserError, ferry, tempFiles } from "./cli-harness.ts";

const externalSecret = `apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: db
  namespace: app
  labels: {team: payments}
spec:
  secretStoreRef: {name: aws}
  refreshInterval: 1h
  target:
    name: db-creds
  data:
    - secretKey: username
      remoteRef: {key: app/db, property: user}
    - secretKey: cert
      remoteRef: {key: app/cert, decodingStrategy: Base64}
  dataFrom:
    - extract: {key: app/db}
      rewrite:
        - regexp: {source: "(.*)", target: "DB_$1"}
`;

const values = JSON.stringify({ "app/db": { user: "admin", password: "pa55" }, "app/cert": Buffer.from("-----BEGIN-----").toString("base64") });

interface SecretOut {
  kind: string;
  type: string;
  metadata: { name: string; namespace: string; labels: Record<string, string>; annotations: Record<string, string>; ownerReferences?: Array<{ kind: string; name: string; controller: boolean }> };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

describe("ferry render", () => {
  test("--help documents every flag", async () => {
    const r = await ferry(["render", "--help"]);
    assert.equal(r.status, 0);
    for (const flag of ["--filename", "--values", "--namespace", "--decode", "--template-from"]) assert.ok(r.stdout.includes(flag), flag);
  });

  test("prints the Secret the controller would write, data base64 as Kubernetes does", async () => {
    const dir = tempFiles({ "es.yaml": externalSecret, "values.json": values });
    const r = await ferry(["render", "-f", join(dir, "es.yaml"), "--values", join(dir, "values.json")]);
    assert.equal(r.status, 0, r.stderr);
    const secret = parse(r.stdout) as SecretOut;
    assert.equal(secret.kind, "Secret");
    assert.equal(secret.type, "Opaque");
    assert.equal(secret.metadata.name, "db-creds");
    assert.equal(secret.metadata.namespace, "app");
    assert.equal(secret.metadata.labels["reconcile.external-secrets.io/managed"], "true");
    assert.equal(secret.metadata.labels.team, "payments", "the ExternalSecret's labels are copied without a template");
    assert.match(secret.metadata.annotations["reconcile.external-secrets.io/data-hash"]!, /^[0-9a-f]+$/);
    assert.deepEqual(secret.metadata.ownerReferences?.map((o) => [o.kind, o.name, o.controller]), [["ExternalSecret", "db", true]]);
    const decoded = Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64").toString()]));
    assert.deepEqual(decoded, { DB_user: "admin", DB_password: "pa55", username: "admin", cert: "-----BEGIN-----" });
  });

  test("--decode shows stringData; stdin works for the manifest", async () => {
    const dir = tempFiles({ "values.json": values });
    const r = await ferry(["render", "-f", "-", "--values", join(dir, "values.json"), "--decode"], { input: externalSecret });
    assert.equal(r.status, 0, r.stderr);
    const secret = parse(r.stdout) as SecretOut;
    assert.equal(secret.data, undefined);
    assert.equal(secret.stringData?.username, "admin");
  });

  test("every ExternalSecret of a multi-document file, other kinds ignored", async () => {
    const second = externalSecret.replace("name: db\n", "name: other\n").replace("name: db-creds", "name: other");
    const dir = tempFiles({ "es.yaml": `${externalSecret}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\n${second}`, "values.json": values });
    const r = await ferry(["render", "-f", join(dir, "es.yaml"), "--values", join(dir, "values.json")]);
    assert.equal(r.status, 0, r.stderr);
    const names = parseAllDocuments(r.stdout).map((d) => (d.toJS() as SecretOut).metadata.name);
    assert.deepEqual(names, ["db-creds", "other"]);
  });

  test("templates render through the controller's path: template.data, templateFrom a ConfigMap and a Secret in the files", async () => {
    const templated = `apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: tpl, namespace: app, labels: {team: payments}}
spec:
  secretStoreRef: {name: aws}
  dataFrom:
    - extract: {key: app/db}
  target:
    template:
      type: kubernetes.io/basic-auth
      metadata:
        labels: {owner: "{{ .user }}"}
      data:
        url: "postgres://{{ .user }}:{{ .password | urlquery }}@db:5432/app"
      templateFrom:
        - configMap: {name: tpl, items: [{key: conf.yaml, templateAs: KeysAndValues}]}
        - target: Annotations
          secret: {name: tpl-secret, items: [{key: note}]}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: tpl}
data:
  conf.yaml: "username: {{ .user }}"
`;
    const secretSource = `apiVersion: v1\nkind: Secret\nmetadata: {name: tpl-secret}\nstringData:\n  note: "rendered for {{ .user }}"\n`;
    const dir = tempFiles({ "es.yaml": templated, "values.json": values, "secret.yaml": secretSource });
    const r = await ferry(["render", "-f", join(dir, "es.yaml"), "--template-from", join(dir, "secret.yaml"), "--values", join(dir, "values.json"), "--decode"]);
    assert.equal(r.status, 0, r.stderr);
    const secret = parse(r.stdout) as SecretOut;
    assert.equal(secret.type, "kubernetes.io/basic-auth");
    assert.deepEqual(secret.stringData, { url: "postgres://admin:pa55@db:5432/app", username: "admin" });
    assert.equal(secret.metadata.labels.owner, "admin");
    assert.equal(secret.metadata.labels.team, undefined, "with a template the ExternalSecret's labels are not copied");
    assert.equal(secret.metadata.annotations.note, "rendered for admin");
    // Without the Secret source the render fails as the controller would.
    const missing = await ferry(["render", "-f", join(dir, "es.yaml"), "--values", join(dir, "values.json")]);
    assertUserError(missing, /error: ExternalSecret app\/tpl: could not apply template spec\.target\.template\.templateFrom\[1\]\.secret: secrets "tpl-secret" not found/);
  });

  test("a sync that would fail fails the same way: the field and key are named", async () => {
    const dir = tempFiles({ "es.yaml": externalSecret, "values.json": JSON.stringify({ "app/db": { user: "admin" } }) });
    const r = await ferry(["render", "-f", join(dir, "es.yaml"), "--values", join(dir, "values.json")]);
    assertUserError(r, /error: ExternalSecret app\/db: spec\.data\[1\]\.remoteRef: app\/cert: not in --values/);
  });

  const dir = tempFiles({ "es.yaml": externalSecret, "values.json": values, "bad.json": "{not json", "array.json": "[]", "invalid.yaml": "apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata: {name: x}\nspec:\n  data: [{secretKey: a}]\n" });
  const bad: Array<{ args: string[]; message: RegExp }> = [
    { args: ["render", "-f", join(dir, "es.yaml")], message: /required option '--values <path>' not specified/ },
    { args: ["render", "-f", join(dir, "es.yaml"), "--values", join(dir, "bad.json")], message: /error: --values .*bad\.json: invalid JSON/ },
    { args: ["render", "-f", join(dir, "es.yaml"), "--values", join(dir, "array.json")], message: /error: --values .*array\.json: must be a JSON object/ },
    { args: ["render", "-f", join(dir, "invalid.yaml"), "--values", join(dir, "values.json")], message: /error: .*invalid\.yaml:0 ExternalSecret\/x: spec\.data\[0\]\.remoteRef: Required/ },
    { args: ["render", "-f", join(dir, "values.json"), "--values", join(dir, "values.json")], message: /error: .*values\.json: no ExternalSecret found/ },
  ];
  for (const c of bad) {
    test(`bad input: ferry ${c.args.map((a) => a.replace(dir, "…")).join(" ")} → a clear message, non-zero exit`, async () => {
      assertUserError(await ferry(c.args), c.message);
    });
  }
});
