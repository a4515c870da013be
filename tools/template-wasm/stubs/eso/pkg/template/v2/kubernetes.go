// Package template: this file replaces kubernetes.go of ESO's pkg/template/v2 in the wasm build (see
// stubs/README.md). ESO's getSecretKey builds a client-go clientset from controller-runtime's config, which
// links both. Ferry refuses getSecretKey in funcs.go (a tenant could read any Secret with the controller's
// credentials), so this body is never called; it only keeps the name ESO's function map refers to.
package template

import "errors"

func getSecretKey(_, _, _ string) (string, error) {
	return "", errors.New("getSecretKey is not available in Ferry's template engine")
}
