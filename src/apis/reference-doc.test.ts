import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { renderReference } from "./reference-doc.ts";

test("docs/reference.md is generated from the current schemas (run `npm run generate:reference`)", () => {
  const committed = readFileSync(join(import.meta.dirname, "..", "..", "docs", "reference.md"), "utf8");
  assert.equal(committed, renderReference());
});

test("the reference documents ESO's fields and defaults", () => {
  const doc = renderReference();
  for (const needle of ["`spec.refreshInterval`", '`"1h"`', "`spec.target.creationPolicy`", "`spec.provider.aws.auth.jwt.serviceAccountRef.name`", "`spec.dataFrom[].extract.key`"]) {
    assert.ok(doc.includes(needle), needle);
  }
});
