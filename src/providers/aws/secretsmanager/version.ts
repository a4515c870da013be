/**
 * `remoteRef.version` for Secrets Manager, as ESO: a staging label (default AWSCURRENT) or `uuid/<VersionId>`.
 * AWSCURRENT (explicit or implied) is what BatchGetSecretValue returns, so those reads are batched.
 */
export const CURRENT_STAGE = "AWSCURRENT";
const VERSION_ID_PREFIX = "uuid/";

export function isCurrentVersion(version: string | undefined): boolean {
  return version === undefined || version === "" || version === CURRENT_STAGE;
}

export function versionSelector(version: string | undefined): { VersionId: string } | { VersionStage: string } | Record<string, never> {
  if (isCurrentVersion(version)) return {};
  if (version!.startsWith(VERSION_ID_PREFIX)) return { VersionId: version!.slice(VERSION_ID_PREFIX.length) };
  return { VersionStage: version! };
}
