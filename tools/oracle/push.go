package main

// PushSecret through ESO's own AWS provider code: PushSecret of pkg/provider/aws/secretsmanager and
// parameterstore, against a scripted AWS that answers each call and records the request bodies, so Ferry's
// tests compare what Ferry sends with what ESO sends, byte for byte.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	corev1 "k8s.io/api/core/v1"

	esv1alpha1 "github.com/external-secrets/external-secrets/apis/externalsecrets/v1alpha1"
	"github.com/external-secrets/external-secrets/pkg/esutils"
	"github.com/external-secrets/external-secrets/pkg/provider/aws/parameterstore"
	"github.com/external-secrets/external-secrets/pkg/provider/aws/secretsmanager"
)

// pushRequest: `service` SecretsManager | ParameterStore; `secretData` the source Secret (base64 values);
// `pushData` a PushSecret data[] entry as JSON; `existing` the remote secret's current value, or absent.
type pushRequest struct {
	Service    string            `json:"service"`
	SecretData map[string]string `json:"secretData"`
	PushData   json.RawMessage   `json:"pushData"`
	Existing   *struct {
		Value  string            `json:"value"` // base64
		Binary bool              `json:"binary"`
		Tags   map[string]string `json:"tags"`
	} `json:"existing"`
}

type recordedCall struct {
	Op   string          `json:"op"`
	Body json.RawMessage `json:"body"`
}

type scriptedAws struct {
	req   pushRequest
	calls []recordedCall
}

func (s *scriptedAws) Do(r *http.Request) (*http.Response, error) {
	body, _ := io.ReadAll(r.Body)
	_ = r.Body.Close()
	target := r.Header.Get("X-Amz-Target")
	op := target[strings.LastIndex(target, ".")+1:]
	if !json.Valid(body) {
		body = []byte("null")
	}
	s.calls = append(s.calls, recordedCall{Op: op, Body: body})
	ex := s.req.Existing
	tags := []map[string]string{}
	if ex != nil {
		for k, v := range ex.Tags {
			tags = append(tags, map[string]string{"Key": k, "Value": v})
		}
	}
	notFound := func(code string) (*http.Response, error) {
		return respond(400, map[string]any{"__type": code, "message": "not found"}, code), nil
	}
	arn := "arn:aws:secretsmanager:us-east-1:000000000000:secret:oracle-AbCdEf"
	switch op {
	case "DescribeSecret":
		if ex == nil {
			return notFound("ResourceNotFoundException")
		}
		return respond(200, map[string]any{"ARN": arn, "Name": "oracle", "Tags": tags, "VersionIdsToStages": map[string][]string{"v1": {"AWSCURRENT"}}}, ""), nil
	case "GetSecretValue":
		if ex == nil {
			return notFound("ResourceNotFoundException")
		}
		out := map[string]any{"ARN": arn, "Name": "oracle", "VersionId": "v1"}
		if ex.Binary {
			out["SecretBinary"] = ex.Value
		} else {
			out["SecretString"] = string(unb64(ex.Value))
		}
		return respond(200, out, ""), nil
	case "GetParameter":
		if ex == nil {
			return notFound("ParameterNotFound")
		}
		return respond(200, map[string]any{"Parameter": map[string]any{"Name": "oracle", "Value": string(unb64(ex.Value)), "Type": "String"}}, ""), nil
	case "ListTagsForResource":
		return respond(200, map[string]any{"TagList": tags}, ""), nil
	case "CreateSecret", "PutSecretValue":
		return respond(200, map[string]any{"ARN": arn, "Name": "oracle", "VersionId": "v2"}, ""), nil
	case "PutParameter":
		return respond(200, map[string]any{"Version": 1}, ""), nil
	default:
		return respond(200, map[string]any{}, ""), nil
	}
}

func respond(status int, body any, errorType string) *http.Response {
	raw, _ := json.Marshal(body)
	h := http.Header{"Content-Type": {"application/x-amz-json-1.1"}}
	if errorType != "" {
		h.Set("X-Amzn-Errortype", errorType)
	}
	return &http.Response{StatusCode: status, Header: h, Body: io.NopCloser(bytes.NewReader(raw)), ContentLength: int64(len(raw))}
}

func pushSecret(raw json.RawMessage) response {
	var req pushRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		return errResponse(err)
	}
	var data esv1alpha1.PushSecretData
	if err := json.Unmarshal(req.PushData, &data); err != nil {
		return errResponse(err)
	}
	secret := &corev1.Secret{Data: map[string][]byte{}}
	for k, v := range req.SecretData {
		secret.Data[k] = unb64(v)
	}
	aws := &scriptedAws{req: req}
	cfg := awsConfig(aws)
	ctx := context.Background()
	var err error
	switch req.Service {
	case "SecretsManager":
		sm, e := secretsmanager.New(ctx, &cfg, nil, "", false, nil, "")
		if e != nil {
			return errResponse(e)
		}
		err = sm.PushSecret(ctx, secret, data)
	case "ParameterStore":
		ps, e := parameterstore.New(ctx, &cfg, "", false)
		if e != nil {
			return errResponse(e)
		}
		err = ps.PushSecret(ctx, secret, data)
	default:
		return errResponse(fmt.Errorf("unknown service %q", req.Service))
	}
	out := string(mustJSON(aws.calls))
	if err != nil {
		return response{Error: err.Error(), Out: &out}
	}
	return response{Out: &out}
}

func reverseKeys(strategy string, keys []string) response {
	m, err := esutils.ReverseKeys(esv1alpha1.PushSecretConversionStrategy(strategy), keysMap(keys))
	if err != nil {
		return errResponse(err)
	}
	return response{Map: byteMap(m)}
}

func awsConfig(client aws.HTTPClient) aws.Config {
	return aws.Config{Region: "us-east-1", Credentials: aws.AnonymousCredentials{}, HTTPClient: client}
}
