import type { AssumeRoleRequest, Tag } from "@aws-sdk/client-sts";
import type { KubeAccess } from "../../kube-access.ts";
import { InvalidStoreError } from "../../provider.ts";
import { callError, type Redactor } from "../errors.ts";
import type { AwsProviderSpec } from "../spec.ts";
import { CachedCredentials } from "./cached-credentials.ts";
import type { AwsCredentials, Clock, CredentialSource } from "./credentials.ts";
import { resolveRefNamespace, usesNamespaceSessionTag, type StoreIdentity } from "./namespaces.ts";
import { STATIC_KEYS_MAX_AGE_MS, staticKeysFetcher } from "./static-keys.ts";
import { ASSUME_ROLE_SESSION_NAME, fromStsCredentials, type StsFactory } from "./sts.ts";
import { webIdentityFetcher } from "./web-identity.ts";

export interface CredentialChainOptions {
  spec: AwsProviderSpec;
  store: StoreIdentity;
  /** The ExternalSecret's namespace, for referent auth and the esoNamespace session tag. */
  esNamespace: string | undefined;
  kube: KubeAccess;
  sts: StsFactory;
  /** The SDK default chain (IRSA env, Pod Identity, instance role), shared by every store without `auth`. */
  defaultCredentials: () => CredentialSource;
  now: Clock;
  redactor: Redactor;
}

export interface CredentialChain {
  /** The last hop: what Secrets Manager / SSM requests are signed with. Invalidating it invalidates every hop. */
  readonly credentials: CredentialSource;
  /** The hops, base first, for logs and the store status (no secrets). */
  readonly hops: readonly string[];
}

/**
 * ESO's auth flow (providers/v1/aws/auth/auth.go): base credentials from `auth.jwt`, `auth.secretRef` or
 * the SDK default chain; then each of `additionalRoles` assumed in order; then `role`, with externalID and
 * session tags. Unlike ESO, every hop is a cached credential source, built once per (store generation,
 * referent namespace) and renewed only near expiry, so refreshes cost no STS call.
 */
export function buildCredentialChain(options: CredentialChainOptions): CredentialChain {
  const { spec, store, esNamespace, kube, now, redactor } = options;
  const hops: CredentialSource[] = [];
  const names: string[] = [];
  const auth = spec.auth;

  if (auth?.secretRef && auth.jwt) throw new InvalidStoreError("spec.provider.aws.auth: set only one of secretRef and jwt");
  if (auth?.jwt) {
    const ref = auth.jwt.serviceAccountRef;
    if (!ref?.name) throw new InvalidStoreError("spec.provider.aws.auth.jwt.serviceAccountRef.name: required");
    const namespace = resolveRefNamespace(store, ref.namespace, esNamespace);
    if (!namespace) throw new InvalidStoreError("spec.provider.aws.auth.jwt.serviceAccountRef.namespace: required to use this store without an ExternalSecret");
    hops.push(
      new CachedCredentials({
        now,
        fetch: webIdentityFetcher({
          namespace,
          serviceAccount: ref.name,
          extraAudiences: ref.audiences ?? [],
          kube,
          sts: options.sts(undefined),
          redactor,
        }),
      }),
    );
    names.push(`jwt serviceaccount ${namespace}/${ref.name}`);
  } else if (auth?.secretRef) {
    const fetch = staticKeysFetcher(auth.secretRef, (selector) => resolveRefNamespace(store, selector.namespace, esNamespace), kube, redactor);
    hops.push(new CachedCredentials({ now, fetch, maxAgeMs: STATIC_KEYS_MAX_AGE_MS }));
    names.push("secretRef");
  } else {
    hops.push(options.defaultCredentials());
    names.push("default chain");
  }

  for (const roleArn of spec.additionalRoles ?? []) {
    hops.push(assumeRoleHop(options, hops.at(-1)!, { RoleArn: roleArn, RoleSessionName: ASSUME_ROLE_SESSION_NAME }));
    names.push(`role ${roleArn}`);
  }
  if (spec.role) {
    hops.push(assumeRoleHop(options, hops.at(-1)!, finalRoleRequest(spec, store, esNamespace)));
    names.push(`role ${spec.role}`);
  }

  const last = hops.at(-1)!;
  return {
    hops: names,
    credentials: {
      get: () => last.get(),
      // A rejected signature may come from any hop (a rotated static key under a valid role session is
      // rare, an expired base under a cached role is not): each hop decides by the age of what it holds.
      invalidate: () => {
        for (const hop of hops) hop.invalidate();
      },
    },
  };
}

function assumeRoleHop(options: CredentialChainOptions, previous: CredentialSource, request: AssumeRoleRequest): CredentialSource {
  const sts = options.sts(previous);
  const what = `AssumeRole ${request.RoleArn}`;
  return new CachedCredentials({
    now: options.now,
    fetch: async (): Promise<AwsCredentials> => {
      const response = await sts.assumeRole(request).catch((err: unknown) => {
        throw callError(err, what, options.redactor);
      });
      const credentials = fromStsCredentials(response.Credentials, what);
      options.redactor.add(credentials.secretAccessKey);
      options.redactor.add(credentials.sessionToken);
      return credentials;
    },
  });
}

/** The final `role` hop carries externalID, sessionTags (plus the sessionTagsPolicy tags) and transitiveTagKeys. */
export function finalRoleRequest(spec: AwsProviderSpec, store: StoreIdentity, esNamespace: string | undefined): AssumeRoleRequest {
  const request: AssumeRoleRequest = { RoleArn: spec.role, RoleSessionName: ASSUME_ROLE_SESSION_NAME };
  if (spec.externalID) request.ExternalId = spec.externalID;
  const tags = new Map<string, Tag>();
  const put = (key: string, value: string) => tags.set(key.toLowerCase(), { Key: key, Value: value });
  for (const tag of spec.sessionTags ?? []) put(tag.key, tag.value);
  if (usesNamespaceSessionTag(spec)) {
    if (spec.sessionTagsPolicy === "Custom") {
      // ESO ignores custom tags with an empty key or value.
      for (const [key, value] of Object.entries(spec.customSessionTags ?? {})) if (key && value) put(key, value);
    }
    put("esoNamespace", resolveRefNamespace(store, undefined, esNamespace) ?? "");
    put("esoStoreName", store.name);
    put("esoStoreKind", store.kind);
  }
  if (tags.size > 0) {
    request.Tags = [...tags.values()];
    if (spec.transitiveTagKeys?.length) request.TransitiveTagKeys = [...spec.transitiveTagKeys];
  }
  return request;
}
