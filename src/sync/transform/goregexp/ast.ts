/** The parsed form of a Go regular expression, close to Go's regexp/syntax tree. */
import type { JsClassItem } from "./unicode-classes.ts";

export type ClassItem = JsClassItem | { kind: "negated"; items: ClassItem[] };

export type Node =
  | { op: "empty" }
  | { op: "literal"; rune: number; fold: boolean }
  | { op: "class"; items: ClassItem[]; negated: boolean; fold: boolean }
  | { op: "anyChar" }
  | { op: "anyCharNotNL" }
  | { op: "beginLine" }
  | { op: "endLine" }
  | { op: "beginText" }
  | { op: "endText" }
  | { op: "wordBoundary" }
  | { op: "noWordBoundary" }
  | { op: "capture"; index: number; sub: Node }
  | { op: "concat"; subs: Node[] }
  | { op: "alternate"; subs: Node[] }
  /** max -1: unbounded. counted: written as {n,m} (only those count toward Go's 1000 limit). */
  | { op: "repeat"; min: number; max: number; greedy: boolean; counted: boolean; sub: Node };

export interface ParsedRegexp {
  root: Node;
  /** Capture group names by index; index 0 (the whole match) and unnamed groups are "". */
  names: string[];
}
