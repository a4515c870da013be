// What Ferry sends to AWS for a PushSecret entry, compared with what ESO's own AWS provider code sends (run in
// the Go oracle against a scripted AWS): the value's bytes and field, description, tags, and for Parameter
// Store the type, key, tier and overwrite flag. Known, documented differences are left out of the comparison:
// version tokens (ESO: fixed or random UUIDs) and ESO's explicit default KMS key for Secrets Manager.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { PushSecretData } from "../apis/push-secret.ts";
import { ParameterStoreWriter } from "../providers/aws/parameterstore/write.ts";
import type { ParameterStoreWriteApi } from "../providers/aws/parameterstore/api.ts";
import { SecretsManagerWriter } from "../providers/aws/secretsmanager/write.ts";
import type { SecretsManagerWriteApi } from "../providers/aws/secretsmanager/write-api.ts";
import { b64, goAvailable, runOracle, type OraclePushRequest } from "../../tools/oracle/index.ts";
import { reverseKeys } from "./source-values.ts";
import { ParameterStoreTarget } from "./targets/parameter-store-target.ts";
import { SecretsManagerTarget } from "./targets/secrets-manager-target.ts";
import { VersionTokens } from "./version-tokens.ts";

const skip = (await goAvailable()) ? false : "no Go toolchain on PATH";

interface Case {
  name: string;
  service: "SecretsManager" | "ParameterStore";
  data: Record<string, string>;
  entry: PushSecretData;
  existing?: { value: string; binary: boolean; tags: Record<string, string> };
}

const meta = (spec: Record<string, unknown>) => ({ apiVersion: "kubernetes.external-secrets.io/v1alpha1", kind: "PushSecretMetadata", spec });
const key = (secretKey: string | undefined, extra: Partial<PushSecretData> = {}, property?: string): PushSecretData => ({
  match: { ...(secretKey === undefined ? {} : { secretKey }), remoteRef: { remoteKey: "oracle", ...(property ? { property } : {}) } },
  conversionStrategy: "None",
  ...extra,
});
const managed = { "managed-by": "external-secrets" };
const tricky = 'x<é>&"\\\n\t\u2028';

const cases: Case[] = [
  { name: "SM: a new secret, binary by default", service: "SecretsManager", data: { token: "s3cr3t" }, entry: key("token") },
  { name: "SM: string format, description, tags", service: "SecretsManager", data: { token: "v" }, entry: key("token", { metadata: meta({ secretPushFormat: "string", description: "mine", tags: { team: "a", env: "b" } }) }) },
  { name: "SM: a property into a new secret, nested", service: "SecretsManager", data: { u: "user" }, entry: key("u", {}, "db.auth.user") },
  { name: "SM: a property replacing a key in place, escaped as sjson", service: "SecretsManager", data: { u: tricky }, entry: key("u", {}, "b"), existing: { value: b64('{"a":1,"b":"old","c":[1,2]}'), binary: false, tags: managed } },
  { name: "SM: a property appended to an existing JSON secret", service: "SecretsManager", data: { u: "plain" }, entry: key("u", {}, "n.m"), existing: { value: b64('{ "a" : {"x":1} }'), binary: true, tags: managed } },
  { name: "SM: the whole Secret as ESO's JSON", service: "SecretsManager", data: { b: tricky, a: "1", "c.d": "<>" }, entry: key(undefined) },
  { name: "SM: the whole Secret with string format", service: "SecretsManager", data: { k: "é" }, entry: key("", { metadata: meta({ secretPushFormat: "string" }) }) },
  { name: "SM: an equal current value is not written", service: "SecretsManager", data: { token: "same" }, entry: key("token"), existing: { value: b64("same"), binary: true, tags: managed } },
  { name: "SM: an unmanaged secret is refused", service: "SecretsManager", data: { token: "v" }, entry: key("token"), existing: { value: b64("theirs"), binary: false, tags: { owner: "else" } } },
  { name: "PS: String by default", service: "ParameterStore", data: { token: "v" }, entry: key("token") },
  { name: "PS: SecureString with ESO's default key, tags", service: "ParameterStore", data: { token: "v" }, entry: key("token", { metadata: meta({ secretType: "SecureString", tags: { team: "a" } }) }) },
  { name: "PS: the whole Secret, base64 values", service: "ParameterStore", data: { b: tricky, a: "1" }, entry: key(undefined) },
  { name: "PS: the whole Secret, encodeAsDecoded", service: "ParameterStore", data: { b: tricky, a: "1" }, entry: key(undefined, { metadata: meta({ encodeAsDecoded: true }) }) },
  { name: "PS: Advanced tier with policies", service: "ParameterStore", data: { token: "v" }, entry: key("token", { metadata: meta({ tier: { type: "Advanced", policies: [{ Type: "Expiration", Version: "1.0" }] } }) }) },
  { name: "PS: an equal current value is not written", service: "ParameterStore", data: { token: "same" }, entry: key("token"), existing: { value: b64("same"), binary: false, tags: managed } },
  { name: "PS: a changed value overwrites", service: "ParameterStore", data: { token: "new" }, entry: key("token"), existing: { value: b64("old"), binary: false, tags: managed } },
];

/** The comparable part of a write call. */
type Write = Record<string, unknown>;

function normalizeGo(op: string, body: Record<string, unknown>): Write | undefined {
  const tags = (body.Tags as Array<{ Key: string; Value: string }> | undefined)?.reduce<Record<string, string>>((m, t) => ({ ...m, [t.Key]: t.Value }), {});
  if (op === "CreateSecret" || op === "PutSecretValue") {
    return { op, binary: body.SecretBinary ?? null, string: body.SecretString ?? null, description: body.Description ?? null, tags: tags ?? null };
  }
  if (op === "PutParameter") {
    return { op, name: body.Name, value: body.Value, type: body.Type, description: body.Description ?? null, keyId: body.KeyId ?? null, tier: body.Tier ?? null, policies: body.Policies ?? null, overwrite: body.Overwrite ?? null, tags: tags ?? null };
  }
  return undefined;
}

async function ferryWrites(c: Case): Promise<{ writes: Write[]; error?: string }> {
  const writes: Write[] = [];
  const source = new Map(Object.entries(c.data).map(([k, v]) => [k, new TextEncoder().encode(v)]));
  const existing = c.existing;
  const value = existing ? Buffer.from(existing.value, "base64") : undefined;
  const tags = Object.entries(existing?.tags ?? {}).map(([Key, Value]) => ({ Key, Value }));
  const notFound = (name: string) => Object.assign(new Error("not found"), { name, $metadata: { httpStatusCode: 400 } });
  try {
    if (c.service === "SecretsManager") {
      const api: SecretsManagerWriteApi = {
        createSecret: async (input) => {
          if (existing) throw Object.assign(new Error("exists"), { name: "ResourceExistsException", $metadata: { httpStatusCode: 400 } });
          writes.push({ op: "CreateSecret", binary: input.SecretBinary ? b64(input.SecretBinary) : null, string: input.SecretString ?? null, description: input.Description ?? null, tags: Object.fromEntries((input.Tags ?? []).map((t) => [t.Key, t.Value])) });
          return { ARN: "arn", Name: "oracle", VersionId: input.ClientRequestToken };
        },
        putSecretValue: async (input) => {
          writes.push({ op: "PutSecretValue", binary: input.SecretBinary ? b64(input.SecretBinary) : null, string: input.SecretString ?? null, description: null, tags: null });
          return { ARN: "arn", Name: "oracle", VersionId: input.ClientRequestToken };
        },
        describeSecret: async () => {
          if (!existing) throw notFound("ResourceNotFoundException");
          return { ARN: "arn", Name: "oracle", Tags: tags, VersionIdsToStages: { v1: ["AWSCURRENT"] } };
        },
        getSecretValue: async () => (existing!.binary ? { SecretBinary: value, VersionId: "v1" } : { SecretString: value!.toString("utf8"), VersionId: "v1" }),
        deleteSecret: async () => ({}),
        restoreSecret: async () => ({}),
        tagResource: async () => {},
        getResourcePolicy: async () => ({}),
        putResourcePolicy: async () => {},
        deleteResourcePolicy: async () => {},
      };
      const target = new SecretsManagerTarget({ writer: new SecretsManagerWriter({ api }), tokens: new VersionTokens() });
      await target.push(c.entry, source, { createOnly: false, expectExisting: existing !== undefined });
    } else {
      const api: ParameterStoreWriteApi = {
        getParameter: async () => {
          if (!existing) throw notFound("ParameterNotFound");
          return { Parameter: { Name: "oracle", Value: value!.toString("utf8") } };
        },
        listTagsForResource: async () => ({ TagList: tags }),
        putParameter: async (input) => {
          writes.push({ op: "PutParameter", name: input.Name, value: input.Value, type: input.Type, description: input.Description ?? null, keyId: input.KeyId ?? null, tier: input.Tier ?? null, policies: input.Policies ?? null, overwrite: input.Overwrite ?? null, tags: input.Tags ? Object.fromEntries(input.Tags.map((t) => [t.Key, t.Value])) : null });
          return { Version: 1 };
        },
        addTagsToResource: async () => {},
        deleteParameter: async () => {},
      };
      await new ParameterStoreTarget(new ParameterStoreWriter({ api })).push(c.entry, source, { createOnly: false, expectExisting: existing !== undefined });
    }
    return { writes };
  } catch (err) {
    return { writes, error: (err as Error).message };
  }
}

describe("PushSecret bytes: Ferry's targets against ESO's AWS provider", { skip }, () => {
  for (const c of cases) {
    test(c.name, async () => {
      const request: OraclePushRequest = { service: c.service, secretData: Object.fromEntries(Object.entries(c.data).map(([k, v]) => [k, b64(v)])), pushData: c.entry, existing: c.existing };
      const [response] = await runOracle([{ op: "pushSecret", push: request }]);
      const goCalls = JSON.parse(response!.out ?? "[]") as Array<{ op: string; body: Record<string, unknown> }>;
      const eso = goCalls.map((call) => normalizeGo(call.op, call.body)).filter((w): w is Write => w !== undefined);
      const ferry = await ferryWrites(c);
      // ESO's overwrite of a parameter carries no tags (they follow in AddTagsToResource), as Ferry's.
      assert.deepEqual(ferry.writes, eso, `ESO's calls: ${goCalls.map((x) => x.op).join(", ")}`);
      assert.equal(ferry.error !== undefined, response!.error !== undefined, `ESO: ${response!.error ?? "ok"}; Ferry: ${ferry.error ?? "ok"}`);
      if (response!.error?.includes("secret not managed by external-secrets")) assert.match(ferry.error ?? "", /secret not managed by external-secrets/);
    });
  }
});

describe("ReverseUnicode key conversion against ESO's ReverseKeys", { skip }, () => {
  test("4- and 5-digit escapes, invalid code points, plain keys", async () => {
    const keys = ["a_U0040_b", "x_U1F600_y", "s_UD800_t", "plain", "two_U002e__U002f_", "_U00zz_"];
    const [response] = await runOracle([{ op: "reverseKeys", strategy: "ReverseUnicode", keys }]);
    const eso = Object.fromEntries(Object.entries(response!.map!).map(([k, v]) => [k, Buffer.from(v, "base64").toString("utf8")]));
    const ferry = Object.fromEntries([...reverseKeys(new Map(keys.map((k) => [k, new TextEncoder().encode(k)])), "ReverseUnicode")].map(([k, v]) => [k, new TextDecoder().decode(v)]));
    assert.deepEqual(ferry, eso);
  });
});
