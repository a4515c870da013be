package main

// ASCP decodes a SecretProviderClass's `objects` with sigs.k8s.io/yaml into Go structs
// (aws/secrets-store-csi-driver-provider-aws provider/secret_descriptor.go, NewSecretDescriptorList). ASCP is
// not served by the module proxy, so these structs restate its field names and types — only its shape, no
// code — and decode with the very library ASCP calls: YAML 1.1 scalars, case-insensitive field names,
// unknown fields ignored, numbers into strings.

import (
	"sigs.k8s.io/yaml"
)

type ascpJMESPathEntry struct {
	Path           string `json:"path"`
	ObjectAlias    string `json:"objectAlias"`
	FilePermission string `json:"filePermission"`
}

type ascpFailoverObjectEntry struct {
	ObjectName         string `json:"objectName"`
	ObjectVersion      string `json:"objectVersion"`
	ObjectVersionLabel string `json:"objectVersionLabel"`
}

type ascpSecretDescriptor struct {
	ObjectName         string                  `json:"objectName"`
	ObjectAlias        string                  `json:"objectAlias"`
	ObjectVersion      string                  `json:"objectVersion"`
	ObjectVersionLabel string                  `json:"objectVersionLabel"`
	ObjectType         string                  `json:"objectType"`
	FilePermission     string                  `json:"filePermission"`
	JMESPath           []ascpJMESPathEntry     `json:"jmesPath"`
	FailoverObject     ascpFailoverObjectEntry `json:"failoverObject"`
	ObjectTemplate     string                  `json:"objectTemplate"`
}

// ascpObjects answers with the decoded descriptors as JSON (a nil entry stays null), or the decode error.
func ascpObjects(objects string) response {
	descriptors := make([]*ascpSecretDescriptor, 0)
	if err := yaml.Unmarshal([]byte(objects), &descriptors); err != nil {
		return errResponse(err)
	}
	out := string(mustJSON(descriptors))
	return response{Out: &out}
}
