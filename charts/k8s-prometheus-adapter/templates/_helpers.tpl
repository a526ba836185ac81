{{/* Names, labels and the small decisions several templates share. */}}

{{- define "kpa.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Release-scoped name: the release name alone when it already contains the chart name. */}}
{{- define "kpa.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "kpa.namespace" -}}
{{- default .Release.Namespace .Values.namespaceOverride -}}
{{- end -}}

{{- define "kpa.selectorLabels" -}}
app.kubernetes.io/name: {{ include "kpa.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "kpa.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: metrics
app.kubernetes.io/part-of: {{ include "kpa.name" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{ include "kpa.selectorLabels" . }}
{{- with .Values.customLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* metadata.labels and, with customAnnotations, metadata.annotations (include with nindent 2). */}}
{{- define "kpa.metadata" -}}
labels:
  {{- include "kpa.labels" . | nindent 2 }}
{{- with .Values.customAnnotations }}
annotations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{- define "kpa.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "kpa.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The ConfigMap holding config.yaml: rules.existing (or its alias existingConfigMap), else ours. */}}
{{- define "kpa.configMapName" -}}
{{- $existing := .Values.rules.existing | default .Values.rules.existingConfigMap -}}
{{- $existing | default (include "kpa.fullname" .) -}}
{{- end -}}

{{/* Which metrics APIs get an APIService (and HPA access): "true" or "". */}}
{{- define "kpa.customMetrics" -}}
{{- if or .Values.rules.default .Values.rules.custom }}true{{ end -}}
{{- end -}}
{{- define "kpa.externalMetrics" -}}
{{- if .Values.rules.external }}true{{ end -}}
{{- end -}}
{{- define "kpa.resourceMetrics" -}}
{{- if .Values.rules.resource }}true{{ end -}}
{{- end -}}

{{/*
The Secret with tls.crt and tls.key the adapter serves with, or "" for a self-signed certificate
in --cert-dir: tls.existingSecret, else the chart's own (tls.enable, certManager.enabled).
*/}}
{{- define "kpa.tlsSecretName" -}}
{{- if .Values.tls.existingSecret -}}
{{- .Values.tls.existingSecret -}}
{{- else if or .Values.tls.enable .Values.certManager.enabled -}}
{{- include "kpa.fullname" . -}}
{{- end -}}
{{- end -}}

{{/* tls.ca when it is a PEM certificate (upstream's default is a placeholder comment). */}}
{{- define "kpa.caPem" -}}
{{- if and .Values.tls.ca (contains "BEGIN CERTIFICATE" .Values.tls.ca) -}}
{{- .Values.tls.ca -}}
{{- end -}}
{{- end -}}

{{/* The APIService spec fields about trust, at indent 2. */}}
{{- define "kpa.apiServiceTrust" -}}
{{- $ca := include "kpa.caPem" . -}}
{{- if .Values.certManager.enabled }}
  insecureSkipTLSVerify: false
{{- else if and $ca (or .Values.tls.enable .Values.tls.existingSecret) }}
  caBundle: {{ b64enc $ca }}
  insecureSkipTLSVerify: false
{{- else }}
  insecureSkipTLSVerify: true
{{- end }}
{{- end -}}

{{/* APIService metadata annotations (customAnnotations, cert-manager's CA injection), at indent 2. */}}
{{- define "kpa.apiServiceAnnotations" -}}
{{- if or .Values.certManager.enabled .Values.customAnnotations }}
  annotations:
    {{- if .Values.certManager.enabled }}
    cert-manager.io/inject-ca-from: {{ printf "%s/%s-root-cert" (include "kpa.namespace" .) (include "kpa.fullname" .) | quote }}
    {{- end }}
    {{- with .Values.customAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
{{- end }}
{{- end -}}

{{/* The whole adapter config (config.yaml). */}}
{{- define "kpa.config" -}}
{{- $config := dict -}}
{{- $rules := list -}}
{{- if .Values.rules.default -}}
{{- $rules = concat $rules (get (.Files.Get "files/default-rules.yaml" | fromYaml) "rules") -}}
{{- end -}}
{{- if .Values.rules.custom -}}
{{- $rules = concat $rules (tpl (toYaml .Values.rules.custom) . | fromYamlArray) -}}
{{- end -}}
{{- if $rules -}}
{{- $_ := set $config "rules" $rules -}}
{{- end -}}
{{- if .Values.rules.external -}}
{{- $_ := set $config "externalRules" .Values.rules.external -}}
{{- end -}}
{{- if .Values.rules.resource -}}
{{- $_ := set $config "resourceRules" .Values.rules.resource -}}
{{- end -}}
{{- if $config -}}
{{- toYaml $config -}}
{{- else -}}
{}
{{- end -}}
{{- end -}}
