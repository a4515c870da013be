{{/* Names, labels and the pieces every component shares. */}}

{{- define "ferry.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* <release>-<chart>, or just <release> when it already contains the chart name; 63 characters at most, less room for the component suffixes below. */}}
{{- define "ferry.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 48 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 48 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 48 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "ferry.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "ferry.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: ferry
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Selector labels of one component; call with (dict "root" $ "component" "controller"). Immutable once deployed. */}}
{{- define "ferry.selectorLabels" -}}
app.kubernetes.io/name: {{ include "ferry.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "ferry.componentLabels" -}}
{{ include "ferry.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* ServiceAccount name of one component; call with (dict "root" $ "component" "controller" "values" .Values.controller). */}}
{{- define "ferry.serviceAccountName" -}}
{{- if .values.serviceAccount.create -}}
{{- default (printf "%s-%s" (include "ferry.fullname" .root) .component) .values.serviceAccount.name -}}
{{- else -}}
{{- required (printf "%s.serviceAccount.name is required when %s.serviceAccount.create is false" .component .component) .values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "ferry.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{/* Environment every component gets: its namespace (defaults of --leader-election-namespace and --exclude-namespace) and AWS settings. */}}
{{- define "ferry.env" -}}
- name: POD_NAMESPACE
  valueFrom:
    fieldRef:
      fieldPath: metadata.namespace
- name: NODE_OPTIONS
  value: {{ include "ferry.nodeOptions" . | quote }}
{{- with .root.Values.aws.region }}
- name: AWS_REGION
  value: {{ . | quote }}
{{- end }}
{{- with .root.Values.aws.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- with .values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* A preferred anti-affinity spreading a component's replicas over nodes, unless the user set an affinity. */}}
{{- define "ferry.affinity" -}}
{{- if .values.affinity -}}
{{ toYaml .values.affinity }}
{{- else -}}
podAntiAffinity:
  preferredDuringSchedulingIgnoredDuringExecution:
    - weight: 100
      podAffinityTerm:
        topologyKey: kubernetes.io/hostname
        labelSelector:
          matchLabels:
            {{- include "ferry.selectorLabels" . | nindent 12 }}
{{- end -}}
{{- end -}}

{{/* Pod scheduling fields shared by the components. */}}
{{- define "ferry.scheduling" -}}
{{- with .values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.topologySpreadConstraints }}
topologySpreadConstraints:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
{{- with .root.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* Probes on the health server: /healthz for liveness, and `ready` for readiness. */}}
{{- define "ferry.probes" -}}
livenessProbe:
  httpGet:
    path: /healthz
    port: health
  periodSeconds: 10
  timeoutSeconds: 5
  failureThreshold: 6
readinessProbe:
  httpGet:
    path: {{ .ready }}
    port: health
  periodSeconds: 5
  timeoutSeconds: 5
  failureThreshold: 3
{{- end -}}

{{- define "ferry.webhookServiceName" -}}
{{- printf "%s-webhook" (include "ferry.fullname" .) -}}
{{- end -}}

{{- define "ferry.webhookTlsSecretName" -}}
{{- if eq .Values.webhook.certificate.mode "secret" -}}
{{- required "webhook.certificate.secretName is required with mode secret" .Values.webhook.certificate.secretName -}}
{{- else -}}
{{- printf "%s-webhook-tls" (include "ferry.fullname" .) -}}
{{- end -}}
{{- end -}}

{{- define "ferry.contentHashKeySecretName" -}}
{{- default (printf "%s-webhook-content-hash-key" (include "ferry.fullname" .)) .Values.webhook.contentHashKey.existingSecret -}}
{{- end -}}

{{/* The controller's rules on namespaced objects: cluster-wide in a ClusterRole, or one namespace's Role with controller.watchNamespace. */}}
{{- define "ferry.controllerNamespacedRules" }}
- apiGroups: ["external-secrets.io"]
  resources: ["externalsecrets", "secretstores"]
  verbs: ["get", "list", "watch"]
- apiGroups: ["external-secrets.io"]
  resources: ["externalsecrets/status", "secretstores/status"]
  verbs: ["get", "patch", "update"]
# Target Secrets carry an owner reference to their ExternalSecret with blockOwnerDeletion, which clusters
# running the OwnerReferencesPermissionEnforcement admission plugin (OpenShift) only allow with this.
- apiGroups: ["external-secrets.io"]
  resources: ["externalsecrets/finalizers"]
  verbs: ["update"]
# PushSecrets: the informer, /status merge patches, and merge patches of metadata.finalizers (the
# pushsecret.externalsecrets.io/finalizer of deletionPolicy Delete). Their source Secrets are read with the
# Secret rules below (get; list/watch of the namespaces that have PushSecrets).
- apiGroups: ["external-secrets.io"]
  resources: ["pushsecrets"]
  verbs: ["get", "list", "watch", "patch"]
- apiGroups: ["external-secrets.io"]
  resources: ["pushsecrets/status"]
  verbs: ["get", "patch"]
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get", "list", "watch", "create", "update", "delete"]
# templateFrom ConfigMaps: read by name (get) and watched one object at a time (list/watch with a
# metadata.name field selector), so a changed template re-renders its Secrets without reading AWS.
- apiGroups: [""]
  resources: ["configmaps"]
  verbs: ["get", "list", "watch"]
# Generators referenced by ExternalSecrets and PushSecrets, read once per run (get only).
- apiGroups: ["generators.external-secrets.io"]
  resources: ["ecrauthorizationtokens", "stssessiontokens", "passwords", "uuids"]
  verbs: ["get"]
- apiGroups: [""]
  resources: ["serviceaccounts"]
  verbs: ["get"]
- apiGroups: [""]
  resources: ["serviceaccounts/token"]
  verbs: ["create"]
{{- end -}}

{{/* Rollout on Secret change (controller.rolloutOnSecretChange.enabled): the workload informers and server-side apply of one pod template annotation. Takes the controller values. */}}
{{- define "ferry.controllerRolloutRules" }}
{{- if .rolloutOnSecretChange.enabled }}
- apiGroups: ["apps"]
  resources: ["deployments", "statefulsets", "daemonsets"]
  verbs: ["get", "list", "watch", "patch"]
{{- end }}
{{- end -}}

{{/* The ConfigMap holding the CA of the kube-apiserver's webhook client certificate (key ca.crt). */}}
{{- define "ferry.webhookClientCaConfigMapName" -}}
{{- default (printf "%s-webhook-client-ca" (include "ferry.fullname" .)) .Values.webhook.clientAuth.existingConfigMap -}}
{{- end -}}

{{/*
V8's heap limits for a component (ADR 13): `nodeOptions` when set, else a 2 MiB young generation and an old
generation of 3/4 of the container's memory limit (Mi or Gi), so the heap stays inside the limit instead of
sizing itself from the node's memory. Node's own defaults grow the young generation to 64 MiB per semi-space.
*/}}
{{- define "ferry.nodeOptions" -}}
{{- if .values.nodeOptions -}}
{{ .values.nodeOptions }}
{{- else -}}
{{- $limit := "" -}}
{{- with .values.resources }}{{ with .limits }}{{ $limit = toString (.memory | default "") }}{{ end }}{{ end -}}
{{- $mi := 0 -}}
{{- if hasSuffix "Mi" $limit }}{{ $mi = atoi (trimSuffix "Mi" $limit) }}{{ else if hasSuffix "Gi" $limit }}{{ $mi = mul (atoi (trimSuffix "Gi" $limit)) 1024 }}{{ end -}}
--max-semi-space-size=2{{ if gt $mi 0 }} --max-old-space-size={{ div (mul $mi 3) 4 }}{{ end }}
{{- end -}}
{{- end -}}
