/** A status condition as ESO writes it (metav1.Condition shape without observedGeneration). */
export interface Condition {
  type: string;
  status: "True" | "False" | "Unknown";
  reason?: string | undefined;
  message?: string | undefined;
  lastTransitionTime?: string | undefined;
}

/**
 * Sets one condition in a list, keeping lastTransitionTime when the status did not change (so a
 * condition's age means "how long has it been like this", as kubectl and dashboards read it).
 */
export function setCondition(conditions: readonly Condition[] | undefined, next: Omit<Condition, "lastTransitionTime">, now: Date): Condition[] {
  const list = [...(conditions ?? [])];
  const i = list.findIndex((c) => c.type === next.type);
  const previous = i >= 0 ? list[i] : undefined;
  const lastTransitionTime = previous && previous.status === next.status && previous.lastTransitionTime ? previous.lastTransitionTime : now.toISOString().replace(/\.\d{3}Z$/, "Z");
  const condition: Condition = { ...next, lastTransitionTime };
  if (i >= 0) list[i] = condition;
  else list.push(condition);
  return list;
}

export function findCondition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/** Equal ignoring lastTransitionTime: whether a status write would change anything. */
export function sameConditions(a: readonly Condition[] | undefined, b: readonly Condition[] | undefined): boolean {
  const norm = (l: readonly Condition[] | undefined) => JSON.stringify((l ?? []).map((c) => [c.type, c.status, c.reason ?? "", c.message ?? ""]).sort());
  return norm(a) === norm(b);
}
