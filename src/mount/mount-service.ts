/**
 * One Mount, start to end: attributes → parameters → regions → the pod's identity → reads → files. Either
 * every file of the volume is returned or none: any failed object fails the mount with a message listing
 * each failed object and its cause (ASCP server.go: "If there is a failure during the mount of any one
 * secret no secrets are written"), except `optional` objects that do not exist, which are skipped.
 */
import { KubeAccessError } from "../providers/kube-access.ts";
import { ROLE_ARN_ANNOTATION } from "../providers/aws/auth/web-identity.ts";
import { roleSessionName } from "../providers/aws/auth/given-token.ts";
import { POD_IDENTITY_AGENT_IPV4, POD_IDENTITY_AGENT_IPV6 } from "../providers/aws/auth/pod-identity-agent.ts";
import type { Logger } from "../runtime/logger.ts";
import { buildFiles, responseSize, type MountFile, type ObjectVersion, type SkippedObject } from "./build-files.ts";
import { MountError } from "./errors.ts";
import type { MountKube } from "./kube.ts";
import {
  ATTR_OBJECTS,
  ATTR_POD_NAME,
  ATTR_POD_NAMESPACE,
  ATTR_POD_UID,
  ATTR_SERVICE_ACCOUNT,
  parseDefaultMode,
  parseGlobalParameters,
  parseObjects,
  type GlobalParameters,
} from "./parameters.ts";
import { IRSA_AUDIENCE, POD_IDENTITY_AUDIENCE, parseStringMap, podToken } from "./pod-token.ts";
import { classify, readObjects } from "./read-objects.ts";
import type { PodIdentity, SessionCache } from "./sessions.ts";

/** The node label ASCP reads the region from when the SecretProviderClass has none. */
export const REGION_LABEL = "topology.kubernetes.io/region";

const TRANSIENT_IDENTITY_FAILURE = /\b(IDPCommunicationError|InternalFailure|InternalError|ServiceUnavailable|HTTP5\d\d|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|TimeoutError|unreachable)\b/;

/** The driver's default --max-call-recv-msg-size. */
export const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
/** Above this the driver logs "proto above 1MiB, secret sync may fail". */
const SYNC_WARNING_BYTES = 1024 * 1024;

export interface MountRequestFields {
  attributes: string;
  secrets: string;
  targetPath: string;
  permission: string;
}

export interface MountResult {
  files: MountFile[];
  objectVersions: ObjectVersion[];
  skipped: SkippedObject[];
}

export interface MountServiceOptions {
  kube: MountKube;
  sessions: SessionCache;
  logger: Logger;
  /** AWS_REGION of the provider's own environment: ASCP's fallback before the node label. */
  envRegion?: string | undefined;
  /** This node's name (downward API): the region is read from it without looking up the pod first. */
  nodeName?: string | undefined;
  maxResponseBytes?: number | undefined;
  /** Pod Identity agent endpoints by address type; the defaults are EKS's link-local addresses. */
  podIdentityEndpoints?: { ipv4: string; ipv6: string } | undefined;
}

export class MountService {
  readonly #kube: MountKube;
  readonly #sessions: SessionCache;
  readonly #logger: Logger;
  readonly #envRegion: string | undefined;
  readonly #nodeName: string | undefined;
  readonly #maxResponseBytes: number;
  readonly #podIdentityEndpoints: { ipv4: string; ipv6: string };

  constructor(options: MountServiceOptions) {
    this.#kube = options.kube;
    this.#sessions = options.sessions;
    this.#logger = options.logger;
    this.#envRegion = options.envRegion || undefined;
    this.#nodeName = options.nodeName || undefined;
    this.#maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.#podIdentityEndpoints = options.podIdentityEndpoints ?? { ipv4: POD_IDENTITY_AGENT_IPV4, ipv6: POD_IDENTITY_AGENT_IPV6 };
  }

  async mount(request: MountRequestFields, signal?: AbortSignal): Promise<MountResult> {
    const started = Date.now();
    const attributes = parseStringMap(request.attributes, "attributes");
    const secrets = parseStringMap(request.secrets, "secrets");
    const pod = {
      namespace: attributes[ATTR_POD_NAMESPACE] ?? "",
      name: attributes[ATTR_POD_NAME] ?? "",
      uid: attributes[ATTR_POD_UID] ?? "",
      serviceAccount: attributes[ATTR_SERVICE_ACCOUNT] ?? "",
    };
    const log = this.#logger.child({ pod: `${pod.namespace}/${pod.name}`, serviceAccount: pod.serviceAccount });
    try {
      const global = parseGlobalParameters(attributes);
      const defaultMode = parseDefaultMode(request.permission);
      const regions = await this.#regions(global, pod);
      const objects = parseObjects(attributes[ATTR_OBJECTS], { regions, translate: global.translate, defaultMode });

      const identity = await this.#identity(global, attributes, secrets, pod);
      const session = this.#sessions.session(identity, regions[0]);
      // Credentials first: a refused token is reported as what it is, not as N failed objects.
      await session.credentials.get().catch((err: unknown) => {
        const failure = classify(err);
        // STS and the Pod Identity agent: throttling and server or network trouble may pass; anything else
        // (InvalidIdentityToken, AccessDenied on the role's trust policy, a refused token) is the identity.
        const transient = TRANSIENT_IDENTITY_FAILURE.test(failure.cause);
        const kind = failure.kind === "throttled" ? "throttled" : transient ? "unavailable" : "unauthenticated";
        throw MountError.request(kind, `credentials for ${identity.subject}: ${failure.cause}`);
      });

      const reads = await readObjects(
        objects,
        { region: regions[0], clients: session.clients(regions[0]) },
        regions[1] !== undefined ? { region: regions[1], clients: session.clients(regions[1]) } : undefined,
        signal,
      );
      const built = buildFiles(objects, reads, global.translate);
      if (built.failures.length > 0) throw new MountError(built.failures);

      const size = responseSize(built.files, built.objectVersions);
      if (size > this.#maxResponseBytes) {
        const largest = [...built.files].sort((a, b) => b.contents.length - a.contents.length).slice(0, 3);
        throw MountError.request(
          "too-large",
          `the mounted files total about ${size} bytes, over the driver's gRPC message limit of ${this.#maxResponseBytes} bytes (driver flag --max-call-recv-msg-size); largest: ${largest.map((f) => `"${f.path}" ${f.contents.length} bytes`).join(", ")}`,
        );
      }
      if (size > SYNC_WARNING_BYTES) log.warn({ bytes: size }, "mount response above 1 MiB: syncing it to a Kubernetes Secret (secretObjects) may fail");
      for (const s of built.skipped) log.warn({ object: s.object, cause: s.cause }, "optional object not found, skipped");
      log.info(
        { objects: objects.length, files: built.files.length, skipped: built.skipped.length, regions, durationMs: Date.now() - started },
        "mounted",
      );
      return { files: built.files, objectVersions: built.objectVersions, skipped: built.skipped };
    } catch (err) {
      const error = err instanceof MountError ? err : MountError.request("unavailable", `internal error: ${err instanceof Error ? err.name : "unknown"}`);
      if (!(err instanceof MountError)) log.error({ error: { type: err instanceof Error ? err.name : typeof err } }, "mount failed unexpectedly");
      log.warn({ code: error.code, failures: error.failures.map((f) => ({ object: f.object, kind: f.kind })), durationMs: Date.now() - started }, error.message);
      throw error;
    }
  }

  /**
   * ASCP's order: `region`, else the provider's AWS_REGION, else the pod's node's topology.kubernetes.io/region
   * label. `failoverRegion` must differ from the primary.
   */
  async #regions(global: GlobalParameters, pod: { namespace: string; name: string; uid: string }): Promise<readonly [string] | readonly [string, string]> {
    let primary = global.region ?? this.#envRegion;
    if (!primary) {
      try {
        const node = this.#nodeName ?? (await this.#kube.podNodeName(pod.namespace, pod.name, pod.uid || undefined));
        primary = (await this.#kube.nodeLabels(node))[REGION_LABEL];
        if (!primary) throw MountError.request("invalid", `no region: set "region" in the SecretProviderClass (node ${node} has no ${REGION_LABEL} label)`);
      } catch (err) {
        if (err instanceof KubeAccessError) throw MountError.request(err.reason === "Unavailable" ? "unavailable" : "invalid", `no region in the SecretProviderClass, and looking it up failed: ${err.message}`);
        throw err;
      }
    }
    if (!global.failoverRegion) return [primary];
    if (global.failoverRegion === primary) throw MountError.request("invalid", `failoverRegion ${primary} is the same as the primary region`);
    return [primary, global.failoverRegion];
  }

  async #identity(
    global: GlobalParameters,
    attributes: Readonly<Record<string, string>>,
    secrets: Readonly<Record<string, string>>,
    pod: { namespace: string; name: string; serviceAccount: string },
  ): Promise<PodIdentity> {
    if (!pod.namespace || !pod.serviceAccount) {
      throw MountError.request("invalid", "the request has no pod namespace or service account: the CSIDriver must set podInfoOnMount: true");
    }
    const subject = `serviceaccount ${pod.namespace}/${pod.serviceAccount}`;
    if (global.usePodIdentity) {
      const { token, expiresAt } = podToken(attributes, secrets, POD_IDENTITY_AUDIENCE);
      const { ipv4, ipv6 } = this.#podIdentityEndpoints;
      const endpoints = global.preferredAddressType === "ipv4" ? [ipv4] : global.preferredAddressType === "ipv6" ? [ipv6] : [ipv4, ipv6];
      return { kind: "pod-identity", token, tokenExpiresAt: expiresAt, endpoints, subject };
    }
    const { token, expiresAt } = podToken(attributes, secrets, IRSA_AUDIENCE);
    let annotations: Readonly<Record<string, string>>;
    try {
      annotations = await this.#kube.serviceAccountAnnotations(pod.namespace, pod.serviceAccount);
    } catch (err) {
      if (err instanceof KubeAccessError) throw MountError.request(err.reason === "Unavailable" ? "unavailable" : "unauthenticated", err.message);
      throw err;
    }
    const roleArn = annotations[ROLE_ARN_ANNOTATION];
    if (!roleArn) throw MountError.request("unauthenticated", `an IAM role must be associated with ${subject} (annotation ${ROLE_ARN_ANNOTATION})`);
    return { kind: "irsa", roleArn, token, tokenExpiresAt: expiresAt, sessionName: roleSessionName("ferry", pod.namespace, pod.name), subject };
  }
}
