// Writes the Dockerfile and .dockerignore from deploy/image/spec.json (see scripts/image-spec.ts).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { dockerfile, dockerignore, loadImageSpec, repoRoot } from "./image-spec.ts";

const spec = loadImageSpec();
writeFileSync(join(repoRoot, "Dockerfile"), dockerfile(spec));
writeFileSync(join(repoRoot, ".dockerignore"), dockerignore(spec));
console.log("wrote Dockerfile and .dockerignore from deploy/image/spec.json");
