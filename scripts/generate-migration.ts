// `npm run generate:migration`: rewrites the generated tables in docs/migrating-from-eso.md (ESO controller
// flags and Helm values → Ferry) from the tables the code uses. src/cli/migration-tables.test.ts fails when
// the document drifts.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MIGRATION_DOC, withGeneratedTables } from "../tools/migration-doc.ts";

const path = join(import.meta.dirname, "..", MIGRATION_DOC);
writeFileSync(path, withGeneratedTables(readFileSync(path, "utf8")));
console.log(`wrote ${MIGRATION_DOC}`);
