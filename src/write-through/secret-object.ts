/**
 * A core/v1 Secret as it arrives in an AdmissionReview (JSON, data base64), and the few reads the webhook
 * makes of it. `stringData` is normally folded into `data` before admission (the apiserver converts through
 * its internal type); it is honoured anyway, so no value can slip past in plaintext.
 */

export interface SecretMetadata {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  deletionTimestamp?: string;
  ownerReferences?: unknown[];
}

export interface SecretObject {
  apiVersion?: string;
  kind?: string;
  metadata?: SecretMetadata;
  type?: string;
  immutable?: boolean;
  data?: Record<string, string> | null;
  stringData?: Record<string, string> | null;
}

export function asSecret(value: unknown): SecretObject | undefined {
  return typeof value === "object" && value !== null ? (value) : undefined;
}

export const label = (s: SecretObject | undefined, key: string): string | undefined => s?.metadata?.labels?.[key];
export const annotation = (s: SecretObject | undefined, key: string): string | undefined => s?.metadata?.annotations?.[key];

/** The Secret's values by key, decoded; `stringData` wins over `data` as in the apiserver. */
export function valuesOf(secret: SecretObject): Map<string, Uint8Array> {
  const values = new Map<string, Uint8Array>();
  for (const [key, encoded] of Object.entries(secret.data ?? {})) values.set(key, Buffer.from(encoded ?? "", "base64"));
  for (const [key, text] of Object.entries(secret.stringData ?? {})) values.set(key, new TextEncoder().encode(text ?? ""));
  return values;
}

/** Valid key names for a Secret's data (apimachinery IsConfigMapKey). Checked before writing, since validation runs after us. */
const KEY = /^[-._a-zA-Z0-9]+$/;
export function invalidKeys(keys: Iterable<string>): string[] {
  return [...keys].filter((k) => !KEY.test(k) || k.length > 253 || k === "." || k === "..");
}

/**
 * Types whose values the apiserver or kubelet must read from the Secret itself: the apiserver validates the
 * JSON of docker configs, the kubelet pulls with them, token controllers fill service-account and bootstrap
 * tokens. Their values cannot be moved out.
 */
export const UNSUPPORTED_TYPES = new Set([
  "kubernetes.io/dockercfg",
  "kubernetes.io/dockerconfigjson",
  "kubernetes.io/service-account-token",
  "bootstrap.kubernetes.io/token",
]);
