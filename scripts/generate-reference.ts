// `npm run generate:reference`: writes docs/reference.md from the schemas.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderReference } from "../src/apis/reference-doc.ts";

const path = join(import.meta.dirname, "..", "docs", "reference.md");
writeFileSync(path, renderReference());
console.log(`wrote ${path}`);
