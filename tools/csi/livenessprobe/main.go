// Command livenessprobe serves /healthz for a CSI driver's pod by calling the driver's CSI Identity Probe,
// the job of kubernetes-csi/livenessprobe (not served by the Go module proxy) in the Secrets Store CSI
// driver's DaemonSet, with the same flags its Helm chart passes.
package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"time"

	csi "github.com/container-storage-interface/spec/lib/go/csi"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

func main() {
	address := flag.String("csi-address", "/csi/csi.sock", "the CSI driver's socket")
	timeout := flag.Duration("probe-timeout", 3*time.Second, "timeout of one Probe call")
	endpoint := flag.String("http-endpoint", "0.0.0.0:9808", "address of /healthz")
	_ = flag.Int("v", 0, "log verbosity (accepted for compatibility)")
	flag.Parse()

	conn, err := grpc.NewClient("unix://"+*address, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		fmt.Fprintf(os.Stderr, "livenessprobe: %v\n", err)
		os.Exit(1)
	}
	identity := csi.NewIdentityClient(conn)
	http.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), *timeout)
		defer cancel()
		response, err := identity.Probe(ctx, &csi.ProbeRequest{})
		if err != nil || (response.GetReady() != nil && !response.GetReady().GetValue()) {
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprintf(w, "not healthy: %v\n", err)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	fmt.Fprintf(os.Stderr, "livenessprobe: serving %s, probing %s\n", *endpoint, *address)
	server := &http.Server{Addr: *endpoint, ReadHeaderTimeout: 5 * time.Second}
	if err := server.ListenAndServe(); err != nil {
		fmt.Fprintf(os.Stderr, "livenessprobe: %v\n", err)
		os.Exit(1)
	}
}
