// Command etcd is etcd's own server entry point, built from Go modules so that the
// test control plane runs exactly the etcd version Kubernetes pins (etcd's server/main.go
// does the same; `go install go.etcd.io/etcd/server/v3@...` fails because of its replace lines).
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
