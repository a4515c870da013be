import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { staleFerryImages, type CachedFile } from "./image-cache.ts";

const at = (name: string, mtimeMs: number): CachedFile => ({ name, mtimeMs });

describe("staleFerryImages", () => {
  const cases: Array<{ name: string; files: CachedFile[]; current: string; keep?: number; stale: string[] }> = [
    { name: "nothing to prune at or below the bound", files: [at("ferry-aa.tar", 1), at("ferry-bb.tar", 2), at("ferry-cc.tar", 3)], current: "ferry-cc.tar", stale: [] },
    {
      name: "keeps the current and the two newest others; the oldest go",
      files: [at("ferry-01.tar", 1), at("ferry-02.tar", 2), at("ferry-03.tar", 3), at("ferry-04.tar", 4), at("ferry-05.tar", 5)],
      current: "ferry-05.tar",
      stale: ["ferry-02.tar", "ferry-01.tar"],
    },
    {
      name: "the current image is kept even when it is the oldest (a cache hit on an old build)",
      files: [at("ferry-01.tar", 1), at("ferry-02.tar", 2), at("ferry-03.tar", 3), at("ferry-04.tar", 4)],
      current: "ferry-01.tar",
      stale: ["ferry-02.tar"],
    },
    {
      name: "other images, build temporaries and directories are never chosen",
      files: [at("busybox-0f.tar", 0), at("pause-0a.tar", 0), at("csi-livenessprobe-0b.tar", 0), at("ferry-0c.tar.tmp-123", 0), at("ferry-0d.tar.oci", 0), at("prod-deps-0e", 0), at("ferry-01.tar", 1), at("ferry-02.tar", 2)],
      current: "ferry-02.tar",
      keep: 1,
      stale: ["ferry-01.tar"],
    },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(staleFerryImages(c.files, c.current, c.keep), c.stale));
});
