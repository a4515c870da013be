package main

import (
	"context"
	"encoding/json"
	"maps"

	corev1 "k8s.io/api/core/v1"

	esv1 "github.com/external-secrets/external-secrets/apis/externalsecrets/v1"
	"github.com/external-secrets/external-secrets/pkg/controllers/templating"
	"github.com/external-secrets/external-secrets/pkg/template"
)

// applyTemplateRequest is ESO's ApplyTemplate input: the template spec, the provider data (base64), and the one
// ConfigMap and one Secret templateFrom may read (ESO's Parser takes them instead of a client, as esoctl does).
type applyTemplateRequest struct {
	Template  esv1.ExternalSecretTemplate `json:"template"`
	Data      map[string]string           `json:"data"`
	ConfigMap *corev1.ConfigMap           `json:"configMap"`
	Secret    *corev1.Secret              `json:"secret"`
}

type applyTemplateResult struct {
	Data        map[string]string `json:"data"`
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
}

// applyTemplate runs ESO's own template application (pkg/controllers/externalsecret, ApplyTemplate, v0.20.4):
// the provider keys kept for mergePolicy Merge or no data templates, then templating.Parser's templateFrom,
// template.data, labels and annotations, with ESO's engine for the template's engineVersion.
func applyTemplate(raw json.RawMessage) response {
	var r applyTemplateRequest
	if err := json.Unmarshal(raw, &r); err != nil {
		return errResponse(err)
	}
	data := map[string][]byte{}
	for k, v := range r.Data {
		data[k] = unb64(v)
	}
	t := r.Template
	secret := &corev1.Secret{Data: map[string][]byte{}}
	if t.MergePolicy == esv1.MergePolicyMerge || (len(t.Data) == 0 && len(t.TemplateFrom) == 0) {
		maps.Insert(secret.Data, maps.All(data))
	}
	exec, err := template.EngineForVersion(t.EngineVersion)
	if err != nil {
		return errResponse(err)
	}
	p := templating.Parser{Exec: exec, DataMap: data, TargetSecret: secret, TemplateFromConfigMap: r.ConfigMap, TemplateFromSecret: r.Secret}
	if err := p.MergeTemplateFrom(context.Background(), "default", &t); err != nil {
		return errResponse(err)
	}
	for _, m := range []struct {
		tpl    map[string]string
		target esv1.TemplateTarget
	}{{t.Data, esv1.TemplateTargetData}, {t.Metadata.Labels, esv1.TemplateTargetLabels}, {t.Metadata.Annotations, esv1.TemplateTargetAnnotations}} {
		if err := p.MergeMap(m.tpl, m.target); err != nil {
			return errResponse(err)
		}
	}
	out, _ := json.Marshal(applyTemplateResult{Data: byteMap(secret.Data), Labels: secret.Labels, Annotations: secret.Annotations})
	s := string(out)
	return response{Out: &s}
}
