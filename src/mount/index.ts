/**
 * Mount: a Secrets Store CSI driver provider that accepts ASCP's SecretProviderClass parameters unchanged
 * (docs/mount.md).
 */
export { CsiProviderServer, loadProviderService, PROTO_PATH, PROTO_LOADER_OPTIONS, API_VERSION, PROVIDER_NAME_PATTERN } from "./grpc-server.ts";
export { MountService, DEFAULT_MAX_RESPONSE_BYTES, REGION_LABEL, type MountRequestFields, type MountResult, type MountServiceOptions } from "./mount-service.ts";
export { SessionCache, type PodIdentity, type SessionCacheOptions } from "./sessions.ts";
export { CachingMountKube, ApiServerMountKube, type MountKube } from "./kube.ts";
export { MountError, type FailureKind, type ObjectFailure } from "./errors.ts";
export { SKIPPED_VERSION, type MountFile, type ObjectVersion } from "./build-files.ts";
