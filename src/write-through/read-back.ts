import { RECORDED, SOURCE_LABEL } from "./names.ts";
import type { Recorded, StoreChoice } from "./plan.ts";

export interface ReadBackSource {
  namespace: string;
  name: string;
  uid: string;
  type: string | undefined;
}

/**
 * The ExternalSecret that gives workloads the values back, through Ferry's sync path, in another Secret
 * (the written-through one holds only the reference). It reads exactly the version the source Secret
 * records (`uuid/<version id>`), not AWSCURRENT: a write whose admission failed after reaching AWS is never
 * served, and every recorded change bumps the spec, so `refreshPolicy: OnChange` reads each version once.
 * Owned by the source Secret, so deleting it removes the ExternalSecret and, through it, the read-back Secret.
 */
export function readBackExternalSecret(source: ReadBackSource, target: string, store: StoreChoice, recorded: Recorded): Record<string, unknown> {
  return {
    apiVersion: "external-secrets.io/v1",
    kind: "ExternalSecret",
    metadata: {
      name: target,
      namespace: source.namespace,
      labels: { [SOURCE_LABEL]: source.name },
      annotations: { [RECORDED.version]: recorded.version },
      ownerReferences: [{ apiVersion: "v1", kind: "Secret", name: source.name, uid: source.uid }],
    },
    spec: {
      refreshPolicy: "OnChange",
      secretStoreRef: { kind: store.kind, name: store.name },
      target: {
        name: target,
        creationPolicy: "Owner",
        // The read-back keeps the source's type (a TLS Secret reads back as one).
        ...(source.type && source.type !== "Opaque" ? { template: { type: source.type } } : {}),
      },
      dataFrom: [
        {
          extract: {
            key: recorded.remoteKey,
            version: `uuid/${recorded.version}`,
            decodingStrategy: recorded.encoding === "base64" ? "Base64" : "None",
          },
        },
      ],
    },
  };
}
