/**
 * Ferry's opt-in annotation on a Deployment, StatefulSet or DaemonSet: "true" rolls the workload when any
 * Secret its pod template consumes changes content; a comma-separated list of Secret names rolls it when one
 * of those changes (consumed or not, e.g. read through the API); "false" turns it off.
 */
export const ROLLOUT_ON_CHANGE = "ferry.dev/rollout-on-change";

/**
 * The pod template annotation Ferry writes to roll a workload out: a keyed hash of the data of the Secrets
 * that trigger it. Kubernetes rolls the template change out with the workload's own strategy.
 */
export const SECRETS_HASH = "ferry.dev/secrets-hash";

/** The field manager of Ferry's rollout patches, so `managedFields` show who changed the template. */
export const ROLLOUT_FIELD_MANAGER = "ferry-rollout";

/**
 * Stakater Reloader's annotation keys (its defaults, internal/pkg/config/config.go DefaultAnnotations), accepted
 * so teams can drop Reloader without editing their workloads. Only the Secret-related ones: Ferry rolls on
 * Secret changes, not ConfigMaps.
 */
export const RELOADER = {
  /** Workload: "true" rolls on any consumed Secret or ConfigMap (Ferry: Secret) change. */
  auto: "reloader.stakater.com/auto",
  /** Workload: "true" rolls on any consumed Secret change. */
  secretAuto: "secret.reloader.stakater.com/auto",
  /** Workload: comma-separated Secret names (each an anchored Go regexp) that roll it, consumed or not. */
  secretReload: "secret.reloader.stakater.com/reload",
  /** Workload: "true" rolls on consumed Secrets annotated with `match`. */
  search: "reloader.stakater.com/search",
  /** Secret: "true" makes it trigger workloads that `search`. */
  match: "reloader.stakater.com/match",
  /** Workload: comma-separated Secret names (exact) that never roll it. */
  secretExclude: "secrets.exclude.reloader.stakater.com/reload",
  /** Secret: "true" never rolls anything. */
  ignore: "reloader.stakater.com/ignore",
} as const;

/** Reloader keys about ConfigMaps, which Ferry does not act on: a workload using them gets a Warning Event. */
export const RELOADER_CONFIGMAP_KEYS = ["configmap.reloader.stakater.com/auto", "configmap.reloader.stakater.com/reload", "configmaps.exclude.reloader.stakater.com/reload"] as const;
