/**
 * Go's Regexp.ReplaceAllString loop, on UTF-8 bytes. It differs from String.prototype.replace for empty
 * matches: Go skips an empty match right after a previous match ("a*" on "baaac" gives "-b-c-", where
 * JavaScript gives "-b--c-"), and always advances by at least one character.
 *
 * Each search is linear, but one search may read to the end of the input to settle a match that ends far
 * earlier (`a.*b|a` on "aaaa…"), so the loop is quadratic in the worst case, in Go too: 16k characters
 * take seconds. The loop therefore stops with ReplaceAllWorkError once the bytes its searches may read
 * (the rest of the input, per search) pass a budget; keys of ordinary length never come near it.
 */
import type { RE2JS } from "re2js";

/** UTF-8 bytes: a Uint8Array in production; tests pass a counting array to measure the engine's reads. */
export type ByteInput = Uint8Array | number[];

/** Group bytes by index; undefined for a group that did not take part in the match. */
export type Replacer = (groups: ReadonlyArray<Uint8Array | undefined>) => Uint8Array;

/** Bytes the searches of one ReplaceAll may read: a few hundred milliseconds of matching at most. */
export const REPLACE_ALL_WORK_BUDGET = 4 << 20;

export class ReplaceAllWorkError extends Error {
  override readonly name = "ReplaceAllWorkError";
}

export function replaceAllBytes(re: RE2JS, src: ByteInput, replace: Replacer, budget = REPLACE_ALL_WORK_BUDGET): Uint8Array {
  const matcher = re.matcher(src);
  const groupCount = re.groupCount();
  const end = src.length;
  const out: number[] = [];
  const append = (from: number, to: number) => {
    for (let i = from; i < to; i++) out.push(src[i]!);
  };
  let lastMatchEnd = 0;
  let searchPos = 0;
  let work = 0;
  while (searchPos <= end) {
    work += end - searchPos + 1;
    if (work > budget) {
      throw new ReplaceAllWorkError(
        `regexp replacement stopped on a ${end}-byte input: its searches could read more than ${budget} bytes (Go's ReplaceAll is quadratic in the worst case; Ferry bounds it)`,
      );
    }
    if (!matcher.find(searchPos)) break;
    const start = matcher.start();
    const matchEnd = matcher.end();
    append(lastMatchEnd, start);
    // No replacement for an empty match that abuts the previous match.
    if (matchEnd > lastMatchEnd || start === 0) {
      const groups = Array.from({ length: groupCount + 1 }, (_, g) => groupBytes(src, matcher.start(g), matcher.end(g)));
      for (const b of replace(groups)) out.push(b);
    }
    lastMatchEnd = matchEnd;
    // Advance past the match, and always by at least one character (Go: utf8.DecodeRune's width,
    // 0 at the end of the input, where the second branch steps past it).
    const width = runeWidth(src, searchPos);
    if (searchPos + width > matchEnd) searchPos += width;
    else if (searchPos + 1 > matchEnd) searchPos++;
    else searchPos = matchEnd;
  }
  append(lastMatchEnd, end);
  return Uint8Array.from(out);
}

function groupBytes(src: ByteInput, start: number, end: number): Uint8Array | undefined {
  if (start < 0) return undefined;
  return Uint8Array.from(src.slice(start, end));
}

/** The byte width of the UTF-8 sequence at pos as Go's utf8.DecodeRune reports it (1 for an invalid byte). */
function runeWidth(src: ByteInput, pos: number): number {
  if (pos >= src.length) return 0;
  const b = src[pos]!;
  const width = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
  if (pos + width > src.length) return 1;
  for (let i = 1; i < width; i++) if ((src[pos + i]! & 0xc0) !== 0x80) return 1;
  return width;
}
