/**
 * ESO's Helm values (deploy/charts/external-secrets/values.yaml, every top-level key) and what each does in
 * Ferry's chart: the same key, mapped to Ferry's, accepted (Ferry already behaves so, or the key has no
 * meaning without the ESO part it configures), or refused at install with the reason. Each row carries a
 * `helm template` case (test/integration/deploy/eso-values.test.ts) and renders a row of the table in
 * docs/migrating-from-eso.md, so the table, the chart and the tests cannot drift apart.
 */

export interface RenderedObject {
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  [field: string]: unknown;
}

export interface EsoValue {
  key: string;
  status: "same" | "mapped" | "accepted" | "refused";
  /** The Ferry key or behaviour, for the docs table. */
  ferry: string;
  /** Values (ESO's shape) for the test; omitted for rows that need none. */
  values?: Record<string, unknown>;
  /** What the rendering must show for `values` (mapped and same rows). */
  expect?: (objects: readonly RenderedObject[]) => void;
  /** The refusal the install fails with for `values` (refused rows). */
  refusal?: RegExp;
}

type Container = { args?: string[]; resources?: unknown; securityContext?: Record<string, unknown>; ports?: Array<{ name: string; containerPort: number }> };
type PodSpec = { containers: Container[]; nodeSelector?: unknown; tolerations?: unknown; affinity?: unknown; priorityClassName?: string; serviceAccountName?: string; securityContext?: Record<string, unknown>; topologySpreadConstraints?: unknown };

function controller(objects: readonly RenderedObject[]): { deployment: RenderedObject; pod: PodSpec; container: Container; replicas: number } {
  const deployment = objects.find((o) => o.kind === "Deployment" && o.metadata.name.endsWith("-controller"));
  if (!deployment) throw new Error("no controller Deployment rendered");
  const spec = deployment.spec as { replicas: number; template: { spec: PodSpec } };
  return { deployment, pod: spec.template.spec, container: spec.template.spec.containers[0]!, replicas: spec.replicas };
}

function one(objects: readonly RenderedObject[], kind: string, suffix = "-controller"): RenderedObject | undefined {
  return objects.find((o) => o.kind === kind && o.metadata.name.endsWith(suffix));
}

function equal(actual: unknown, expected: unknown, what: string): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

function hasArg(objects: readonly RenderedObject[], arg: string): void {
  const args = controller(objects).container.args ?? [];
  if (!args.includes(arg)) throw new Error(`controller args ${JSON.stringify(args)} lack ${arg}`);
}

const notTemplated = (key: string, value: unknown): EsoValue => ({ key, status: "refused", ferry: "refused when set: not templated by Ferry's chart", values: { [key]: value }, refusal: new RegExp(`${key} — not templated`) });

export const ESO_VALUES: readonly EsoValue[] = [
  { key: "global", status: "refused", ferry: "refused when `global.nodeSelector`/`tolerations`/`affinity`/`topologySpreadConstraints` are set: set them per component", values: { global: { nodeSelector: { a: "b" } } }, refusal: /global\.nodeSelector — set controller\.nodeSelector/ },
  { key: "replicaCount", status: "mapped", ferry: "`controller.replicas`", values: { replicaCount: 3, leaderElect: true }, expect: (o) => equal(controller(o).replicas, 3, "replicas") },
  { key: "bitwarden-sdk-server", status: "refused", ferry: "refused when enabled: Ferry serves AWS only", values: { "bitwarden-sdk-server": { enabled: true } }, refusal: /bitwarden-sdk-server\.enabled/ },
  { key: "revisionHistoryLimit", status: "refused", ferry: "accepted at ESO's default 10, refused otherwise (Ferry keeps 3)", values: { revisionHistoryLimit: 5 }, refusal: /revisionHistoryLimit — Ferry's chart keeps 3/ },
  { key: "image", status: "same", ferry: "`image.repository`/`tag`/`pullPolicy`; refused when it names ESO's image or a `flavour`", values: { image: { repository: "ghcr.io/external-secrets/external-secrets" } }, refusal: /that is ESO's image/ },
  { key: "installCRDs", status: "same", ferry: "`installCRDs`", values: { installCRDs: true }, expect: () => {} },
  { key: "crds", status: "accepted", ferry: "`crds.annotations` as is; refused: `createClusterSecretStore`/`createClusterExternalSecret: false` (one CRD set); `conversion`, `unsafeServeV1Beta1` need nothing (Ferry serves v1beta1)", values: { crds: { createClusterSecretStore: false } }, refusal: /crds\.createClusterSecretStore: false/ },
  { key: "imagePullSecrets", status: "same", ferry: "`imagePullSecrets`", values: { imagePullSecrets: [{ name: "regcred" }] }, expect: (o) => equal((controller(o).pod as { imagePullSecrets?: unknown }).imagePullSecrets, [{ name: "regcred" }], "imagePullSecrets") },
  { key: "nameOverride", status: "same", ferry: "`nameOverride`", values: { nameOverride: "eso" }, expect: (o) => equal(controller(o).deployment.metadata.name, "r-eso-controller", "name") },
  { key: "fullnameOverride", status: "same", ferry: "`fullnameOverride`", values: { fullnameOverride: "secrets" }, expect: (o) => equal(controller(o).deployment.metadata.name, "secrets-controller", "name") },
  { key: "namespaceOverride", status: "refused", ferry: "refused: install with `helm --namespace`", values: { namespaceOverride: "x" }, refusal: /namespaceOverride/ },
  { key: "commonLabels", status: "same", ferry: "`commonLabels`", values: { commonLabels: { team: "platform" } }, expect: (o) => equal(controller(o).deployment.metadata.labels?.team, "platform", "label") },
  { key: "leaderElect", status: "mapped", ferry: "`controller.leaderElection.enabled`", values: { leaderElect: true, replicaCount: 2 }, expect: (o) => hasArg(o, "--leader-elect") },
  { key: "controllerClass", status: "refused", ferry: "refused when set: Ferry does not shard by controller class", values: { controllerClass: "shard-a" }, refusal: /controllerClass — Ferry does not shard/ },
  { key: "extendedMetricLabels", status: "refused", ferry: "refused when true", values: { extendedMetricLabels: true }, refusal: /extendedMetricLabels: true/ },
  { key: "scopedNamespace", status: "mapped", ferry: "`controller.watchNamespace` (namespaced RBAC; ClusterSecretStores still read cluster-wide)", values: { scopedNamespace: "team-a" }, expect: (o) => hasArg(o, "--namespace=team-a") },
  { key: "scopedRBAC", status: "refused", ferry: "refused when true: Ferry always reads ClusterSecretStores; `scopedNamespace` alone already namespaces the rest", values: { scopedRBAC: true }, refusal: /scopedRBAC: true/ },
  { key: "openshiftFinalizers", status: "accepted", ferry: "no effect: Ferry's RBAC already covers the finalizers it sets", values: { openshiftFinalizers: true }, expect: () => {} },
  { key: "systemAuthDelegator", status: "refused", ferry: "refused when true", values: { systemAuthDelegator: true }, refusal: /systemAuthDelegator/ },
  { key: "processClusterExternalSecret", status: "mapped", ferry: "`controller.processClusterExternalSecret` (false: `--enable-cluster-external-secret-reconciler=false`, and no ExternalSecret writes in RBAC)", values: { processClusterExternalSecret: false }, expect: (o) => hasArg(o, "--enable-cluster-external-secret-reconciler=false") },
  { key: "processClusterPushSecret", status: "refused", ferry: "refused when false", values: { processClusterPushSecret: false }, refusal: /processClusterPushSecret: false/ },
  { key: "processClusterStore", status: "refused", ferry: "refused when false", values: { processClusterStore: false }, refusal: /processClusterStore: false/ },
  { key: "processClusterGenerator", status: "accepted", ferry: "no effect: ClusterGenerators are read when an ExternalSecret or PushSecret references one (get only)", values: { processClusterGenerator: false }, expect: () => {} },
  { key: "processPushSecret", status: "refused", ferry: "refused when false", values: { processPushSecret: false }, refusal: /processPushSecret: false/ },
  { key: "createOperator", status: "mapped", ferry: "`controller.enabled`", values: { createOperator: false }, expect: (o) => equal(one(o, "Deployment"), undefined, "no controller Deployment") },
  { key: "enableHTTP2", status: "refused", ferry: "refused when true", values: { enableHTTP2: true }, refusal: /enableHTTP2: true/ },
  { key: "concurrent", status: "mapped", ferry: "`controller.concurrency` (`--concurrency`)", values: { concurrent: 4 }, expect: (o) => hasArg(o, "--concurrency=4") },
  { key: "log", status: "mapped", ferry: "`log.level` → `logLevel` (dpanic/panic/fatal log errors); `log.timeEncoding` → `--log-time-format`", values: { log: { level: "debug", timeEncoding: "iso8601" } }, expect: (o) => { hasArg(o, "--log-level=debug"); hasArg(o, "--log-time-format=iso8601"); } },
  { key: "service", status: "refused", ferry: "refused when `ipFamilyPolicy`/`ipFamilies` are set", values: { service: { ipFamilyPolicy: "PreferDualStack" } }, refusal: /service\.ipFamilyPolicy/ },
  {
    key: "serviceAccount",
    status: "mapped",
    ferry: "`controller.serviceAccount` (`create`, `name`, `annotations` — e.g. IRSA's role-arn —, `extraLabels`); `automount: false` refused",
    values: { serviceAccount: { name: "external-secrets", annotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/eso" }, extraLabels: { team: "platform" } } },
    expect: (o) => {
      const sa = one(o, "ServiceAccount", "external-secrets");
      equal(sa?.metadata.annotations?.["eks.amazonaws.com/role-arn"], "arn:aws:iam::123456789012:role/eso", "IRSA annotation");
      equal(sa?.metadata.labels?.team, "platform", "extraLabels");
      equal(controller(o).pod.serviceAccountName, "external-secrets", "serviceAccountName");
    },
  },
  { key: "rbac", status: "accepted", ferry: "`rbac.create: false` refused; `servicebindings` and the view/edit aggregation are not created by Ferry", values: { rbac: { create: false } }, refusal: /rbac\.create: false/ },
  { key: "extraEnv", status: "mapped", ferry: "`controller.extraEnv`", values: { extraEnv: [{ name: "A", value: "b" }] }, expect: (o) => equal((controller(o).container as { env?: Array<{ name: string }> }).env?.some((e) => e.name === "A"), true, "env A") },
  {
    key: "extraArgs",
    status: "mapped",
    ferry: "the controller's arguments, in ESO's map shape (`--key=value`, `--key` for an empty value); ESO flags are translated by `ferry controller`",
    values: { extraArgs: { "store-requeue-interval": "10m", "enable-flood-gate": "" } },
    expect: (o) => { hasArg(o, "--store-requeue-interval=10m"); hasArg(o, "--enable-flood-gate"); },
  },
  notTemplated("extraVolumes", [{ name: "a", emptyDir: {} }]),
  notTemplated("extraObjects", [{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" } }]),
  notTemplated("extraVolumeMounts", [{ name: "a", mountPath: "/a" }]),
  notTemplated("extraInitContainers", [{ name: "a", image: "busybox" }]),
  notTemplated("extraContainers", [{ name: "a", image: "busybox" }]),
  notTemplated("deploymentAnnotations", { a: "b" }),
  notTemplated("strategy", { type: "Recreate" }),
  { key: "podAnnotations", status: "mapped", ferry: "`controller.podAnnotations`", values: { podAnnotations: { a: "b" } }, expect: (o) => equal((controller(o).deployment.spec as { template: { metadata: { annotations?: Record<string, string> } } }).template.metadata.annotations?.a, "b", "pod annotation") },
  { key: "podLabels", status: "mapped", ferry: "`controller.podLabels`", values: { podLabels: { a: "b" } }, expect: (o) => equal((controller(o).deployment.spec as { template: { metadata: { labels?: Record<string, string> } } }).template.metadata.labels?.a, "b", "pod label") },
  { key: "podSecurityContext", status: "same", ferry: "`podSecurityContext`, ESO's `enabled` switch removed; `enabled: false` refused", values: { podSecurityContext: { enabled: true, fsGroup: 2000 } }, expect: (o) => equal([controller(o).pod.securityContext?.fsGroup, "enabled" in (controller(o).pod.securityContext ?? {})], [2000, false], "fsGroup, no enabled") },
  { key: "securityContext", status: "same", ferry: "`securityContext`, ESO's `enabled` switch removed; `enabled: false` refused", values: { securityContext: { enabled: false } }, refusal: /securityContext\.enabled: false/ },
  { key: "resources", status: "mapped", ferry: "`controller.resources`", values: { resources: { requests: { cpu: "10m" } } }, expect: (o) => equal(controller(o).container.resources, { requests: { cpu: "10m" } }, "resources") },
  {
    key: "serviceMonitor",
    status: "mapped",
    ferry: "`metrics.serviceMonitor`: `enabled`, `interval`, `scrapeTimeout`, `honorLabels`, `metricRelabelings`, `relabelings`, `renderMode` (default skipIfMissing, as ESO), `additionalLabels` → `labels`; another `namespace` refused",
    values: { serviceMonitor: { enabled: true, renderMode: "alwaysRender", additionalLabels: { release: "prom" }, interval: "15s", scrapeTimeout: "10s" } },
    expect: (o) => {
      const sm = one(o, "ServiceMonitor");
      equal(sm?.metadata.labels?.release, "prom", "ServiceMonitor label");
      equal((sm?.spec as { endpoints: unknown[] }).endpoints, [{ port: "metrics", path: "/metrics", interval: "15s", scrapeTimeout: "10s" }], "endpoint");
    },
  },
  { key: "metrics", status: "mapped", ferry: "`metrics.listen.port` → `--metrics-addr` and a container port; `metrics.listen.secure.enabled` and `metrics.service.enabled: false` refused", values: { metrics: { listen: { port: 8080 } } }, expect: (o) => { hasArg(o, "--metrics-addr=:8080"); equal(controller(o).container.ports?.some((p) => p.containerPort === 8080), true, "port 8080"); } },
  { key: "grafanaDashboard", status: "refused", ferry: "refused when enabled: import deploy/grafana's dashboard", values: { grafanaDashboard: { enabled: true } }, refusal: /grafanaDashboard\.enabled/ },
  { key: "livenessProbe", status: "accepted", ferry: "no effect: Ferry's probes are fixed on `controller.healthPort`", values: { livenessProbe: { enabled: true } }, expect: () => {} },
  { key: "nodeSelector", status: "mapped", ferry: "`controller.nodeSelector`", values: { nodeSelector: { pool: "system" } }, expect: (o) => equal(controller(o).pod.nodeSelector, { pool: "system" }, "nodeSelector") },
  { key: "tolerations", status: "mapped", ferry: "`controller.tolerations`", values: { tolerations: [{ key: "dedicated", operator: "Exists" }] }, expect: (o) => equal(controller(o).pod.tolerations, [{ key: "dedicated", operator: "Exists" }], "tolerations") },
  { key: "topologySpreadConstraints", status: "mapped", ferry: "`controller.topologySpreadConstraints`", values: { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "zone", whenUnsatisfiable: "ScheduleAnyway" }] }, expect: (o) => equal((controller(o).pod.topologySpreadConstraints as unknown[]).length, 1, "constraints") },
  { key: "affinity", status: "mapped", ferry: "`controller.affinity`", values: { affinity: { nodeAffinity: { a: 1 } } }, expect: (o) => equal(controller(o).pod.affinity, { nodeAffinity: { a: 1 } }, "affinity") },
  { key: "priorityClassName", status: "mapped", ferry: "`controller.priorityClassName`", values: { priorityClassName: "high" }, expect: (o) => equal(controller(o).pod.priorityClassName, "high", "priorityClassName") },
  {
    key: "podDisruptionBudget",
    status: "mapped",
    ferry: "`controller.podDisruptionBudget` (`enabled`, `minAvailable`, `maxUnavailable`)",
    values: { podDisruptionBudget: { enabled: true, minAvailable: 1 } },
    expect: (o) => {
      const spec = one(o, "PodDisruptionBudget")?.spec as { minAvailable?: number; maxUnavailable?: number } | undefined;
      equal([spec?.minAvailable, spec?.maxUnavailable ?? null], [1, null], "minAvailable only");
    },
  },
  { key: "hostNetwork", status: "refused", ferry: "refused when true", values: { hostNetwork: true }, refusal: /hostNetwork: true/ },
  { key: "webhook", status: "accepted", ferry: "ESO's validating webhook is not needed (its rules are CEL in Ferry's CRDs); ESO's `webhook.*` keys are refused only with Ferry's write-through `webhook.enabled`", expect: () => {} },
  { key: "certController", status: "accepted", ferry: "no effect: Ferry needs no certificate controller", values: { certController: { create: true } }, expect: () => {} },
  { key: "dnsPolicy", status: "refused", ferry: "accepted at ClusterFirst, refused otherwise", values: { dnsPolicy: "None" }, refusal: /dnsPolicy — not templated/ },
  notTemplated("dnsConfig", { nameservers: ["1.1.1.1"] }),
  notTemplated("podSpecExtra", { shareProcessNamespace: true }),
];

/** The Markdown table for docs/migrating-from-eso.md. */
export function renderEsoValuesTable(): string {
  const rows = ESO_VALUES.map((v) => `| \`${v.key}\` | ${v.status} | ${v.ferry} |`);
  return ["| ESO value | in Ferry | Ferry's key or behaviour |", "| --- | --- | --- |", ...rows].join("\n");
}
