/**
 * The two places where Go's regexp engine and JavaScript's, given the same pattern, disagree; Ferry
 * detects them and refuses (GoRegexpUnsupportedError) instead of answering differently from ESO.
 *
 * 1. Captures inside a repetition. JavaScript clears a group at the start of every iteration; Go (like
 *    Perl) keeps the value from the last iteration that set it: for (?:(a)|b)+ on "ab", Go's $1 is "a"
 *    and JavaScript's is empty. Only possible when an iteration can finish without setting the group:
 *    the group sits below a repetition that may run more than once and, below that, in an alternative
 *    or an optional part. And Go runs the optional copies of a bounded repetition ({1,2}, {0,3}) even
 *    when they match empty, so (\w?){1,2} on "c" gives Go's $1 "" where JavaScript keeps "c".
 *    The overall match is the same in both engines (Go has no backreferences), so this matters only
 *    when the replacement refers to such a group.
 * 2. Optional iterations that match empty. JavaScript rejects an optional iteration that matched empty
 *    and backtracks into it; Go accepts it. That only changes the outcome when the repeated part
 *    prefers an empty match over a non-empty one it could also make (a lazy quantifier, or an empty
 *    alternative before a non-empty one): (?:a*?)+ on "a" matches "a" in JavaScript and "" in Go, and
 *    so does (?:a??)? although it repeats at most once. Greedy bodies such as (a*)* or (a|)* agree.
 */
import type { Node } from "./ast.ts";

function subs(node: Node): Node[] {
  if (node.op === "concat" || node.op === "alternate") return node.subs;
  if (node.op === "capture" || node.op === "repeat") return [node.sub];
  return [];
}

/** Can match the empty string. */
function nullable(node: Node): boolean {
  switch (node.op) {
    case "literal":
    case "class":
    case "anyChar":
    case "anyCharNotNL":
      return false;
    case "concat":
      return node.subs.every(nullable);
    case "alternate":
      return node.subs.some(nullable);
    case "capture":
      return nullable(node.sub);
    case "repeat":
      return node.min === 0 || nullable(node.sub);
    default:
      return true;
  }
}

/** Can only match the empty string (assertions and empty groups). */
function emptyOnly(node: Node): boolean {
  switch (node.op) {
    case "literal":
    case "class":
    case "anyChar":
    case "anyCharNotNL":
      return false;
    case "repeat":
      return node.max === 0 || emptyOnly(node.sub);
    case "concat":
    case "alternate":
    case "capture":
      return subs(node).every(emptyOnly);
    default:
      return true;
  }
}

const loops = (node: Node): boolean => node.op === "repeat" && (node.max === -1 || node.max > 1);

/** In the node's order of preference, some empty match comes before some non-empty match. */
function emptyFirst(node: Node): boolean {
  switch (node.op) {
    case "capture":
      return emptyFirst(node.sub);
    case "concat":
      return nullable(node) && node.subs.some(emptyFirst);
    case "alternate":
      return node.subs.some(
        (branch, i) => emptyFirst(branch) || (nullable(branch) && node.subs.slice(i + 1).some((later) => !emptyOnly(later))),
      );
    case "repeat":
      if (!node.greedy && node.min === 0 && !emptyOnly(node.sub)) return true;
      return emptyFirst(node.sub);
    default:
      return false;
  }
}

/** A repetition whose optional iterations Go and JavaScript treat differently (difference 2), if any. */
export function nullableLoop(root: Node): Node | undefined {
  if (root.op === "repeat" && (root.max === -1 || root.max > root.min) && nullable(root.sub) && emptyFirst(root.sub)) return root;
  for (const sub of subs(root)) {
    const found = nullableLoop(sub);
    if (found) return found;
  }
  return undefined;
}

function capturesIn(node: Node, out: Set<number>): void {
  if (node.op === "capture") out.add(node.index);
  for (const sub of subs(node)) capturesIn(sub, out);
}

/** Optional iterations whose body can match empty as well as non-empty text. */
const optionalNullable = (node: Node): boolean =>
  node.op === "repeat" && (node.max === -1 || node.max > node.min) && nullable(node.sub) && !emptyOnly(node.sub);

export interface UnstableCaptures {
  /** Groups whose value may differ between the engines (difference 1). */
  value: Set<number>;
  /**
   * Groups that may take part (with an empty value) in Go but not in JavaScript: an empty optional
   * iteration that Go runs and JavaScript rejects. Harmless for $n (both expand to ""), but it decides
   * which group a $name shared by several groups refers to.
   */
  participation: Set<number>;
}

export function unstableCaptures(root: Node): UnstableCaptures {
  const value = new Set<number>();
  const participation = new Set<number>();
  const walk = (node: Node, inLoop: boolean, optional: boolean): void => {
    if (node.op === "capture" && inLoop && optional) value.add(node.index);
    if (optionalNullable(node) && node.op === "repeat") {
      capturesIn(node.sub, participation);
      // Bounded repetitions are optional copies in Go, and an empty copy overwrites the group.
      if (node.max !== -1 && node.max >= 2) capturesIn(node.sub, value);
    }
    if (node.op === "alternate") {
      for (const sub of node.subs) walk(sub, inLoop, optional || inLoop);
    } else if (node.op === "repeat") {
      walk(node.sub, inLoop || loops(node), optional || (inLoop && node.min === 0));
    } else {
      for (const sub of subs(node)) walk(sub, inLoop, optional);
    }
  };
  walk(root, false, false);
  return { value, participation };
}
