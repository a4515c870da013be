/** The parts of a pod spec that name Secrets, as raw JSON (only what the rollout path reads). */
export interface PodSpecSecretRefs {
  containers?: ContainerSecretRefs[] | null;
  initContainers?: ContainerSecretRefs[] | null;
  volumes?: Array<{
    secret?: { secretName?: string } | null;
    projected?: { sources?: Array<{ secret?: { name?: string } | null }> | null } | null;
  }> | null;
}

interface ContainerSecretRefs {
  env?: Array<{ valueFrom?: { secretKeyRef?: { name?: string } | null } | null }> | null;
  envFrom?: Array<{ secretRef?: { name?: string } | null }> | null;
}

/**
 * The names of the Secrets a pod template consumes, sorted and unique: env `secretKeyRef`, `envFrom`
 * `secretRef`, `secret` volumes and `projected` volume secret sources, in containers and initContainers
 * (Reloader's `UsesSecret` covers the same places). Ephemeral containers are not in a template; imagePullSecrets
 * are read by the kubelet, not the app, so a changed pull secret is no reason to restart.
 */
export function secretsConsumedBy(spec: PodSpecSecretRefs | null | undefined): string[] {
  const names = new Set<string>();
  const add = (name: string | undefined) => {
    if (name) names.add(name);
  };
  for (const c of [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])]) {
    for (const e of c.env ?? []) add(e.valueFrom?.secretKeyRef?.name);
    for (const e of c.envFrom ?? []) add(e.secretRef?.name);
  }
  for (const v of spec?.volumes ?? []) {
    add(v.secret?.secretName);
    for (const s of v.projected?.sources ?? []) add(s.secret?.name);
  }
  return [...names].sort();
}
