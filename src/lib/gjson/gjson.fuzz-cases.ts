/**
 * Generated gjson cases for the oracle test: a seeded generator builds documents and paths from the
 * syntax users write (and some they should not), so many more combinations are compared with Go than
 * the hand-written table holds. Deterministic: the same seed gives the same cases on every run.
 */
import { seededRandom } from "../seeded-random.ts";


const KEYS = ["a", "b", "a.b", "k*", "é", "日本", "x y", "", "1", "#", "a\\b", 'q"t', "@at", "n"];
const STRINGS = ["v", "", "a\\nb", "\\u00e9", "\\ud83d\\ude00", "\\ud800", "{[", "x\\\"y", "1"];
const NUMBERS = ["0", "-0", "1", "-1.5", "1e3", "2E-2", "12345678901234567890", "1.0", "0.1", "1e400", "-0.0e0"];
const PATH_PARTS = ["a", "b", "a\\.b", "k*", "k\\*", "*", "?", "é", "日?", "x y", "1", "0", "2", "#", "#.a", "#.#", "n", "@at", "a\\\\b"];
const QUERIES = ["#(a==1)", "#(a==1)#", '#(a=="v")#', "#(a>0)#", "#(==1)", '#(%"v*")#', "#(a)#", "#(b.#>1)#", "#(a!=1)", "#(n==~true)#", "#(n==~false)#"];

function pick<T>(rnd: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rnd() * xs.length)] as T;
}

function value(rnd: () => number, depth: number): string {
  const r = rnd();
  if (depth > 3 || r < 0.35) {
    const s = rnd();
    if (s < 0.4) return `"${pick(rnd, STRINGS)}"`;
    if (s < 0.75) return pick(rnd, NUMBERS);
    return pick(rnd, ["true", "false", "null"]);
  }
  const ws = () => pick(rnd, ["", "", " ", "\n  "]);
  if (r < 0.7) {
    const n = Math.floor(rnd() * 4);
    const members = Array.from({ length: n }, () => `${ws()}"${pick(rnd, KEYS)}"${ws()}:${ws()}${value(rnd, depth + 1)}`);
    return `{${members.join(",")}${ws()}}`;
  }
  const n = Math.floor(rnd() * 4);
  return `[${Array.from({ length: n }, () => ws() + value(rnd, depth + 1)).join(",")}${ws()}]`;
}

function randomPath(rnd: () => number): string {
  const n = 1 + Math.floor(rnd() * 3);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(rnd() < 0.15 ? pick(rnd, QUERIES) : pick(rnd, PATH_PARTS));
  let p = parts.join(".");
  if (rnd() < 0.1) p = p.replace(".", "|");
  return p;
}

function escapeKey(key: string): string {
  return key.replace(/[.*?|\\]/g, (c) => "\\" + c);
}

/** A path that follows the document's structure (so most cases hit), with some noise. */
function walkPath(rnd: () => number, doc: unknown): string {
  const parts: string[] = [];
  let node = doc;
  for (let depth = 0; depth < 5; depth++) {
    if (Array.isArray(node)) {
      const r = rnd();
      if (r < 0.15 || node.length === 0) {
        parts.push(pick(rnd, ["#", "#.a", "#.#", "#.b.0"]));
        break;
      }
      if (r < 0.25) {
        parts.push(pick(rnd, QUERIES));
        break;
      }
      const i = Math.floor(rnd() * node.length);
      parts.push(String(i));
      node = node[i];
    } else if (node !== null && typeof node === "object") {
      const keys = Object.keys(node);
      if (keys.length === 0) break;
      const key = pick(rnd, keys);
      const r = rnd();
      parts.push(r < 0.1 ? key.slice(0, 1) + "*" : r < 0.15 ? "?".repeat([...key].length) : escapeKey(key));
      node = (node as Record<string, unknown>)[key];
    } else {
      break;
    }
    if (rnd() < 0.15) break;
  }
  if (parts.length === 0 || rnd() < 0.1) parts.push(pick(rnd, PATH_PARTS));
  let p = parts.join(".");
  if (rnd() < 0.05) p = p.replace(".", "|");
  return p;
}

function path(rnd: () => number, json: string): string {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch {
    return randomPath(rnd);
  }
  return rnd() < 0.8 ? walkPath(rnd, doc) : randomPath(rnd);
}

export interface GeneratedCase {
  json: string;
  path: string;
}

export function generatedGjsonCases(count: number, seed = 20240601): GeneratedCase[] {
  const rnd = seededRandom(seed);
  const out: GeneratedCase[] = [];
  for (let i = 0; i < count; i++) {
    let json = value(rnd, 0);
    // Some documents are damaged, as real secrets sometimes are.
    if (rnd() < 0.1) json = json.slice(0, Math.floor(rnd() * json.length));
    out.push({ json, path: path(rnd, json) });
  }
  return out;
}
