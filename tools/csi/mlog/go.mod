// A local stand-in for monis.app/mlog, which the Go module proxy does not serve. It implements only what
// sigs.k8s.io/secrets-store-csi-driver v1.6.0 calls (cmd/secrets-store-csi-driver/main.go and
// pkg/secrets-store/server.go), on top of klog, which the driver already logs through.
module monis.app/mlog

go 1.25

require k8s.io/klog/v2 v2.120.1
