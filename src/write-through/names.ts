/**
 * The write-through vocabulary: what users put on a Secret, what the webhook records on it, and how the AWS
 * secret is tagged. One place, so the webhook, the controller, the docs and the tests agree.
 */

/** Opt-in, and the store to write to: its value names a SecretStore in the Secret's namespace (or a ClusterSecretStore, see below). */
export const WRITE_THROUGH_LABEL = "ferry.dev/write-through";
/** `ClusterSecretStore` to use one; `SecretStore` (the default) otherwise. */
export const STORE_KIND_ANNOTATION = "ferry.dev/write-through-store-kind";
/** Asks for a read-back: its value names the Secret an ExternalSecret materialises from the written version. */
export const READ_BACK_LABEL = "ferry.dev/write-through-read-back";
/** `Delete` (schedule the AWS secret's deletion with the store's recovery window) or `Retain`; the webhook's default otherwise. */
export const DELETION_POLICY_ANNOTATION = "ferry.dev/write-through-deletion-policy";

/** Recorded by the webhook on every write; users' own values for these are overwritten. */
export const RECORDED = {
  /** The AWS secret's name without the store's prefix (what an ExternalSecret's `key` names). */
  remoteKey: "ferry.dev/write-through-remote-key",
  arn: "ferry.dev/write-through-arn",
  /** The Secrets Manager version id holding this Secret's current content. */
  version: "ferry.dev/write-through-version",
  /** The keys, comma-separated (key names cannot contain commas). */
  keys: "ferry.dev/write-through-keys",
  /** A keyed hash (HMAC) of the content: tells a re-apply of the same values from a change, without storing them. */
  contentHash: "ferry.dev/write-through-content-hash",
  /** How values are written in the JSON document: `text` or `base64` (when some value is not UTF-8). */
  encoding: "ferry.dev/write-through-encoding",
} as const;

/** Held by every written Secret until its AWS secret is dealt with per the deletion policy. */
export const FINALIZER = "ferry.dev/write-through";

/** On the read-back ExternalSecret: the Secret it reads back, so the controller only ever touches its own. */
export const SOURCE_LABEL = "ferry.dev/write-through-source";

/** Tags on the AWS secret; all must match before Ferry writes to or deletes an existing secret. */
export const TAGS = {
  managedBy: "managed-by",
  namespace: "ferry.dev/namespace",
  name: "ferry.dev/name",
  cluster: "ferry.dev/cluster",
  encoding: "ferry.dev/encoding",
} as const;
export const MANAGED_BY_VALUE = "ferry";

/** kubectl's client-side apply record: a full copy of the applied manifest, plaintext included. */
export const LAST_APPLIED_ANNOTATION = "kubectl.kubernetes.io/last-applied-configuration";

/** Labels of Secrets the sync path writes: writing those through would loop (sync writes, webhook strips, sync writes). */
export const SYNC_MANAGED_LABELS = ["reconcile.external-secrets.io/managed", "reconcile.external-secrets.io/created-by"];

/** Never selected by the webhook configuration, and refused if a misconfiguration sends them anyway. */
export const SYSTEM_NAMESPACES = ["kube-system", "kube-public", "kube-node-lease"];
