{{/*
ESO's Helm values (deploy/charts/external-secrets/values.yaml, top level), read with the same meaning so an
ESO user's values.yaml installs Ferry: each helper below gives the effective Ferry setting, Ferry's own key
overlaid by ESO's when the user set ESO's. Ferry's values.yaml defines none of ESO's top-level keys, so a key
is present only when the user wrote it. What Ferry cannot honour fails in templates/eso-values.yaml.
docs/migrating-from-eso.md has the full table (generated from tools/helm/eso-values.ts, tested with helm
template in test/integration/deploy/eso-values.test.ts).
*/}}

{{/* The controller's values with ESO's top-level keys applied; use as (include "ferry.controller" . | fromYaml). */}}
{{- define "ferry.controller" -}}
{{- $v := .Values -}}
{{- $c := deepCopy $v.controller -}}
{{- if hasKey $v "replicaCount" }}{{ $_ := set $c "replicas" $v.replicaCount }}{{ end -}}
{{- if hasKey $v "concurrent" }}{{ $_ := set $c "concurrency" $v.concurrent }}{{ end -}}
{{- if hasKey $v "scopedNamespace" }}{{ $_ := set $c "watchNamespace" $v.scopedNamespace }}{{ end -}}
{{- if hasKey $v "leaderElect" }}{{ $_ := set $c.leaderElection "enabled" $v.leaderElect }}{{ end -}}
{{- if hasKey $v "processClusterExternalSecret" }}{{ $_ := set $c "processClusterExternalSecret" $v.processClusterExternalSecret }}{{ end -}}
{{- if hasKey $v "createOperator" }}{{ $_ := set $c "enabled" $v.createOperator }}{{ end -}}
{{- range $key := list "resources" "nodeSelector" "tolerations" "affinity" "priorityClassName" "topologySpreadConstraints" "podAnnotations" "podLabels" "extraEnv" }}
{{- if hasKey $v $key }}{{ $_ := set $c $key (index $v $key) }}{{ end -}}
{{- end -}}
{{- with $v.podDisruptionBudget }}
{{- $pdb := dict "enabled" (default false .enabled) -}}
{{- with .minAvailable }}{{ $_ := set $pdb "minAvailable" . }}{{ end -}}
{{- with .maxUnavailable }}{{ $_ := set $pdb "maxUnavailable" . }}{{ end -}}
{{- $_ := set $c "podDisruptionBudget" $pdb -}}
{{- end -}}
{{- with $v.serviceAccount }}
{{- range $key := list "create" "name" "annotations" "extraLabels" }}
{{- if hasKey $.Values.serviceAccount $key }}{{ $_ := set $c.serviceAccount $key (index $.Values.serviceAccount $key) }}{{ end -}}
{{- end -}}
{{- end -}}
{{- /* Arguments: Ferry's extraArgs (a list, or ESO's map shape), then ESO's extraArgs map and value-driven flags. */ -}}
{{- $args := list -}}
{{- $maps := list -}}
{{- if kindIs "map" $c.extraArgs }}{{ $maps = append $maps $c.extraArgs }}{{ else }}{{ $args = concat $args (default list $c.extraArgs) }}{{ end -}}
{{- with $v.extraArgs }}{{ if kindIs "map" . }}{{ $maps = append $maps . }}{{ else }}{{ $args = concat $args . }}{{ end }}{{ end -}}
{{- range $m := $maps }}
{{- range $key, $value := $m }}
{{- if or (kindIs "bool" $value) $value }}{{ $args = append $args (printf "--%s=%v" $key $value) }}{{ else }}{{ $args = append $args (printf "--%s" $key) }}{{ end -}}
{{- end -}}
{{- end -}}
{{- with $v.log }}{{ with .timeEncoding }}{{ $args = append $args (printf "--log-time-format=%s" .) }}{{ end }}{{ end -}}
{{- with $v.metrics }}{{ with .listen }}{{ with .port }}{{ $args = append $args (printf "--metrics-addr=:%v" .) }}{{ $_ := set $c "metricsPort" . }}{{ end }}{{ end }}{{ end -}}
{{- $_ := set $c "extraArgs" $args -}}
{{- toYaml $c -}}
{{- end -}}

{{/* The log level: ESO's log.level (zap's dpanic, panic and fatal log errors only) or Ferry's logLevel. */}}
{{- define "ferry.logLevel" -}}
{{- $level := .Values.logLevel -}}
{{- with .Values.log }}{{ with .level }}{{ $level = . }}{{ end }}{{ end -}}
{{- if has $level (list "dpanic" "panic" "fatal") }}error{{ else }}{{ $level }}{{ end -}}
{{- end -}}

{{/* The ServiceMonitor settings: Ferry's metrics.serviceMonitor with ESO's top-level serviceMonitor applied. */}}
{{- define "ferry.serviceMonitor" -}}
{{- $s := deepCopy .Values.metrics.serviceMonitor -}}
{{- with .Values.serviceMonitor }}
{{- range $key := list "enabled" "interval" "scrapeTimeout" "honorLabels" "metricRelabelings" "relabelings" "namespace" "renderMode" }}
{{- if hasKey $.Values.serviceMonitor $key }}{{ $_ := set $s $key (index $.Values.serviceMonitor $key) }}{{ end -}}
{{- end -}}
{{- with .additionalLabels }}{{ $_ := set $s "labels" (merge (deepCopy .) (default dict $s.labels)) }}{{ end -}}
{{- if not (hasKey $.Values.serviceMonitor "renderMode") }}{{ $_ := set $s "renderMode" "skipIfMissing" }}{{ end -}}
{{- end -}}
{{- toYaml $s -}}
{{- end -}}

{{/* A security context without ESO's `enabled` switch (not a Kubernetes field); call with the context map. */}}
{{- define "ferry.securityContext" -}}
{{- toYaml (omit . "enabled") -}}
{{- end -}}
