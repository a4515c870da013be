// Package v1 stands in for k8s.io/api/core/v1 in the wasm build (see stubs/README.md). ESO's template package
// and engine.go use only a Secret's data, labels and annotations; the real package is every core API type
// with its protobuf and deep-copy code, all of which text/template's use of reflection keeps in the binary.
package v1

// ObjectMeta has the two metadata fields templates write (the real one is apimachinery's metav1.ObjectMeta).
type ObjectMeta struct {
	Labels      map[string]string
	Annotations map[string]string
}

type Secret struct {
	ObjectMeta
	Data map[string][]byte
}
