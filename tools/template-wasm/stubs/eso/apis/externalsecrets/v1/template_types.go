// Package v1 stands in for ESO's apis/externalsecrets/v1 in the wasm build (see stubs/README.md). ESO's
// template package uses only these two string types from it; the real package registers every ExternalSecret
// API type with controller-runtime, which links controller-runtime, client-go and the Kubernetes API types.
// Names and values are ESO's (apis/externalsecrets/v1/externalsecret_types.go at the version go.mod pins).
package v1

type TemplateScope string

const (
	TemplateScopeValues        TemplateScope = "Values"
	TemplateScopeKeysAndValues TemplateScope = "KeysAndValues"
)

type TemplateTarget string

const (
	TemplateTargetData        TemplateTarget = "Data"
	TemplateTargetAnnotations TemplateTarget = "Annotations"
	TemplateTargetLabels      TemplateTarget = "Labels"
)
