// Package main is Ferry's template engine: External Secrets Operator's own template package
// (github.com/external-secrets/external-secrets/pkg/template/v2 — Go text/template, ESO's sprig fork and ESO's
// PEM/PKCS#12/JWK/YAML functions) behind a JSON request/response boundary. The same code is built twice:
// for wasip1 (wasm.go) to run inside Ferry, and natively (native.go) as the differential-test oracle.
//
// Ferry renders ESO's templates by calling ESO's Execute, so output and error text are ESO's by construction.
// The few changes to ESO's function set are in funcs.go, each with the reason.
package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sort"
	tpl "text/template"

	corev1 "k8s.io/api/core/v1"

	esv1 "github.com/external-secrets/external-secrets/apis/externalsecrets/v1"
	v2 "github.com/external-secrets/external-secrets/pkg/template/v2"
)

// step is one call of ESO's ExecFunc: a template map applied in one scope to one target of the Secret.
type step struct {
	Templates map[string]string `json:"templates"` // key -> base64 template text
	Scope     string            `json:"scope"`     // Values | KeysAndValues
	Target    string            `json:"target"`    // Data | Labels | Annotations
}

type secretState struct {
	Data        map[string]string `json:"data"` // base64
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
}

type request struct {
	Op string `json:"op"` // execute | parse | functions

	// execute
	Steps  []step            `json:"steps"`
	Data   map[string]string `json:"data"` // base64: the provider data the templates read
	Secret *secretState      `json:"secret"`
	// MaxOutputBytes bounds the rendered Secret (data + labels + annotations); 0 means the default.
	MaxOutputBytes int `json:"maxOutputBytes"`

	// parse: key -> base64 template text
	Templates map[string]string `json:"templates"`
}

type response struct {
	Error string `json:"error,omitempty"`
	// Step is the index of the step that failed (execute), -1 when none did.
	Step   *int         `json:"step,omitempty"`
	Secret *secretState `json:"secret,omitempty"`
	// parse: key -> parse error
	ParseErrors map[string]string `json:"parseErrors,omitempty"`
	Functions   []string          `json:"functions,omitempty"`
}

const defaultMaxOutputBytes = 4 << 20

func handleJSON(in []byte) []byte {
	var r request
	var resp response
	if err := json.Unmarshal(in, &r); err != nil {
		resp = response{Error: fmt.Sprintf("ferry template engine: bad request: %v", err)}
	} else {
		resp = handle(r)
	}
	out, err := json.Marshal(resp)
	if err != nil {
		out = []byte(`{"error":"ferry template engine: cannot encode response"}`)
	}
	return out
}

func handle(r request) response {
	switch r.Op {
	case "execute":
		return execute(r)
	case "parse":
		return parse(r.Templates)
	case "functions":
		names := make([]string, 0, len(funcs))
		for k := range funcs {
			names = append(names, k)
		}
		sort.Strings(names)
		return response{Functions: names}
	default:
		return response{Error: fmt.Sprintf("ferry template engine: unknown op %q", r.Op)}
	}
}

func execute(r request) response {
	data, err := decodeMap(r.Data)
	if err != nil {
		return response{Error: err.Error()}
	}
	secret := &corev1.Secret{}
	if r.Secret != nil {
		if secret.Data, err = decodeMap(r.Secret.Data); err != nil {
			return response{Error: err.Error()}
		}
		secret.Labels = r.Secret.Labels
		secret.Annotations = r.Secret.Annotations
	}
	limit := r.MaxOutputBytes
	if limit <= 0 {
		limit = defaultMaxOutputBytes
	}
	for i, s := range r.Steps {
		tplMap, err := decodeMap(s.Templates)
		if err != nil {
			return response{Error: err.Error()}
		}
		if err := v2.Execute(tplMap, data, esv1.TemplateScope(s.Scope), esv1.TemplateTarget(s.Target), secret); err != nil {
			failed := i
			return response{Error: err.Error(), Step: &failed}
		}
		if size := secretSize(secret); size > limit {
			failed := i
			return response{Error: fmt.Sprintf("rendered output is %d bytes, more than the limit of %d bytes", size, limit), Step: &failed}
		}
	}
	out := &secretState{Data: encodeMap(secret.Data), Labels: secret.Labels, Annotations: secret.Annotations}
	return response{Secret: out}
}

// parse parses each template exactly as ESO's execute does before running it, so unknown functions and syntax
// errors surface without data.
func parse(templates map[string]string) response {
	errs := map[string]string{}
	for k, b64 := range templates {
		text, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			errs[k] = err.Error()
			continue
		}
		if _, err := tpl.New(k).Option("missingkey=error").Funcs(funcs).Parse(string(text)); err != nil {
			errs[k] = err.Error()
		}
	}
	return response{ParseErrors: errs}
}

func secretSize(s *corev1.Secret) int {
	n := 0
	for k, v := range s.Data {
		n += len(k) + len(v)
	}
	for k, v := range s.Labels {
		n += len(k) + len(v)
	}
	for k, v := range s.Annotations {
		n += len(k) + len(v)
	}
	return n
}

func decodeMap(m map[string]string) (map[string][]byte, error) {
	if m == nil {
		return nil, nil
	}
	out := make(map[string][]byte, len(m))
	for k, v := range m {
		b, err := base64.StdEncoding.DecodeString(v)
		if err != nil {
			return nil, fmt.Errorf("ferry template engine: bad base64 for %q: %v", k, err)
		}
		out[k] = b
	}
	return out, nil
}

func encodeMap(m map[string][]byte) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = base64.StdEncoding.EncodeToString(v)
	}
	return out
}
