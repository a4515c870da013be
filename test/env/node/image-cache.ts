/**
 * Keeps the e2e image cache bounded. Every change to a shipped file makes a new Ferry image (~0.5 GB) under
 * its input hash, and nothing ever reads an old one again: left alone they filled 24 GB in a day.
 */
import { readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";

/** Ferry images kept: the one just built and the two before it (another checkout or a rebase may still want them). */
export const FERRY_IMAGES_KEPT = 3;

const FERRY_IMAGE_TAR = /^ferry-[0-9a-f]+\.tar$/;

export interface CachedFile {
  name: string;
  mtimeMs: number;
}

/**
 * Which Ferry image tars to delete: all but the `keep` newest by mtime, never `current` (the one this run
 * uses, whatever its mtime). Other files — other images, a build in progress (`ferry-….tar.tmp-<pid>`) —
 * are never chosen.
 */
export function staleFerryImages(files: readonly CachedFile[], current: string, keep = FERRY_IMAGES_KEPT): string[] {
  const images = files.filter((f) => FERRY_IMAGE_TAR.test(f.name) && f.name !== current).sort((a, b) => b.mtimeMs - a.mtimeMs || a.name.localeCompare(b.name));
  return images.slice(Math.max(0, keep - 1)).map((f) => f.name);
}

/** Deletes the stale Ferry image tars in `dir`; returns their names. */
export function pruneFerryImages(dir: string, current: string): string[] {
  const files = readdirSync(dir).map((name) => ({ name, mtimeMs: statSync(join(dir, name)).mtimeMs }));
  const stale = staleFerryImages(files, current);
  for (const name of stale) rmSync(join(dir, name), { force: true });
  return stale;
}
