/**
 * The generated tables of docs/migrating-from-eso.md, each between `<!-- generated:NAME -->` and
 * `<!-- /generated:NAME -->`: `npm run generate:migration` rewrites them, and a unit test fails when the
 * document and the tables the code uses drift apart.
 */
import { renderEsoFlagTable } from "../src/cli/eso-controller-flags.ts";
import { renderEsoValuesTable } from "./helm/eso-values.ts";

export const MIGRATION_DOC = "docs/migrating-from-eso.md";

export function migrationTables(): Map<string, string> {
  return new Map([
    ["eso-controller-flags", renderEsoFlagTable()],
    ["eso-helm-values", renderEsoValuesTable()],
  ]);
}

/** The document with every generated section replaced; throws when a section's markers are missing. */
export function withGeneratedTables(doc: string, tables: ReadonlyMap<string, string> = migrationTables()): string {
  let out = doc;
  for (const [name, table] of tables) {
    const start = `<!-- generated:${name} -->`;
    const end = `<!-- /generated:${name} -->`;
    const i = out.indexOf(start);
    const j = out.indexOf(end);
    if (i < 0 || j < i) throw new Error(`${MIGRATION_DOC}: markers ${start} … ${end} not found`);
    out = `${out.slice(0, i + start.length)}\n${table}\n${out.slice(j)}`;
  }
  return out;
}
