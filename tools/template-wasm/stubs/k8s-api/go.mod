// Stands in for k8s.io/api in the wasm build (see ../README.md): only core/v1's Secret, with the fields
// ESO's template package and engine.go use.
module k8s.io/api

go 1.24
