// Command registrar registers a CSI driver with kubelet through kubelet's plugin-registration API
// (k8s.io/kubelet/pkg/apis/pluginregistration/v1), the job node-driver-registrar does in a driver's
// DaemonSet; node-driver-registrar is not served by the Go module proxy, so this is Ferry's own small one.
//
// Kubelet watches <kubelet-root>/plugins_registry for sockets, calls GetInfo to learn the driver's name
// and CSI endpoint, then NotifyRegistrationStatus with the outcome.
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"google.golang.org/grpc"
	registerapi "k8s.io/kubelet/pkg/apis/pluginregistration/v1"
)

type registrar struct {
	registerapi.UnimplementedRegistrationServer
	name     string
	endpoint string
	failed   chan string
}

func (r *registrar) GetInfo(context.Context, *registerapi.InfoRequest) (*registerapi.PluginInfo, error) {
	return &registerapi.PluginInfo{
		Type:              registerapi.CSIPlugin,
		Name:              r.name,
		Endpoint:          r.endpoint,
		SupportedVersions: []string{"1.0.0"},
	}, nil
}

func (r *registrar) NotifyRegistrationStatus(_ context.Context, status *registerapi.RegistrationStatus) (*registerapi.RegistrationStatusResponse, error) {
	if status.PluginRegistered {
		fmt.Fprintf(os.Stderr, "registrar: kubelet registered %s (endpoint %s)\n", r.name, r.endpoint)
	} else {
		fmt.Fprintf(os.Stderr, "registrar: kubelet refused %s: %s\n", r.name, status.Error)
		select {
		case r.failed <- status.Error:
		default:
		}
	}
	return &registerapi.RegistrationStatusResponse{}, nil
}

func main() {
	name := flag.String("driver-name", "secrets-store.csi.k8s.io", "the CSI driver's name")
	endpoint := flag.String("kubelet-registration-path", "", "the CSI driver's socket path as kubelet sees it")
	// node-driver-registrar's flags and its /registration mount, so the driver's own Helm chart runs this image.
	registry := flag.String("plugin-registration-path", "/registration", "kubelet's plugin registry directory (<kubelet-root>/plugins_registry)")
	_ = flag.String("csi-address", "/csi/csi.sock", "the CSI driver's socket as this container sees it (accepted for node-driver-registrar compatibility)")
	_ = flag.Int("v", 0, "log verbosity (accepted for node-driver-registrar compatibility)")
	flag.Parse()
	if *endpoint == "" {
		fmt.Fprintln(os.Stderr, "registrar: --kubelet-registration-path is required")
		os.Exit(2)
	}

	socket := filepath.Join(*registry, *name+"-reg.sock")
	if err := os.MkdirAll(*registry, 0o750); err != nil {
		fmt.Fprintf(os.Stderr, "registrar: %v\n", err)
		os.Exit(1)
	}
	_ = os.Remove(socket)
	listener, err := net.Listen("unix", socket)
	if err != nil {
		fmt.Fprintf(os.Stderr, "registrar: listen on %s: %v\n", socket, err)
		os.Exit(1)
	}
	r := &registrar{name: *name, endpoint: *endpoint, failed: make(chan string, 1)}
	server := grpc.NewServer()
	registerapi.RegisterRegistrationServer(server, r)
	go func() { _ = server.Serve(listener) }()
	fmt.Fprintf(os.Stderr, "registrar: serving %s\n", socket)

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	code := 0
	select {
	case <-signals:
	case <-r.failed:
		code = 1
	}
	server.Stop()
	_ = os.Remove(socket)
	os.Exit(code)
}
