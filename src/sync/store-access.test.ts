import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { storeAccess, type StoreCondition } from "./store-access.ts";

const css = (conditions?: StoreCondition[]) => ({ kind: "ClusterSecretStore" as const, name: "shared", conditions });

describe("storeAccess", () => {
  const cases: Array<{ name: string; store: Parameters<typeof storeAccess>[0]; ns: string; labels?: Record<string, string>; allowed: boolean }> = [
    { name: "SecretStore in the same namespace", store: { kind: "SecretStore", name: "s", namespace: "a" }, ns: "a", allowed: true },
    { name: "SecretStore from another namespace", store: { kind: "SecretStore", name: "s", namespace: "a" }, ns: "b", allowed: false },
    { name: "ClusterSecretStore without conditions", store: css(), ns: "any", allowed: true },
    { name: "namespaces list", store: css([{ namespaces: ["team-a"] }]), ns: "team-a", allowed: true },
    { name: "namespaces list excludes", store: css([{ namespaces: ["team-a"] }]), ns: "team-b", allowed: false },
    { name: "regex", store: css([{ namespaceRegexes: ["^team-.*$"] }]), ns: "team-z", allowed: true },
    { name: "regex excludes", store: css([{ namespaceRegexes: ["^team-.*$"] }]), ns: "kube-system", allowed: false },
    { name: "selector matchLabels", store: css([{ namespaceSelector: { matchLabels: { secrets: "yes" } } }]), ns: "x", labels: { secrets: "yes" }, allowed: true },
    { name: "selector excludes", store: css([{ namespaceSelector: { matchLabels: { secrets: "yes" } } }]), ns: "x", labels: {}, allowed: false },
    { name: "selector expression NotIn", store: css([{ namespaceSelector: { matchExpressions: [{ key: "env", operator: "NotIn", values: ["prod"] }] } }]), ns: "x", labels: { env: "dev" }, allowed: true },
    { name: "any condition matching is enough", store: css([{ namespaces: ["a"] }, { namespaceRegexes: ["^b$"] }]), ns: "b", allowed: true },
    { name: "an invalid regex matches nothing", store: css([{ namespaceRegexes: ["("] }]), ns: "(", allowed: false },
    // Go RE2 syntax, as ESO: JavaScript's RegExp rejected (?i) (a SyntaxError, so the store served nobody).
    { name: "case-insensitive regex, as ESO", store: css([{ namespaceRegexes: ["(?i)^TEAM-A$"] }]), ns: "team-a", allowed: true },
    { name: "regex is unanchored, as Go's MatchString", store: css([{ namespaceRegexes: ["team"] }]), ns: "my-team-x", allowed: true },
    // Exponential for a backtracking engine (2^63 steps on this name); an automaton reads the name once.
    { name: "catastrophic regex on a 63-character name", store: css([{ namespaceRegexes: ["^([a-z-]+)*X$"] }]), ns: "a".repeat(63), allowed: false },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const r = storeAccess(c.store, c.ns, c.labels ?? {});
      assert.equal(r.allowed, c.allowed);
      if (!r.allowed) assert.match(r.message, new RegExp(c.ns.replace(/[()]/g, "\\$&")));
    });
  }
});
