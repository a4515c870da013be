import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { MIGRATION_DOC, withGeneratedTables } from "../../tools/migration-doc.ts";

test(`${MIGRATION_DOC}: the ESO flag and Helm value tables match the code (run \`npm run generate:migration\`)`, () => {
  const doc = readFileSync(join(import.meta.dirname, "..", "..", MIGRATION_DOC), "utf8");
  assert.equal(doc, withGeneratedTables(doc));
});
