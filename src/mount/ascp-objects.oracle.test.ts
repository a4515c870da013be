// Ferry's `objects` decoder against ASCP's: every case of ascp-objects.cases.ts goes through Ferry's decoder
// and through sigs.k8s.io/yaml into ASCP's struct shape in the Go oracle (tools/oracle/ascp.go). Both must
// agree on every field value, and on whether the text is refused at all.
import assert from "node:assert/strict";
import { before, test } from "node:test";
import { goAvailable, oracleBinary, runOracle, type OracleResponse } from "../../tools/oracle/index.ts";
import { ascpObjectsCases as tableCases, generatedScalarCases } from "./ascp-objects.cases.ts";
import { decodeAscpObjects, type AscpDescriptor } from "./ascp-objects.ts";

const ascpObjectsCases = [...tableCases, ...generatedScalarCases(1500)];
const skip = (await goAvailable()) ? false : "no Go toolchain on PATH";
let answers: OracleResponse[] = [];

before(async () => {
  if (skip) return;
  await oracleBinary();
  answers = await runOracle(ascpObjectsCases.map((c) => ({ op: "ascpObjects", input: c.yaml })));
}, { timeout: 30 * 60_000 });

type Comparable = { refused: true } | { refused: false; descriptors: Array<Record<string, unknown> | null> };

/** Ferry's result in the oracle's JSON shape (ASCP's fields only: Ferry's optional/expandJson are not ASCP's). */
function ferry(yaml: string): Comparable {
  let decoded: ReturnType<typeof decodeAscpObjects>;
  try {
    decoded = decodeAscpObjects(yaml);
  } catch {
    return { refused: true };
  }
  if (decoded.kind === "absent") return { refused: false, descriptors: [] };
  if (decoded.kind === "notAList" || decoded.entries.some((e) => !e.ok)) return { refused: true };
  return { refused: false, descriptors: decoded.entries.map((e) => (e.ok ? shape(e.descriptor) : null)) };
}

function shape(d: AscpDescriptor): Record<string, unknown> {
  return {
    objectName: d.objectName.value,
    objectAlias: d.objectAlias.value,
    objectVersion: d.objectVersion.value,
    objectVersionLabel: d.objectVersionLabel.value,
    objectType: d.objectType.value,
    filePermission: d.filePermission.value,
    jmesPath: d.jmesPath.map((j) => ({ path: j.path.value, objectAlias: j.objectAlias.value, filePermission: j.filePermission.value })),
    failoverObject: { objectName: d.failoverObject.objectName.value, objectVersion: d.failoverObject.objectVersion.value, objectVersionLabel: d.failoverObject.objectVersionLabel.value },
    objectTemplate: d.objectTemplate.value,
  };
}

function go(answer: OracleResponse | undefined): Comparable {
  if (!answer || answer.error !== undefined) return { refused: true };
  const list = (JSON.parse(answer.out ?? "null") ?? []) as Array<Record<string, unknown> | null>;
  // A nil slice marshals as null; Ferry's empty list is the same thing.
  return { refused: false, descriptors: list.map((d) => (d === null ? null : { ...d, jmesPath: d.jmesPath ?? [] })) };
}

for (const [i, c] of ascpObjectsCases.entries()) {
  test(`objects decode vs ASCP: ${c.name}`, { skip }, () => {
    const expected = go(answers[i]);
    if (c.ferryRefuses) {
      assert.equal(expected.refused, false, "ASCP accepts this case");
      assert.deepEqual(ferry(c.yaml), { refused: true });
      return;
    }
    assert.deepEqual(ferry(c.yaml), expected, answers[i]?.error ?? "");
  });
}
