import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { validateObject } from "../cli/validate-command.ts";

const GEN = "generators.external-secrets.io/v1alpha1";
const gen = (kind: string, spec?: unknown) => ({ apiVersion: GEN, kind, metadata: { name: "g", namespace: "n" }, ...(spec === undefined ? {} : { spec }) });
const es = (dataFrom: unknown[]) => ({ apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", metadata: { name: "e", namespace: "n" }, spec: { dataFrom } });

describe("ferry validate: generator kinds and references", () => {
  const cases: Array<[string, unknown, string[]]> = [
    ["a Password with CRD defaults", gen("Password"), []],
    ["a UUID without spec", gen("UUID"), []],
    ["an ECR token generator", gen("ECRAuthorizationToken", { region: "eu-west-1", role: "arn:aws:iam::1:role/r" }), []],
    ["an STS generator with static keys", gen("STSSessionToken", { region: "eu-west-1", auth: { secretRef: { accessKeyIDSecretRef: { name: "k", key: "id" }, secretAccessKeySecretRef: { name: "k", key: "secret" } } } }), []],
    ["a Password whose counts exceed its length", gen("Password", { length: 8, digits: 9 }), ["spec: number of digits and symbols must be less than total length"]],
    ["a Password with too few symbols to choose from", gen("Password", { length: 8, symbols: 3, symbolCharacters: "#" }), ["spec: number of symbols exceeds available symbols and repeats are not allowed"]],
    ["a Password of a wrong encoding", gen("Password", { encoding: "rot13" }), ['spec.encoding: Unsupported value: "rot13": supported values: "base64", "base64url", "base32", "hex", "raw"']],
    ["ECR Public", gen("ECRAuthorizationToken", { region: "us-east-1", scope: "public" }), ["spec.scope: public (ECR Public) is not supported by Ferry yet; omit scope for a private registry token"]],
    ["an ECR generator without region", gen("ECRAuthorizationToken", {}), ["spec.region: Required"]],
    ["STS with jwt", gen("STSSessionToken", { region: "us-east-1", auth: { jwt: { serviceAccountRef: { name: "sa" } } } }), ["spec.auth.jwt: jwt auth cannot be used for STS Session Token generation"]],
    ["auth with both secretRef and jwt", gen("ECRAuthorizationToken", { region: "us-east-1", auth: { jwt: { serviceAccountRef: { name: "sa" } }, secretRef: {} } }), ["spec.auth: only one of secretRef or jwt can be specified"]],
    ["a ClusterGenerator", { apiVersion: GEN, kind: "ClusterGenerator", metadata: { name: "c" }, spec: { kind: "Password", generator: { passwordSpec: { length: 12 } } } }, []],
    ["a ClusterGenerator whose spec does not match its kind", { apiVersion: GEN, kind: "ClusterGenerator", metadata: { name: "c" }, spec: { kind: "ECRAuthorizationToken", generator: { passwordSpec: {} } } }, ["spec.generator: when kind is ECRAuthorizationToken, ECRAuthorizationTokenSpec must be set"]],
    ["a ClusterGenerator of a kind Ferry does not run", { apiVersion: GEN, kind: "ClusterGenerator", metadata: { name: "c" }, spec: { kind: "Fake", generator: { fakeSpec: { data: {} } } } }, ["spec.kind: Fake is not supported by Ferry (supported: ECRAuthorizationToken, STSSessionToken, Password, UUID)"]],
    ["a ClusterGenerator's inner spec is checked", { apiVersion: GEN, kind: "ClusterGenerator", metadata: { name: "c" }, spec: { kind: "Password", generator: { passwordSpec: { length: 4, digits: 5 } } } }, ["spec.generator.passwordSpec: number of digits and symbols must be less than total length"]],
    ["an ExternalSecret with a generatorRef", es([{ sourceRef: { generatorRef: { apiVersion: GEN, kind: "Password", name: "p" } } }]), []],
    ["an ExternalSecret referencing another group", es([{ sourceRef: { generatorRef: { apiVersion: "example.com/v1", kind: "Password", name: "p" } } }]), ["spec.dataFrom[0].sourceRef.generatorRef: generatorRef may only reference the generators group, but got example.com"]],
    ["an ExternalSecret referencing a kind Ferry does not run", es([{ sourceRef: { generatorRef: { kind: "Webhook", name: "w" } } }]), ["spec.dataFrom[0].sourceRef.generatorRef: generatorRef kind Webhook is not supported by Ferry (supported: ECRAuthorizationToken, STSSessionToken, Password, UUID, ClusterGenerator)"]],
  ];
  for (const [name, obj, errors] of cases) test(name, () => assert.deepEqual(validateObject("f:0", obj).errors, errors));

  test("a generator kind Ferry does not run is an error, not a skip (never silently ignored)", () => {
    for (const kind of ["Fake", "Webhook", "VaultDynamicSecret", "ACRAccessToken", "GCRAccessToken", "GithubAccessToken", "QuayAccessToken", "Grafana", "MFA", "SSHKey"]) {
      const report = validateObject("f:0", gen(kind, {}));
      assert.equal(report.skipped, undefined, kind);
      assert.deepEqual(report.errors, [`kind: Unsupported value: "${kind}": Ferry runs the generator kinds ECRAuthorizationToken, STSSessionToken, Password, UUID, ClusterGenerator (its CRD is not installed, and a generatorRef to it fails)`]);
    }
  });
  test("a wrong generator version is an error", () => assert.match(validateObject("f:0", { ...gen("UUID"), apiVersion: "generators.external-secrets.io/v1" }).errors.join(), /supported values: "generators.external-secrets.io\/v1alpha1"/));
});
