//go:build wasip1

package main

import "unsafe"

// The wasm build is a WASI reactor: the host asks for an input buffer, writes the JSON request into it, calls
// ferry_call, then reads ferry_call's result length from ferry_output. Both buffers stay referenced from
// globals between the calls so the collector keeps them.
var input, output []byte

//go:wasmexport ferry_input
func ferryInput(size uint32) unsafe.Pointer {
	input = make([]byte, size+1)
	return unsafe.Pointer(&input[0])
}

//go:wasmexport ferry_call
func ferryCall(size uint32) uint32 {
	output = handleJSON(input[:size])
	input = nil
	return uint32(len(output))
}

//go:wasmexport ferry_output
func ferryOutput() unsafe.Pointer {
	if len(output) == 0 {
		return nil
	}
	return unsafe.Pointer(&output[0])
}

func main() {}
