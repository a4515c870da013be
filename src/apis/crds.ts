/**
 * The CustomResourceDefinitions, generated from the zod schemas (ADR 0002). scripts/generate-crds.ts writes
 * them to deploy/crds; crds.test.ts fails when the committed files differ from a fresh generation.
 */
import type { V1CustomResourceColumnDefinition, V1CustomResourceDefinition } from "@kubernetes/client-node";
import { stringify } from "yaml";
import { z } from "zod";
import {
  GROUP,
  KIND_CLUSTER_EXTERNAL_SECRET,
  KIND_CLUSTER_SECRET_STORE,
  KIND_EXTERNAL_SECRET,
  KIND_SECRET_STORE,
  PLURAL_CLUSTER_EXTERNAL_SECRETS,
  KIND_CLUSTER_PUSH_SECRET,
  KIND_PUSH_SECRET,
  PLURAL_CLUSTER_PUSH_SECRETS,
  PLURAL_CLUSTER_SECRET_STORES,
  PLURAL_PUSH_SECRETS,
  PLURAL_EXTERNAL_SECRETS,
  PLURAL_SECRET_STORES,
  VERSION_V1,
  VERSION_V1ALPHA1,
  VERSION_V1BETA1,
} from "./constants.ts";
import { ClusterExternalSecretSpecSchema, ClusterExternalSecretStatusSchema } from "./cluster-external-secret.ts";
import { ClusterPushSecretSpecSchema, ClusterPushSecretStatusSchema, PushSecretSpecSchema, PushSecretStatusSchema } from "./push-secret.ts";
import { ExternalSecretSpecSchema, ExternalSecretStatusSchema } from "./external-secret.ts";
import { SecretStoreSpecSchema, SecretStoreStatusSchema } from "./secret-store.ts";
import { toStructural, type JsonSchema } from "./structural-schema.ts";
import {
  ClusterGeneratorSpecSchema,
  ECRAuthorizationTokenSpecSchema,
  GENERATOR_PLURALS,
  GENERATORS_GROUP,
  PasswordSpecSchema,
  STSSessionTokenSpecSchema,
  UUIDSpecSchema,
} from "./generators.ts";

/** The apiserver's limit on the last-applied-configuration annotation that client-side `kubectl apply` writes. */
export const CLIENT_SIDE_APPLY_LIMIT = 262_144;

interface KindDefinition {
  kind: string;
  plural: string;
  singular: string;
  /** ESO's short name; ClusterPushSecret has none. */
  shortName?: string;
  scope: "Namespaced" | "Cluster";
  spec: z.ZodType;
  /** Absent where ESO's type has no status (the generators): the CRD declares none. */
  status?: z.ZodType;
  description: string;
  printerColumns: V1CustomResourceColumnDefinition[];
  selectableFields?: string[];
  /**
   * Served versions, storage first. Default: v1 (storage) and v1beta1 (deprecated, same schema). The push
   * kinds exist only as v1alpha1 in ESO.
   */
  versions?: readonly string[];
  /** The API group; external-secrets.io unless given (the generators' group). */
  group?: string;
  /** False where ESO's type has `spec,omitempty` and an all-optional spec (UUID): the object may omit it. */
  specRequired?: boolean;
  categories?: readonly string[];
}

const READY_REASON = '.status.conditions[?(@.type=="Ready")].reason';
const READY_STATUS = '.status.conditions[?(@.type=="Ready")].status';

const storeColumns: V1CustomResourceColumnDefinition[] = [
  { name: "AGE", type: "date", jsonPath: ".metadata.creationTimestamp" },
  { name: "Status", type: "string", jsonPath: READY_REASON },
  { name: "Capabilities", type: "string", jsonPath: ".status.capabilities" },
  { name: "Ready", type: "string", jsonPath: READY_STATUS },
];

export const KINDS: readonly KindDefinition[] = [
  {
    kind: KIND_EXTERNAL_SECRET,
    plural: PLURAL_EXTERNAL_SECRETS,
    singular: "externalsecret",
    shortName: "es",
    scope: "Namespaced",
    spec: ExternalSecretSpecSchema,
    status: ExternalSecretStatusSchema,
    description: "ExternalSecret syncs values from a SecretStore's provider into a Kubernetes Secret.",
    printerColumns: [
      { name: "StoreType", type: "string", jsonPath: ".spec.secretStoreRef.kind" },
      { name: "Store", type: "string", jsonPath: ".spec.secretStoreRef.name" },
      { name: "Refresh Interval", type: "string", jsonPath: ".spec.refreshInterval" },
      { name: "Status", type: "string", jsonPath: READY_REASON },
      { name: "Ready", type: "string", jsonPath: READY_STATUS },
      { name: "Last Sync", type: "date", jsonPath: ".status.refreshTime" },
    ],
    // Lets the controller list the ExternalSecrets of one store with a field selector, as ESO's CRD allows.
    selectableFields: [".spec.secretStoreRef.name", ".spec.secretStoreRef.kind", ".spec.target.name", ".spec.refreshInterval"],
  },
  {
    kind: KIND_SECRET_STORE,
    plural: PLURAL_SECRET_STORES,
    singular: "secretstore",
    shortName: "ss",
    scope: "Namespaced",
    spec: SecretStoreSpecSchema,
    status: SecretStoreStatusSchema,
    description: "SecretStore is a provider configuration (AWS Secrets Manager or Parameter Store) for ExternalSecrets in its namespace.",
    printerColumns: storeColumns,
  },
  {
    kind: KIND_CLUSTER_SECRET_STORE,
    plural: PLURAL_CLUSTER_SECRET_STORES,
    singular: "clustersecretstore",
    shortName: "css",
    scope: "Cluster",
    spec: SecretStoreSpecSchema,
    status: SecretStoreStatusSchema,
    description: "ClusterSecretStore is a provider configuration usable by ExternalSecrets in any (selected) namespace.",
    printerColumns: storeColumns,
  },
  {
    kind: KIND_CLUSTER_EXTERNAL_SECRET,
    plural: PLURAL_CLUSTER_EXTERNAL_SECRETS,
    singular: "clusterexternalsecret",
    shortName: "ces",
    scope: "Cluster",
    spec: ClusterExternalSecretSpecSchema,
    status: ClusterExternalSecretStatusSchema,
    description: "ClusterExternalSecret creates one ExternalSecret in every namespace its selectors or list choose.",
    printerColumns: [
      { name: "Store", type: "string", jsonPath: ".spec.externalSecretSpec.secretStoreRef.name" },
      { name: "Refresh Interval", type: "string", jsonPath: ".spec.refreshTime" },
      { name: "Ready", type: "string", jsonPath: READY_STATUS },
    ],
  },
  {
    kind: KIND_PUSH_SECRET,
    plural: PLURAL_PUSH_SECRETS,
    singular: "pushsecret",
    shortName: "ps",
    scope: "Namespaced",
    spec: PushSecretSpecSchema,
    status: PushSecretStatusSchema,
    description: "PushSecret writes values of a Kubernetes Secret to the providers of one or more stores.",
    printerColumns: [
      { name: "AGE", type: "date", jsonPath: ".metadata.creationTimestamp" },
      { name: "Status", type: "string", jsonPath: READY_REASON },
    ],
    versions: [VERSION_V1ALPHA1],
  },
  {
    kind: KIND_CLUSTER_PUSH_SECRET,
    plural: PLURAL_CLUSTER_PUSH_SECRETS,
    singular: "clusterpushsecret",
    scope: "Cluster",
    spec: ClusterPushSecretSpecSchema,
    status: ClusterPushSecretStatusSchema,
    description: "ClusterPushSecret creates one PushSecret in every namespace its selectors match.",
    printerColumns: [
      { name: "AGE", type: "date", jsonPath: ".metadata.creationTimestamp" },
      { name: "Status", type: "string", jsonPath: READY_REASON },
    ],
    versions: [VERSION_V1ALPHA1],
  },
  ...generatorKinds(),
];

/**
 * generators.external-secrets.io/v1alpha1 as ESO's CRDs: no printer columns, no status schema (the status
 * subresource only), categories external-secrets and external-secrets-generators.
 */
function generatorKinds(): KindDefinition[] {
  const generator = (kind: keyof typeof GENERATOR_PLURALS, spec: z.ZodType, description: string, scope: "Namespaced" | "Cluster" = "Namespaced"): KindDefinition => ({
    kind,
    plural: GENERATOR_PLURALS[kind],
    singular: kind.toLowerCase(),
    scope,
    spec,
    description,
    printerColumns: [],
    versions: [VERSION_V1ALPHA1],
    group: GENERATORS_GROUP,
    specRequired: false,
    categories: ["external-secrets", "external-secrets-generators"],
  });
  return [
    generator("ECRAuthorizationToken", ECRAuthorizationTokenSpecSchema, "ECRAuthorizationToken generates an ECR authorization token (GetAuthorizationToken, valid for 12 hours): username, password, proxy_endpoint, expires_at."),
    generator("STSSessionToken", STSSessionTokenSpecSchema, "STSSessionToken generates temporary credentials with STS GetSessionToken: access_key_id, secret_access_key, session_token, expiration."),
    generator("Password", PasswordSpecSchema, "Password generates a random password (key password) from length, digits, symbols and character rules."),
    generator("UUID", UUIDSpecSchema, "UUID generates a random (version 4) UUID (key uuid)."),
    generator("ClusterGenerator", ClusterGeneratorSpecSchema, "ClusterGenerator is a cluster-wide generator which can be referenced as part of generatorRef fields.", "Cluster"),
  ];
}

/** The openAPIV3Schema of one kind: zod → OpenAPI 3.0 → structural, with the standard object envelope. */
export function openApiSchemaFor(definition: KindDefinition): JsonSchema {
  const toOpenApi = (schema: z.ZodType) =>
    z.toJSONSchema(schema, { target: "openapi-3.0", io: "input", reused: "inline", cycles: "throw", unrepresentable: "throw" }) as JsonSchema;
  return withoutEmptyProperties(toStructural({
    type: "object",
    description: definition.description,
    properties: {
      apiVersion: {
        type: "string",
        description: definition.versions ? `The versioned schema of this object: ${definition.versions.map((v) => `${definition.group ?? GROUP}/${v}`).join(" or ")}.` : "The versioned schema of this object: external-secrets.io/v1 or v1beta1.",
      },
      kind: { type: "string", description: `${definition.kind}.` },
      // The apiserver validates metadata itself; a CRD may not constrain it further than `type: object`.
      metadata: { type: "object" },
      spec: toOpenApi(definition.spec),
      ...(definition.status ? { status: toOpenApi(definition.status) } : {}),
    },
    ...(definition.specRequired === false ? {} : { required: ["spec"] }),
  }));
}

/**
 * `properties: {}` (an empty spec such as UUID's, a kept-as-written foreign spec) removed: the apiserver drops
 * an empty map when it stores a CRD, so a CRD applied server-side would otherwise never match what is stored.
 */
function withoutEmptyProperties(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "properties" && value && typeof value === "object" && Object.keys(value).length === 0) continue;
    if (key === "properties" && value && typeof value === "object") {
      out[key] = Object.fromEntries(Object.entries(value as Record<string, JsonSchema>).map(([k, v]) => [k, withoutEmptyProperties(v)]));
    } else if ((key === "items" || key === "additionalProperties") && value && typeof value === "object") {
      out[key] = withoutEmptyProperties(value as JsonSchema);
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** Every CRD, in file order. */
export function buildCustomResourceDefinitions(): V1CustomResourceDefinition[] {
  return KINDS.map((definition) => {
    const group = definition.group ?? GROUP;
    const schema = openApiSchemaFor(definition);
    // v1 and v1beta1 share one schema: v1 is a superset of v1beta1, so every v1beta1 manifest is a valid v1
    // object and conversion is the identity (strategy None: the apiserver only rewrites apiVersion).
    const versions = definition.versions ?? [VERSION_V1, VERSION_V1BETA1];
    const version = (name: string, storage: boolean) => ({
      name,
      served: true,
      storage,
      ...(storage
        ? {}
        : {
            deprecated: true,
            deprecationWarning: `${group}/${name} ${definition.kind} is deprecated; Ferry serves it with the ${versions[0]} schema, use ${group}/${versions[0]}`,
          }),
      schema: { openAPIV3Schema: schema },
      subresources: { status: {} },
      // The apiserver drops an empty list; leaving it out keeps server-side apply of the CRD conflict-free.
      ...(definition.printerColumns.length > 0 ? { additionalPrinterColumns: definition.printerColumns } : {}),
      ...(definition.selectableFields ? { selectableFields: definition.selectableFields.map((jsonPath) => ({ jsonPath })) } : {}),
    });
    return {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: {
        name: `${definition.plural}.${group}`,
        labels: { "app.kubernetes.io/part-of": "ferry", "external-secrets.io/component": "controller" },
      },
      spec: {
        group,
        names: {
          kind: definition.kind,
          listKind: `${definition.kind}List`,
          plural: definition.plural,
          singular: definition.singular,
          ...(definition.shortName ? { shortNames: [definition.shortName] } : {}),
          categories: [...(definition.categories ?? ["external-secrets"])],
        },
        scope: definition.scope,
        conversion: { strategy: "None" },
        versions: versions.map((name, i) => version(name, i === 0)),
      },
    };
  });
}

/** The file name of a CRD under deploy/crds, as controller-gen names them. */
export function crdFileName(crd: V1CustomResourceDefinition): string {
  return `${crd.spec.group}_${crd.spec.names.plural}.yaml`;
}

/** The committed YAML of a CRD: deterministic, so a regeneration without schema changes is byte-identical. */
export function renderCrdYaml(crd: V1CustomResourceDefinition): string {
  const header = "# Generated by scripts/generate-crds.ts from the zod schemas in src/apis. Do not edit.\n";
  return header + stringify(crd, { lineWidth: 0, aliasDuplicateObjects: false });
}

/** File name → YAML for every CRD. */
export function renderCrdFiles(): Map<string, string> {
  return new Map(buildCustomResourceDefinitions().map((crd) => [crdFileName(crd), renderCrdYaml(crd)]));
}
