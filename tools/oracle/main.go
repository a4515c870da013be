// Command oracle answers test cases with the real Go implementations Ferry must match: tidwall/gjson,
// Go's regexp, sigs.k8s.io/yaml as ASCP decodes SecretProviderClass objects (ascp.go), and External
// Secrets Operator's own code (decoding, key conversion, rewrites, and the AWS
// Secrets Manager provider's property selection and GetSecretMap). It reads a JSON array of requests on
// stdin and writes a JSON array of responses, one per request, in the same order.
//
// Byte strings travel base64-encoded so payloads that are not UTF-8 survive the round trip exactly.
package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"sort"
	"unicode"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/go-logr/logr"
	"github.com/tidwall/gjson"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	esv1 "github.com/external-secrets/external-secrets/apis/externalsecrets/v1"
	"github.com/external-secrets/external-secrets/pkg/esutils"
	"github.com/external-secrets/external-secrets/pkg/provider/aws/secretsmanager"
)

type request struct {
	Op string `json:"op"`

	// gjson
	JSON string `json:"json"` // base64
	Path string `json:"path"`

	// getSecret / getSecretMap: the payload as Secrets Manager would return it.
	Payload  string `json:"payload"` // base64
	Binary   bool   `json:"binary"`
	Property string `json:"property"`

	// decode / convertKeys
	Strategy string   `json:"strategy"`
	Value    string   `json:"value"` // base64
	Keys     []string `json:"keys"`

	// pushSecret: see push.go
	Push json.RawMessage `json:"push"`

	// applyTemplate: see templating.go
	Apply json.RawMessage `json:"apply"`

	// generate: see generators.go (a generator object as JSON)
	Generator json.RawMessage `json:"generator"`

	// match / replaceAll / rewrite
	Pattern  string                       `json:"pattern"`
	Input    string                       `json:"input"`
	Repl     string                       `json:"repl"`
	Rewrites []esv1.ExternalSecretRewrite `json:"rewrites"`
}

type response struct {
	Error string `json:"error,omitempty"`

	// gjson
	Exists *bool  `json:"exists,omitempty"`
	Type   string `json:"type,omitempty"`
	Raw    string `json:"raw,omitempty"` // base64
	Str    string `json:"str,omitempty"` // base64, Result.String()

	// byte results (base64)
	Value *string `json:"value,omitempty"`
	// map results: key -> base64 value
	Map map[string]string `json:"map,omitempty"`
	// string results
	Out *string `json:"out,omitempty"`
	// match results
	Matched *bool `json:"matched,omitempty"`
}

func main() {
	ctrllog.SetLogger(logr.Discard())
	in, err := io.ReadAll(os.Stdin)
	if err != nil {
		fail(err)
	}
	var reqs []request
	if err := json.Unmarshal(in, &reqs); err != nil {
		fail(fmt.Errorf("decoding requests: %w", err))
	}
	out := make([]response, len(reqs))
	for i, r := range reqs {
		out[i] = handle(r)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "oracle:", err)
	os.Exit(1)
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func unb64(s string) []byte {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		fail(fmt.Errorf("bad base64 in request: %w", err))
	}
	return b
}

func errResponse(err error) response { return response{Error: err.Error()} }

func byteMap(m map[string][]byte) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = b64(v)
	}
	return out
}

func handle(r request) response {
	switch r.Op {
	case "gjson":
		res := gjson.Get(string(unb64(r.JSON)), r.Path)
		exists := res.Exists()
		return response{Exists: &exists, Type: res.Type.String(), Raw: b64([]byte(res.Raw)), Str: b64([]byte(res.String()))}

	case "getSecret":
		sm, err := fakeSecretsManager(unb64(r.Payload), r.Binary)
		if err != nil {
			return errResponse(err)
		}
		v, err := sm.GetSecret(context.Background(), esv1.ExternalSecretDataRemoteRef{Key: "oracle", Property: r.Property})
		if err != nil {
			return errResponse(err)
		}
		s := b64(v)
		return response{Value: &s}

	case "getSecretMap":
		sm, err := fakeSecretsManager(unb64(r.Payload), r.Binary)
		if err != nil {
			return errResponse(err)
		}
		m, err := sm.GetSecretMap(context.Background(), esv1.ExternalSecretDataRemoteRef{Key: "oracle", Property: r.Property})
		if err != nil {
			return errResponse(err)
		}
		return response{Map: byteMap(m)}

	case "decode":
		v, err := esutils.Decode(esv1.ExternalSecretDecodingStrategy(r.Strategy), unb64(r.Value))
		if err != nil {
			return errResponse(err)
		}
		s := b64(v)
		return response{Value: &s}

	case "convertKeys":
		// Each key's value is its own original name, so the response maps converted -> original.
		m, err := esutils.ConvertKeys(esv1.ExternalSecretConversionStrategy(r.Strategy), keysMap(r.Keys))
		if err != nil {
			return errResponse(err)
		}
		return response{Map: byteMap(m)}

	case "rewrite":
		m, err := esutils.RewriteMap(r.Rewrites, keysMap(r.Keys))
		if err != nil {
			return errResponse(err)
		}
		return response{Map: byteMap(m)}

	case "match":
		// Go's regexp.MatchString, as ESO's find.name.regexp (pkg/find) and a ClusterSecretStore's
		// conditions[].namespaceRegexes use it.
		re, err := regexp.Compile(r.Pattern)
		if err != nil {
			return errResponse(err)
		}
		matched := re.MatchString(r.Input)
		return response{Matched: &matched}

	case "ascpObjects":
		return ascpObjects(r.Input)

	case "replaceAll":
		re, err := regexp.Compile(r.Pattern)
		if err != nil {
			return errResponse(err)
		}
		s := re.ReplaceAllString(r.Input, r.Repl)
		return response{Out: &s}

	case "pushSecret":
		return pushSecret(r.Push)
	case "generate":
		return generate(r.Generator)

	case "applyTemplate":
		return applyTemplate(r.Apply)

	case "reverseKeys":
		return reverseKeys(r.Strategy, r.Keys)

	case "unicodeClassNames":
		// The names regexp/syntax looks up for \p{…}: "category:", "script:" and "alias:" keys (an alias's
		// value is its category), so Ferry's copy of the list can be compared with this Go's.
		m := map[string]string{}
		for name := range unicode.Categories {
			m["category:"+name] = ""
		}
		for name := range unicode.Scripts {
			m["script:"+name] = ""
		}
		for name, actual := range unicode.CategoryAliases {
			m["alias:"+name] = actual
		}
		return response{Map: m}

	default:
		return errResponse(fmt.Errorf("unknown op %q", r.Op))
	}
}

func keysMap(keys []string) map[string][]byte {
	sorted := append([]string(nil), keys...)
	sort.Strings(sorted)
	m := make(map[string][]byte, len(keys))
	for _, k := range sorted {
		m[k] = []byte(k)
	}
	return m
}

// fakeSecretsManager builds ESO's real Secrets Manager provider whose AWS client talks to an in-process
// transport answering every GetSecretValue with the given payload: the provider code path (fetch, dot
// escaping, gjson, GetSecretMap) runs unmodified and nothing leaves the process.
func fakeSecretsManager(payload []byte, binary bool) (*secretsmanager.SecretsManager, error) {
	body := map[string]any{
		"ARN":           "arn:aws:secretsmanager:us-east-1:000000000000:secret:oracle-AbCdEf",
		"Name":          "oracle",
		"VersionId":     "00000000-0000-0000-0000-000000000001",
		"VersionStages": []string{"AWSCURRENT"},
	}
	if binary {
		body["SecretBinary"] = b64(payload)
	} else {
		if !utf8.Valid(payload) {
			return nil, errors.New("oracle: string payload must be valid UTF-8")
		}
		body["SecretString"] = string(payload)
	}
	raw := mustJSON(body)
	cfg := aws.Config{
		Region:      "us-east-1",
		Credentials: aws.AnonymousCredentials{},
		HTTPClient:  fixedResponse(raw),
	}
	return secretsmanager.New(context.Background(), &cfg, nil, "", false, nil, "")
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		fail(err)
	}
	return b
}

type fixedResponse []byte

func (f fixedResponse) Do(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		_ = req.Body.Close()
	}
	return &http.Response{
		StatusCode:    http.StatusOK,
		Status:        "200 OK",
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        http.Header{"Content-Type": []string{"application/x-amz-json-1.1"}},
		Body:          io.NopCloser(bytes.NewReader(f)),
		ContentLength: int64(len(f)),
		Request:       req,
	}, nil
}
