import { X509Certificate } from "node:crypto";
import { readFileSync, unwatchFile, watchFile } from "node:fs";
import type { TLSSocket } from "node:tls";
import { errorFields, silentLogger, type Logger } from "../logger.ts";

/**
 * Who may call an admission webhook. The apiserver is the only legitimate caller: it presents the client
 * certificate configured in its `--admission-control-config-file` (WebhookAdmissionConfiguration →
 * kubeConfigFile). Anyone else who can reach the port (a pod, a node) must be refused before the body is
 * read, or a forged AdmissionReview drives the handler — the NASE flaw (docs/security.md).
 */
export type ClientAuthPolicy =
  | {
      mode: "certificate";
      /** PEM bundle of the CAs that sign the apiserver's webhook client certificate; re-read when it changes. */
      caFile: string;
      /**
       * Accepted subject common names. Required: when the CA is the cluster CA, kubelets and every other
       * component hold certificates it signed, so the CA alone does not single out the apiserver. `*`
       * accepts any name, for a CA that signs nothing but the apiserver's webhook client certificate.
       */
      allowedNames: readonly string[];
    }
  /** No authentication: only for development, never the default (the CLI needs an explicit flag). */
  | { mode: "none" };

/** What the TLS handshake established about the caller, reduced to what the decision needs. */
export interface PresentedIdentity {
  /** A certificate was sent at all. */
  presented: boolean;
  /** It chains to the configured CA (Node's `socket.authorized`). */
  verified: boolean;
  /** Why it does not, as OpenSSL says (e.g. UNABLE_TO_VERIFY_LEAF_SIGNATURE). */
  verifyError: string | undefined;
  commonName: string | undefined;
}

export type CallerDecision = { allowed: true } | { allowed: false; status: 401 | 403; reason: string };

/**
 * Decides whether a caller is the apiserver. 401 when it did not prove an identity (no certificate, or one
 * the CA did not sign), 403 when it proved one that is not allowed.
 */
export function decideCaller(policy: ClientAuthPolicy, identity: PresentedIdentity): CallerDecision {
  if (policy.mode === "none") return { allowed: true };
  if (!identity.presented) return { allowed: false, status: 401, reason: "no client certificate: only the kube-apiserver may call this webhook" };
  if (!identity.verified) return { allowed: false, status: 401, reason: `client certificate not signed by the configured client CA (${identity.verifyError ?? "unverified"})` };
  if (policy.allowedNames.includes("*")) return { allowed: true };
  if (identity.commonName !== undefined && policy.allowedNames.includes(identity.commonName)) return { allowed: true };
  return { allowed: false, status: 403, reason: `client certificate CN ${JSON.stringify(identity.commonName ?? "")} is not an allowed caller` };
}

/** The identity a TLS connection presented (requestCert on, rejectUnauthorized off: the decision is ours). */
export function presentedIdentity(socket: TLSSocket): PresentedIdentity {
  const peer = socket.getPeerCertificate?.();
  const presented = !!peer && Object.keys(peer).length > 0;
  const cn = presented ? peer.subject?.CN : undefined;
  return {
    presented,
    verified: socket.authorized === true,
    verifyError: socket.authorizationError ? String(socket.authorizationError) : undefined,
    commonName: Array.isArray(cn) ? cn[0] : cn,
  };
}

/** Throws unless the file holds at least one PEM certificate: a webhook that trusts nobody would refuse the apiserver. */
export function readClientCa(caFile: string): Buffer {
  const pem = readFileSync(caFile);
  const blocks = pem.toString("utf8").match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new Error(`client CA file ${caFile} holds no PEM certificate`);
  for (const block of blocks) new X509Certificate(block);
  return pem;
}

/**
 * Re-reads the client CA when its file changes (a rotated ConfigMap or Secret volume), polling its stat:
 * a CA rotation must not need a webhook restart. An unreadable or empty file keeps the current CA.
 */
export function watchClientCa(caFile: string, intervalMs: number, onChange: (pem: Buffer) => void, logger: Logger = silentLogger): () => void {
  let current = readClientCa(caFile).toString("utf8");
  const listener = () => {
    try {
      const pem = readClientCa(caFile);
      if (pem.toString("utf8") === current) return;
      current = pem.toString("utf8");
      onChange(pem);
      logger.info({ caFile }, "client CA reloaded");
    } catch (err) {
      logger.warn({ caFile, ...errorFields(err) }, "client CA file changed but is not usable; keeping the current CA");
    }
  };
  watchFile(caFile, { interval: intervalMs, persistent: false }, listener);
  return () => unwatchFile(caFile, listener);
}
