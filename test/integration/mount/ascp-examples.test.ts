// ASCP's documented SecretProviderClasses, mounted through the socket with a real pod token, produce the
// file set ASCP documents. Each case names where its expectation comes from:
//   README  = aws/secrets-store-csi-driver-provider-aws README.md, section "SecretProviderClass options"
//   CODE    = the same repository's provider/secret_descriptor.go (GetFileName, duplicate rules) and
//             provider/secrets_manager_provider.go (object versions keyed by file name; jmesPath files keep
//             the parent file and carry its version)
//   EXAMPLE = examples/ExampleSecretProviderClass-IRSA.yaml
// Failover examples (README "Automated Failover Regions") are in failover.test.ts.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { MountHarness, type PodInfo } from "./mount-harness.ts";

let h: MountHarness;
let pod: PodInfo;
const secrets: Record<string, { arn: string; versionId: string }> = {};
let previousVersion = "";
let currentVersion = "";
let paramArn = "";

// The README's test secret.
const MY_SECRET = '{"username":"memeuser", "password":"hunter2"}';

before(async () => {
  h = await MountHarness.start();
  secrets.MySecret = await h.createSecret("MySecret", MY_SECRET);
  secrets.Rotated = await h.createSecret("Rotated", "old-value");
  previousVersion = secrets.Rotated.versionId;
  currentVersion = await h.putSecretValue("Rotated", "new-value");
  secrets.Hyphens = await h.createSecret("Hyphens", '{"api-key":"k-123","nested":{"port":5432}}');
  secrets.Pathy = await h.createSecret("team/app/db", "pathy-value");
  await h.putParameter("/app/config/db-host", "db.internal");
  const v2 = await h.putParameter("/app/config/db-host", "db2.internal", { overwrite: true });
  await h.labelParameter("/app/config/db-host", v2, "blue");
  await h.putParameter("/app/config/db-host", "db3.internal", { overwrite: true });
  await h.putParameter("plain-param", "plain", { type: "String" });
  paramArn = `arn:aws:ssm:${h.region}:${h.accountId}:parameter/plain-param`;
  pod = await h.pod();
});
after(async () => {
  await h.close();
});

interface Example {
  name: string;
  source: string;
  parameters: () => Record<string, string>;
  files: () => Record<string, string>;
  modes?: Record<string, number>;
  versions?: () => Record<string, string>;
  /** Why the emulator cannot show this case. */
  skip?: string;
}

const examples: Example[] = [
  {
    name: "plain object by name: one file named after the secret",
    source: 'EXAMPLE; README Usage: "cat /mnt/secrets-store/MySecret"',
    parameters: () => ({ objects: '- objectName: "MySecret"\n  objectType: "secretsmanager"\n' }),
    files: () => ({ MySecret: MY_SECRET }),
    modes: { MySecret: 0o644 },
    versions: () => ({ MySecret: secrets.MySecret!.versionId }),
  },
  {
    name: "full ARN as objectName: objectType may be omitted, the file is named after the ARN",
    source: 'README objectName ("friendly name or full ARN"), objectType ("optional when using a Secrets Manager ARN"), objectAlias ("defaults to objectName"); CODE GetFileName',
    parameters: () => ({ objects: `- objectName: "${secrets.MySecret!.arn}"\n` }),
    files: () => ({ [secrets.MySecret!.arn]: MY_SECRET }),
  },
  {
    name: "objectAlias names the file",
    source: 'README objectAlias: "the file name under which the secret will be mounted"',
    parameters: () => ({ objects: '- objectName: "MySecret"\n  objectType: "secretsmanager"\n  objectAlias: "db-creds"\n' }),
    files: () => ({ "db-creds": MY_SECRET }),
    versions: () => ({ "db-creds": secrets.MySecret!.versionId }),
  },
  {
    name: "one secret twice: AWSCURRENT and AWSPREVIOUS by objectVersionLabel, told apart by alias",
    source: "README objectVersionLabel (Secrets Manager VersionStage); CODE duplicate rules (same objectName allowed with distinct alias)",
    parameters: () => ({
      objects: [
        '- objectName: "Rotated"',
        '  objectType: "secretsmanager"',
        '  objectAlias: "current"',
        '- objectName: "Rotated"',
        '  objectType: "secretsmanager"',
        '  objectAlias: "previous"',
        '  objectVersionLabel: "AWSPREVIOUS"',
      ].join("\n"),
    }),
    files: () => ({ current: "new-value", previous: "old-value" }),
    versions: () => ({ current: currentVersion, previous: previousVersion }),
  },
  {
    name: "objectVersion pins a Secrets Manager VersionId",
    source: "README objectVersion (Secrets Manager VersionId)",
    parameters: () => ({ objects: `- objectName: "Rotated"\n  objectType: "secretsmanager"\n  objectVersion: "${previousVersion}"\n` }),
    files: () => ({ Rotated: "old-value" }),
    versions: () => ({ Rotated: previousVersion }),
  },
  {
    name: "jmesPath: the README's username/password example, plus the parent file",
    source: "README jmesPath example (MySecretUsername, MySecretPassword); CODE fetchSecretManagerValueWithClient keeps the secret's own file and gives jmesPath files its version",
    parameters: () => ({
      objects: [
        '- objectName: "MySecret"',
        '  objectType: "secretsmanager"',
        "  jmesPath:",
        '    - path: "username"',
        '      objectAlias: "MySecretUsername"',
        '    - path: "password"',
        '      objectAlias: "MySecretPassword"',
      ].join("\n"),
    }),
    files: () => ({ MySecret: MY_SECRET, MySecretUsername: "memeuser", MySecretPassword: "hunter2" }),
    versions: () => ({ MySecret: secrets.MySecret!.versionId, MySecretUsername: secrets.MySecret!.versionId, MySecretPassword: secrets.MySecret!.versionId }),
  },
  {
    name: "jmesPath with a hyphenated key, quoted as the README says",
    source: "README jmesPath: \"If either the 'path' or the 'objectAlias' fields contain a hyphen, then they must be escaped\" ('\"hyphenated-path\"')",
    parameters: () => ({
      objects: ['- objectName: "Hyphens"', '  objectType: "secretsmanager"', "  jmesPath:", `    - path: '"api-key"'`, '      objectAlias: "apikey"'].join("\n"),
    }),
    files: () => ({ Hyphens: '{"api-key":"k-123","nested":{"port":5432}}', apikey: "k-123" }),
  },
  {
    name: "filePermission on the object, inherited by its jmesPath entries unless they set their own",
    source: 'README filePermission ("4 digit string", default "0644"); jmesPath filePermission ("default to the parent object\'s file permission")',
    parameters: () => ({
      objects: [
        '- objectName: "MySecret"',
        '  objectType: "secretsmanager"',
        '  filePermission: "0600"',
        "  jmesPath:",
        '    - path: "username"',
        '      objectAlias: "user"',
        '    - path: "password"',
        '      objectAlias: "pass"',
        '      filePermission: "0400"',
      ].join("\n"),
    }),
    files: () => ({ MySecret: MY_SECRET, user: "memeuser", pass: "hunter2" }),
    modes: { MySecret: 0o600, user: 0o600, pass: 0o400 },
  },
  {
    name: "SSM parameter by name: '/' becomes '_' by default; the version is the parameter's version number",
    source: 'README objectType "ssmparameter"; pathTranslation ("When not specified the underscore character is used, thus My/Path/Secret will be mounted as My_Path_Secret")',
    parameters: () => ({ objects: '- objectName: "/app/config/db-host"\n  objectType: "ssmparameter"\n' }),
    files: () => ({ "_app_config_db-host": "db3.internal" }),
    versions: () => ({ "_app_config_db-host": "3" }),
  },
  {
    name: "SSM objectVersion and objectVersionLabel",
    source: "README objectVersion (SSM version number), objectVersionLabel (SSM parameter label)",
    parameters: () => ({
      objects: [
        '- objectName: "/app/config/db-host"',
        '  objectType: "ssmparameter"',
        '  objectAlias: "v1"',
        '  objectVersion: "1"',
        '- objectName: "/app/config/db-host"',
        '  objectType: "ssmparameter"',
        '  objectAlias: "blue"',
        '  objectVersionLabel: "blue"',
      ].join("\n"),
    }),
    files: () => ({ v1: "db.internal", blue: "db2.internal" }),
    versions: () => ({ v1: "1", blue: "2" }),
  },
  {
    name: "SSM parameter by full ARN",
    source: 'README objectName: for Parameter Store "can be either the name or full ARN of the parameter"',
    parameters: () => ({ objects: `- objectName: "${paramArn}"\n  objectType: "ssmparameter"\n  objectAlias: "plain"\n` }),
    files: () => ({ plain: "plain" }),
    // Real SSM GetParameters takes names or ARNs (and shared cross-account parameters only by ARN); moto's
    // GetParameters answers an ARN with InvalidParameters (its GetParameter resolves it). Not converted to a
    // name here, since that would break cross-account parameters.
    skip: "moto's GetParameters does not resolve parameter ARNs",
  },
  {
    name: "pathTranslation: a custom character",
    source: 'README pathTranslation ("a single character string")',
    parameters: () => ({ pathTranslation: "-", objects: '- objectName: "team/app/db"\n  objectType: "secretsmanager"\n' }),
    files: () => ({ "team-app-db": "pathy-value" }),
  },
  {
    name: 'pathTranslation "False": no substitution, leading "/" stripped; the driver writes the subdirectories',
    source: 'README pathTranslation ("When set to \\"False\\", no character substitution is performed"); CODE GetFileName strips the leading separator',
    parameters: () => ({
      pathTranslation: "False",
      objects: '- objectName: "team/app/db"\n  objectType: "secretsmanager"\n- objectName: "/app/config/db-host"\n  objectType: "ssmparameter"\n',
    }),
    files: () => ({ "team/app/db": "pathy-value", "app/config/db-host": "db3.internal" }),
  },
  {
    name: "secrets and parameters in one SecretProviderClass",
    source: "README objects (objectType per entry)",
    parameters: () => ({
      objects: '- objectName: "MySecret"\n  objectType: "secretsmanager"\n- objectName: "plain-param"\n  objectType: "ssmparameter"\n',
    }),
    files: () => ({ MySecret: MY_SECRET, "plain-param": "plain" }),
  },
];

describe("ASCP's documented SecretProviderClasses", () => {
  for (const example of examples) {
    test(`${example.name} [${example.source}]`, example.skip ? { skip: example.skip } : {}, async () => {
      const volume = await h.mount({ region: h.region, ...example.parameters() }, pod);
      assert.deepEqual(volume.files, example.files());
      for (const [path, mode] of Object.entries(example.modes ?? {})) assert.equal(volume.modes[path], mode, `mode of ${path}`);
      // One object version per file, keyed by file name (CODE: curMap[GetFileName()]).
      assert.deepEqual(Object.keys(volume.versions).sort(), Object.keys(example.files()).sort());
      if (example.versions) assert.deepEqual(volume.versions, example.versions());
    });
  }

  test("the default file mode is the driver's MountRequest.permission", async () => {
    const raw = await h.mountRaw({ attributes: h.attributes({ region: h.region, objects: '- objectName: "MySecret"\n  objectType: "secretsmanager"\n' }, pod), permission: "288" });
    assert.equal(raw.files[0]?.mode, 0o440);
  });
});
