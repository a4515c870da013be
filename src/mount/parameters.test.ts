// ASCP's SecretProviderClass parameters: what parses, which file names result, and which mistakes are
// refused (with the object named) before any AWS call. Expectations follow ASCP's README
// ("SecretProviderClass options") and provider/secret_descriptor.go.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { MountError } from "./errors.ts";
import { parseDefaultMode, parseGlobalParameters, parseObjects, toFileName, type ParseObjectsOptions } from "./parameters.ts";

const east: ParseObjectsOptions = { regions: ["us-east-1"], translate: "_", defaultMode: 0o644 };
const withFailover: ParseObjectsOptions = { regions: ["us-east-1", "us-east-2"], translate: "_", defaultMode: 0o644 };

function rejects(yaml: string, pattern: RegExp, options = east): void {
  assert.throws(
    () => parseObjects(yaml, options),
    (err: unknown) => {
      assert.ok(err instanceof MountError, String(err));
      assert.match(err.message, pattern);
      assert.equal(err.code, 3, "INVALID_ARGUMENT");
      return true;
    },
  );
}

describe("parameters", () => {
  test("pathTranslation: default _, a single character, or False (README)", () => {
    const cases: Array<{ value?: string; translate: string | undefined; file: string }> = [
      { translate: "_", file: "My_Path_Secret" },
      { value: "-", translate: "-", file: "My-Path-Secret" },
      { value: "False", translate: undefined, file: "My/Path/Secret" },
      { value: "false", translate: undefined, file: "My/Path/Secret" },
    ];
    for (const c of cases) {
      const global = parseGlobalParameters(c.value === undefined ? {} : { pathTranslation: c.value });
      assert.equal(global.translate, c.translate);
      assert.equal(toFileName("My/Path/Secret", global.translate), c.file);
    }
    assert.throws(() => parseGlobalParameters({ pathTranslation: "ab" }), /pathTranslation must be either "False" or a single character/);
  });

  test("translation off strips leading slashes, as ASCP's GetFileName", () => {
    assert.equal(toFileName("/app/db", undefined), "app/db");
    assert.equal(toFileName("/app/db", "_"), "_app_db");
  });

  test("usePodIdentity takes Go ParseBool values", () => {
    for (const v of ["true", "True", "TRUE", "t", "T", "1"]) assert.equal(parseGlobalParameters({ usePodIdentity: v }).usePodIdentity, true, v);
    for (const v of ["false", "False", "FALSE", "f", "F", "0", ""]) assert.equal(parseGlobalParameters({ usePodIdentity: v }).usePodIdentity, false, v);
    assert.throws(() => parseGlobalParameters({ usePodIdentity: "yes" }), /usePodIdentity must be true or false/);
  });

  test("objects: names, ARNs, aliases, versions, modes", () => {
    const objects = parseObjects(
      `
- objectName: "MySecret"
  objectType: "secretsmanager"
- objectName: "arn:aws:secretsmanager:us-east-1:123456789012:secret:Other-a1b2c3"
- objectName: "/app/param"
  objectType: ssmparameter
  objectVersion: 3
  filePermission: "0600"
- objectName: "arn:aws:ssm:us-east-1:123456789012:parameter/app/arn-param"
  objectAlias: arnparam
- objectName: "MySecret"
  objectType: "secretsmanager"
  objectAlias: previous
  objectVersionLabel: AWSPREVIOUS
  jmesPath:
    - path: '"api-key"'
      objectAlias: apikey
      filePermission: "0400"
`,
      east,
    );
    assert.deepEqual(
      objects.map((o) => [o.objectType, o.fileName, o.mode.toString(8), o.primary.objectVersion ?? "", o.primary.objectVersionLabel ?? ""]),
      [
        ["secretsmanager", "MySecret", "644", "", ""],
        ["secretsmanager", "arn:aws:secretsmanager:us-east-1:123456789012:secret:Other-a1b2c3", "644", "", ""],
        ["ssmparameter", "_app_param", "600", "3", ""],
        ["ssmparameter", "arnparam", "644", "", ""],
        ["secretsmanager", "previous", "644", "", "AWSPREVIOUS"],
      ],
    );
    assert.deepEqual(objects[4]!.jmesPath, [{ path: '"api-key"', objectAlias: "apikey", fileName: "apikey", mode: 0o400 }]);
  });

  // ASCP's own end-to-end SecretProviderClass (tests/BasicTestMountSPC.yaml) writes `Path:`, `ObjectAlias:`
  // with capitals; ASCP decodes with sigs.k8s.io/yaml into Go structs, whose field names match
  // case-insensitively. Ferry must mount the same file set.
  test("ASCP's e2e SecretProviderClass with capitalised fields mounts ASCP's file set", () => {
    const arn = (region: string, name: string) => `arn:aws:secretsmanager:${region}:123456789012:secret:${name}`;
    const objects = parseObjects(
      `
- objectName: "ParameterStoreTest1"
  objectType: "ssmparameter"
- objectName: "ParameterStoreTestWithLongName"
  objectAlias: "ParameterStoreTest2"
  objectType: "ssmparameter"
- objectName: "SecretsManagerTest1"
  objectType: "secretsmanager"
- objectName: ${arn("us-east-1", "SecretsManagerTest2")}
  objectAlias: "SecretsManagerTest2"
- objectName: "jsonSsm"
  objectType: "ssmparameter"
  jmesPath:
      - Path: "username"
        ObjectAlias: "ssmUsername"
      - Path: "password"
        ObjectAlias: "ssmPassword"
- objectName: "secretsManagerJson"
  objectType: "secretsmanager"
  jmesPath:
      - Path: "username"
        ObjectAlias: "secretsManagerUsername"
      - Path: "password"
        ObjectAlias: "secretsManagerPassword"
- objectName: "${arn("us-east-1", "SMSecret")}"
  failoverObject:
    objectName: "${arn("us-east-2", "SMBackupSecret")}"
  ObjectAlias: "smFailOverSecret"
`,
      withFailover,
    );
    assert.deepEqual(
      objects.flatMap((o) => [o.fileName, ...o.jmesPath.map((j) => `${o.fileName}:${j.path}→${j.fileName}`)]),
      [
        "ParameterStoreTest1",
        "ParameterStoreTest2",
        "SecretsManagerTest1",
        "SecretsManagerTest2",
        "jsonSsm",
        "jsonSsm:username→ssmUsername",
        "jsonSsm:password→ssmPassword",
        "secretsManagerJson",
        "secretsManagerJson:username→secretsManagerUsername",
        "secretsManagerJson:password→secretsManagerPassword",
        "smFailOverSecret",
      ],
    );
    assert.equal(objects.at(-1)!.failover.objectName, arn("us-east-2", "SMBackupSecret"));
  });

  // What sigs.k8s.io/yaml does that a strict YAML 1.2 reader does not (each confirmed by the Go oracle in
  // ascp-objects.oracle.test.ts): YAML 1.1 booleans, numbers formatted into strings, last key wins.
  test("objects decode as ASCP's Go decoder does", () => {
    const cases: Array<{ yaml: string; want: Record<string, string> }> = [
      { yaml: "- objectName: a\n  objectType: secretsmanager\n  objectAlias: y", want: { fileName: "true" } },
      { yaml: "- objectName: a\n  objectType: ssmparameter\n  objectVersion: 0x10", want: { version: "16" } },
      { yaml: "- objectName: a\n  objectType: ssmparameter\n  objectVersion: 1_000", want: { version: "1000" } },
      { yaml: "- objectName: a\n  ObjectName: b\n  objectType: secretsmanager", want: { fileName: "a" } },
      { yaml: "- objectName: a\n  objectName: b\n  objectType: secretsmanager", want: { fileName: "b" } },
      { yaml: "- {<<: {objectType: secretsmanager}, objectName: m, unknownField: 1}", want: { fileName: "m" } },
    ];
    for (const c of cases) {
      const [o] = parseObjects(c.yaml, east);
      const got = { fileName: o!.fileName, version: o!.primary.objectVersion ?? "" };
      for (const [k, v] of Object.entries(c.want)) assert.equal(got[k as keyof typeof got], v, c.yaml);
    }
  });

  test("mistakes are refused with the object named", () => {
    const cases: Array<{ yaml: string; error: RegExp; options?: ParseObjectsOptions }> = [
      { yaml: "- objectName: [unclosed", error: /objects: not valid YAML/ },
      { yaml: "objectName: x", error: /objects: must be a YAML list/ },
      { yaml: "[]", error: /the list is empty/ },
      { yaml: "- objectType: secretsmanager", error: /objects\[0\].*objectName is required/ },
      { yaml: "- objectName: plain", error: /"plain".*objectType is required unless objectName is a full ARN/ },
      { yaml: "- objectName: x\n  objectType: vault", error: /"x".*invalid objectType "vault"/ },
      { yaml: "- objectName: x\n  objectType: ssm", error: /invalid objectType "ssm"/ },
      { yaml: "- objectName: arn:aws:secretsmanager:eu-west-1:1:secret:x-abcdef", error: /ARN region must match region us-east-1/ },
      { yaml: "- objectName: arn:aws:s3:us-east-1:1:bucket", error: /invalid service in ARN: s3/ },
      { yaml: "- objectName: arn:aws:ssm:us-east-1:1:parameter/x\n  objectType: secretsmanager", error: /objectType does not match the ARN/ },
      { yaml: "- objectName: p\n  objectType: ssmparameter\n  objectVersion: '1'\n  objectVersionLabel: l", error: /can not specify both objectVersion and objectVersionLabel/ },
      { yaml: "- objectName: x\n  objectType: secretsmanager\n  filePermission: 0644", error: /filePermission must be a quoted 4-digit octal string/ },
      { yaml: "- objectName: x\n  objectType: secretsmanager\n  filePermission: '0999'", error: /filePermission must be a quoted 4-digit octal string/ },
      { yaml: "- objectName: x\n  objectType: secretsmanager\n  jmesPath:\n    - path: a", error: /jmesPath\[0\].objectAlias is required/ },
      { yaml: "- objectName: x\n  objectType: secretsmanager\n  jmesPath:\n    - path: api-key\n      objectAlias: k", error: /"x".*not a valid JMESPath expression.*must be quoted/ },
      { yaml: "- objectName: x\n  objectType: secretsmanager\n  objectAlias: '..'", error: /may not contain "\.\."/ },
      { yaml: "- objectName: a\n  objectType: secretsmanager\n- objectName: a\n  objectType: secretsmanager", error: /file name "a" is already used by object "a"/ },
      { yaml: "- objectName: a\n  objectType: secretsmanager\n  objectAlias: f\n- objectName: b\n  objectType: secretsmanager\n  objectAlias: f", error: /file name "f" is already used/ },
      { yaml: "- objectName: a\n  objectType: secretsmanager\n  jmesPath:\n    - path: k\n      objectAlias: a", error: /file name "a" is already used/ },
      { yaml: "- objectName: a\n  objectType: secretsmanager\n  failoverObject:\n    objectName: b", error: /objectAlias must be specified for objects with failoverObject/, options: withFailover },
      { yaml: "- objectName: a\n  objectType: secretsmanager\n  objectAlias: f\n  failoverObject:\n    objectName: b", error: /failoverObject is allowed only when failoverRegion is set/ },
      {
        yaml: "- objectName: a\n  objectType: secretsmanager\n  objectAlias: f\n  objectVersion: v1\n  failoverObject:\n    objectName: b\n    objectVersion: v2",
        error: /object versions must match between primary and failover regions/,
        options: withFailover,
      },
      {
        yaml: "- objectName: a\n  objectType: secretsmanager\n  objectAlias: f\n  failoverObject:\n    objectName: arn:aws:secretsmanager:us-east-1:1:secret:b-abcdef",
        error: /failoverObject.objectName: ARN region must match region us-east-2/,
        options: withFailover,
      },
      { yaml: "- objectName: x\n  objectType: secretsmanager\n  optional: maybe", error: /optional must be true or false/ },
      { yaml: "- objectName: x\n  objectType: secretsmanager\n  objectVersion: [1]", error: /"x".*objectVersion must be a string, got a list/ },
      { yaml: "- objectName: x\n  objectType: secretsmanager\n  objectTemplate: '{{ .v }}'", error: /objectTemplate is not supported by Ferry/ },
      { yaml: "- objectName: x\n  objectType: secretsmanager\n- ~", error: /objects\[1\].*must be a mapping/ },
    ];
    for (const c of cases) rejects(c.yaml, c.error, c.options);
  });

  test("every mistake is reported, not only the first", () => {
    rejects("- objectName: a\n- objectName: b\n  objectType: nope", /2 objects failed.*"a".*"b"/s);
  });

  test("the YAML parser's message (which quotes the line) does not reach the error", () => {
    assert.throws(
      () => parseObjects("- objectName: hunter2-password\n  objectType: [", east),
      (err: Error) => !err.message.includes("hunter2"),
    );
  });

  test("the driver's permission is the default mode", () => {
    assert.equal(parseDefaultMode("420"), 0o644);
    assert.equal(parseDefaultMode(""), 0o644);
    assert.equal(parseObjects("- objectName: x\n  objectType: secretsmanager", { ...east, defaultMode: parseDefaultMode("256") })[0]!.mode, 0o400);
    assert.throws(() => parseDefaultMode("rw"), /not a JSON number/);
  });

  test("failoverObject: its name and versions are read in the failover region", () => {
    const [o] = parseObjects(
      `
- objectName: "arn:aws:secretsmanager:us-east-1:123456789012:secret:PrimarySecret-12345"
  failoverObject:
    objectName: "arn:aws:secretsmanager:us-east-2:123456789012:secret:FailoverSecret-12345"
  objectAlias: testArn
`,
      withFailover,
    );
    assert.equal(o!.fileName, "testArn");
    assert.equal(o!.failover.objectName, "arn:aws:secretsmanager:us-east-2:123456789012:secret:FailoverSecret-12345");
    const [same] = parseObjects("- objectName: MySecret\n  objectType: secretsmanager", withFailover);
    assert.equal(same!.failover.objectName, "MySecret", "without failoverObject the same name is read in the failover region");
  });
});
