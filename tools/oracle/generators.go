package main

// ESO's own generators (pkg/generator/password, uuid) run on a generator object, as ESO's controller runs
// them: Ferry's Password generator is compared with these for defaults, error texts and character rules.

import (
	"context"
	"encoding/json"
	"fmt"

	apiextensions "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"

	"github.com/external-secrets/external-secrets/pkg/generator/password"
	"github.com/external-secrets/external-secrets/pkg/generator/uuid"
)

func generate(raw json.RawMessage) response {
	var head struct {
		Kind string `json:"kind"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return errResponse(err)
	}
	spec := &apiextensions.JSON{Raw: raw}
	var (
		out map[string][]byte
		err error
	)
	switch head.Kind {
	case "Password":
		out, _, err = (&password.Generator{}).Generate(context.Background(), spec, nil, "")
	case "UUID":
		out, _, err = (&uuid.Generator{}).Generate(context.Background(), spec, nil, "")
	default:
		return errResponse(fmt.Errorf("oracle: generator kind %q not wired", head.Kind))
	}
	if err != nil {
		return errResponse(err)
	}
	m := map[string]string{}
	for k, v := range out {
		m[k] = b64(v)
	}
	return response{Map: m}
}
