import type { KubeObject, ObjectMeta } from "../runtime/list-watcher.ts";
import { dataHash } from "../sync/data-hash.ts";
import { RELOADER, RELOADER_CONFIGMAP_KEYS, SECRETS_HASH } from "./annotations.ts";
import { secretsConsumedBy, type PodSpecSecretRefs } from "./consumed-secrets.ts";
import { optedIn, rolloutPolicyOf, type RolloutPolicy } from "./rollout-policy.ts";

/**
 * What the rollout controller keeps of a Deployment, StatefulSet or DaemonSet: identity, the decided policy,
 * the consumed Secret names and the current secrets-hash. A workload that did not opt in keeps its identity
 * only, so watching every workload costs a few hundred bytes each, not its pod template.
 */
export interface WorkloadView extends KubeObject {
  rollout: {
    policy: RolloutPolicy;
    consumed: readonly string[];
    /** The pod template's secrets-hash annotation, when Ferry (or anyone) set it. */
    templateHash?: string | undefined;
    /** Reloader ConfigMap keys present, which Ferry does not act on. */
    unsupportedKeys: readonly string[];
  };
}

/** Shared by every workload that did not opt in: they cost their identity only. */
const NOT_OPTED_IN: WorkloadView["rollout"] = Object.freeze({ policy: rolloutPolicyOf(undefined, undefined), consumed: Object.freeze([]), unsupportedKeys: Object.freeze([]) });

interface RawWorkload extends KubeObject {
  spec?: { template?: { metadata?: { annotations?: Record<string, string> }; spec?: PodSpecSecretRefs } };
}

export function workloadView(obj: KubeObject): WorkloadView {
  const raw = obj as RawWorkload;
  const m = raw.metadata ?? {};
  const template = raw.spec?.template;
  const policy = rolloutPolicyOf(m.annotations, template?.metadata?.annotations);
  const all = { ...template?.metadata?.annotations, ...m.annotations };
  return {
    ...(raw.apiVersion ? { apiVersion: raw.apiVersion } : {}),
    ...(raw.kind ? { kind: raw.kind } : {}),
    metadata: identity(m),
    rollout: optedIn(policy)
      ? {
          policy,
          consumed: secretsConsumedBy(template?.spec),
          templateHash: template?.metadata?.annotations?.[SECRETS_HASH],
          unsupportedKeys: RELOADER_CONFIGMAP_KEYS.filter((k) => k in all),
        }
      : NOT_OPTED_IN,
  };
}

/**
 * What the rollout controller keeps of a Secret: identity, a digest of its data (computed as it arrives,
 * the data itself is dropped at once) and Reloader's two Secret annotations. Nothing in it can reveal a value.
 */
export interface SecretView extends KubeObject {
  digest: string;
}

export function secretView(obj: KubeObject): SecretView {
  const m = obj.metadata ?? {};
  const annotations: Record<string, string> = {};
  for (const k of [RELOADER.match, RELOADER.ignore]) {
    const v = m.annotations?.[k];
    if (v !== undefined) annotations[k] = v;
  }
  return {
    metadata: { ...identity(m), ...(Object.keys(annotations).length > 0 ? { annotations } : {}) },
    digest: dataHash((obj as { data?: Record<string, string> }).data),
  };
}

function identity(m: ObjectMeta): ObjectMeta {
  const out: ObjectMeta = {};
  if (m.name !== undefined) out.name = m.name;
  if (m.namespace !== undefined) out.namespace = m.namespace;
  if (m.uid !== undefined) out.uid = m.uid;
  if (m.resourceVersion !== undefined) out.resourceVersion = m.resourceVersion;
  return out;
}
