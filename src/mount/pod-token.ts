/**
 * The pod's service account token, as the driver passes it: `csi.storage.k8s.io/serviceAccount.tokens`, a
 * JSON object keyed by audience, `{"sts.amazonaws.com": {"token": "...", "expirationTimestamp": "..."}}`.
 * Kubelet mints it because the CSIDriver object lists `tokenRequests`; since Kubernetes 1.35 with
 * `serviceAccountTokenInSecrets: true` it arrives in MountRequest.secrets instead of the attributes, so the
 * secrets are read first (as the driver does).
 */
import { MountError } from "./errors.ts";
import { ATTR_TOKENS } from "./parameters.ts";

export const IRSA_AUDIENCE = "sts.amazonaws.com";
export const POD_IDENTITY_AUDIENCE = "pods.eks.amazonaws.com";

export interface PodToken {
  token: string;
  /** When kubelet says the token expires; undefined when it did not say. */
  expiresAt: Date | undefined;
}

export function podToken(attributes: Readonly<Record<string, string>>, secrets: Readonly<Record<string, string>>, audience: string): PodToken {
  const raw = secrets[ATTR_TOKENS] || attributes[ATTR_TOKENS];
  if (!raw) {
    throw MountError.request(
      "unauthenticated",
      `no service account token in the mount request (${ATTR_TOKENS}): the CSIDriver secrets-store.csi.k8s.io must list tokenRequests with audience "${audience}"`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw MountError.request("unauthenticated", `${ATTR_TOKENS} is not JSON`);
  }
  const entry = typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>)[audience] : undefined;
  const token = typeof entry === "object" && entry !== null ? (entry as Record<string, unknown>).token : undefined;
  if (typeof token !== "string" || token === "") {
    const audiences = typeof parsed === "object" && parsed !== null ? Object.keys(parsed).join(", ") : "";
    throw MountError.request(
      "unauthenticated",
      `no service account token for audience "${audience}" (got: ${audiences || "none"}): add it to the CSIDriver's tokenRequests`,
    );
  }
  const expiration = (entry as Record<string, unknown>).expirationTimestamp;
  const expiresAt = typeof expiration === "string" ? new Date(expiration) : undefined;
  return { token, expiresAt: expiresAt && !Number.isNaN(expiresAt.getTime()) ? expiresAt : undefined };
}

/**
 * A JSON object of strings, as the driver encodes attributes and secrets. The driver json.Marshals a nil Go
 * map as `null`: that is what `secrets` is for every pod without a nodePublishSecretRef (the normal case;
 * secrets-store-csi-driver pkg/secrets-store/nodeserver.go, `json.Marshal(secrets)`), so `null` means empty.
 */
export function parseStringMap(json: string, what: string): Record<string, string> {
  const trimmed = json.trim();
  if (trimmed === "" || trimmed === "null") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw MountError.request("invalid", `${what} is not JSON`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw MountError.request("invalid", `${what} is not a JSON object`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed)) {
    if (typeof v === "string") out[k] = v;
  }
  return out;
}
