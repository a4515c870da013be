import { SYSTEM_NAMESPACES, WRITE_THROUGH_LABEL } from "./names.ts";

export const WEBHOOK_NAME = "write-through.ferry.dev";
export const WEBHOOK_PATH = "/write-through";

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: "In" | "NotIn" | "Exists" | "DoesNotExist"; values?: string[] }>;
}

export interface WebhookConfigurationOptions {
  name?: string;
  /** Where the apiserver calls: a Service in the cluster, or a URL (tests, out-of-cluster). */
  client: { service: { namespace: string; name: string; port?: number } } | { url: string };
  /** The PEM CA bundle that signs the webhook's serving certificate. */
  caBundle: string | Buffer;
  /** Namespaces never sent to the webhook besides the system ones, e.g. Ferry's own (its TLS Secret must stay writable when the webhook is down). */
  excludeNamespaces?: string[];
  /** Replaces the namespace selector entirely (tests confine the webhook to their namespaces). */
  namespaceSelector?: LabelSelector;
  /** The apiserver's per-call timeout, 1–30 s; default 15 (an AWS write with the SDK's retries). */
  timeoutSeconds?: number;
}

/**
 * The MutatingWebhookConfiguration for write-through. What makes it safe, unlike NASE's (every Secret of
 * every namespace, v1beta1, no side-effect declaration):
 * - `objectSelector` on the label: unlabelled Secrets never reach the webhook, so its availability, latency
 *   and failures concern opted-in Secrets only;
 * - `namespaceSelector` excludes kube-system, kube-public, kube-node-lease (and Ferry's own namespace);
 * - CREATE and UPDATE only: deletion is handled after the fact by the controller through a finalizer (ADR 0003);
 * - `sideEffects: NoneOnDryRun`: a dry run writes nothing to AWS;
 * - `failurePolicy: Fail`: when the webhook or AWS is down, the write is refused rather than stored in plaintext;
 * - `reinvocationPolicy: Never`; `matchPolicy: Equivalent`; AdmissionReview v1.
 */
export function writeThroughWebhookConfiguration(options: WebhookConfigurationOptions): Record<string, unknown> {
  const caBundle = Buffer.from(options.caBundle).toString("base64");
  const clientConfig =
    "url" in options.client
      ? { url: `${options.client.url.replace(/\/+$/, "")}${WEBHOOK_PATH}`, caBundle }
      : { service: { ...options.client.service, port: options.client.service.port ?? 443, path: WEBHOOK_PATH }, caBundle };
  const excluded = [...SYSTEM_NAMESPACES, ...(options.excludeNamespaces ?? [])];
  return {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "MutatingWebhookConfiguration",
    metadata: { name: options.name ?? "ferry-write-through" },
    webhooks: [
      {
        name: WEBHOOK_NAME,
        admissionReviewVersions: ["v1"],
        clientConfig,
        rules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["secrets"], scope: "Namespaced" }],
        objectSelector: { matchExpressions: [{ key: WRITE_THROUGH_LABEL, operator: "Exists" }] },
        namespaceSelector: options.namespaceSelector ?? { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "NotIn", values: excluded }] },
        sideEffects: "NoneOnDryRun",
        failurePolicy: "Fail",
        matchPolicy: "Equivalent",
        reinvocationPolicy: "Never",
        timeoutSeconds: options.timeoutSeconds ?? 15,
      },
    ],
  };
}
