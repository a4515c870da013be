//go:build !wasip1

package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
)

// The native build is the differential oracle: a JSON array of requests on stdin, one response per request
// on stdout, in order.
func main() {
	in, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "template-engine:", err)
		os.Exit(1)
	}
	var reqs []json.RawMessage
	if err := json.Unmarshal(in, &reqs); err != nil {
		fmt.Fprintln(os.Stderr, "template-engine: decoding requests:", err)
		os.Exit(1)
	}
	os.Stdout.WriteString("[")
	for i, r := range reqs {
		if i > 0 {
			os.Stdout.WriteString(",")
		}
		os.Stdout.Write(handleJSON(r))
	}
	os.Stdout.WriteString("]\n")
}
