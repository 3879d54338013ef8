{{/* Names and labels, as `helm create` spells them. */}}
{{- define "driftmon.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "driftmon.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if contains (include "driftmon.name" .) .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name (include "driftmon.name" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "driftmon.selectorLabels" -}}
app.kubernetes.io/name: {{ include "driftmon.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "driftmon.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "driftmon.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "driftmon.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "driftmon.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The pod's grace period: shutdownTimeoutSeconds + 15 s unless set; never shorter. */}}
{{- define "driftmon.terminationGracePeriodSeconds" -}}
{{- $timeout := int .Values.shutdownTimeoutSeconds -}}
{{- if le $timeout 0 -}}
{{- fail (printf "shutdownTimeoutSeconds must be > 0 (got %v)" .Values.shutdownTimeoutSeconds) -}}
{{- end -}}
{{- if eq (toString .Values.terminationGracePeriodSeconds) "" -}}
{{- add $timeout 15 -}}
{{- else if le (int .Values.terminationGracePeriodSeconds) $timeout -}}
{{- fail (printf "terminationGracePeriodSeconds (%v) must be longer than shutdownTimeoutSeconds (%d): Kubernetes would SIGKILL driftmon before it has checkpointed, committed and left the group" .Values.terminationGracePeriodSeconds $timeout) -}}
{{- else -}}
{{- int .Values.terminationGracePeriodSeconds -}}
{{- end -}}
{{- end -}}

{{/*
The driftmon config as rendered into the ConfigMap: values.config with the settings the chart
owns (state.dir on the emptyDir, http on all interfaces at the service port, shutdownTimeout).
*/}}
{{- define "driftmon.config" -}}
{{- $c := deepCopy .Values.config -}}
{{- if hasKey $c "shutdownTimeout" -}}
{{- fail "config.shutdownTimeout: set shutdownTimeoutSeconds instead (terminationGracePeriodSeconds is derived from it)" -}}
{{- end -}}
{{- $state := deepCopy (default (dict) $c.state) -}}
{{- $_ := set $state "dir" .Values.state.mountPath -}}
{{- $_ := set $c "state" $state -}}
{{- $http := deepCopy (default (dict) $c.http) -}}
{{- $_ := set $http "host" "0.0.0.0" -}}
{{- $_ := set $http "port" (int .Values.service.port) -}}
{{- $_ := set $c "http" $http -}}
{{- $_ := set $c "shutdownTimeout" (printf "%ds" (int .Values.shutdownTimeoutSeconds)) -}}
{{- toYaml $c -}}
{{- end -}}

{{/*
Checks across values that rendering must not let through; each fails with what to change.
Included by the Deployment, so every render runs them.
*/}}
{{- define "driftmon.validate" -}}
{{- $sasl := .Values.secrets.kafkaSasl -}}
{{- $tokens := .Values.secrets.labelTokens -}}
{{- range $i, $m := .Values.config.monitors -}}
{{- $s := default (dict) $m.source -}}
{{- with $s.sasl -}}
{{- if not $sasl.existingSecret -}}
{{- fail (printf "config.monitors[%d] (%s) uses SASL: set secrets.kafkaSasl.existingSecret to the Secret holding its password" $i $m.name) -}}
{{- end -}}
{{- if ne .passwordEnv $sasl.env -}}
{{- fail (printf "config.monitors[%d].source.sasl.passwordEnv is %s but secrets.kafkaSasl.env is %s: they must name the same variable" $i .passwordEnv $sasl.env) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- with .Values.config.groundTruthIngest -}}
{{- range .tokenEnvs -}}
{{- if not (hasKey $tokens.keys .) -}}
{{- fail (printf "config.groundTruthIngest.tokenEnvs names %s: add it to secrets.labelTokens.keys (variable → key of secrets.labelTokens.existingSecret)" .) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if and $tokens.keys (not $tokens.existingSecret) -}}
{{- fail "secrets.labelTokens.keys is set: set secrets.labelTokens.existingSecret too" -}}
{{- end -}}
{{- if .Values.keda.enabled -}}
{{- if gt (int .Values.keda.maxReplicas) (int .Values.kafka.partitions) -}}
{{- fail (printf "keda.maxReplicas (%v) exceeds kafka.partitions (%v): a consumer group has at most one active member per partition, so replicas beyond the partition count would sit idle. Lower keda.maxReplicas or add partitions (and set kafka.partitions)" .Values.keda.maxReplicas .Values.kafka.partitions) -}}
{{- end -}}
{{- if gt (int .Values.keda.minReplicas) (int .Values.keda.maxReplicas) -}}
{{- fail (printf "keda.minReplicas (%v) exceeds keda.maxReplicas (%v)" .Values.keda.minReplicas .Values.keda.maxReplicas) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* driftmon's SASL mechanism → KEDA's Kafka scaler spelling. */}}
{{- define "driftmon.kedaSasl" -}}
{{- $m := dict "plain" "plaintext" "scram-sha-256" "scram_sha256" "scram-sha-512" "scram_sha512" -}}
{{- get $m . -}}
{{- end -}}
