// Package mlog is the subset of monis.app/mlog's API the Secrets Store CSI driver v1.6.0 uses, written here
// from those call sites: Setup, Format (Text/JSON), ValidateAndSetKlogLevelAndFormatGlobally, Error, Fatal.
// Logs go through klog in text form; JSON output is accepted but logged as text (the tests read text).
package mlog

import (
	"context"
	"fmt"
	"os"

	"k8s.io/klog/v2"
)

// Format selects the log encoding.
type Format string

const (
	FormatText Format = "text"
	FormatJSON Format = "json"
)

// Setup prepares logging and returns the function that flushes it on exit.
func Setup() func() {
	return klog.Flush
}

// ValidateAndSetKlogLevelAndFormatGlobally checks the level and format the driver passes.
func ValidateAndSetKlogLevelAndFormatGlobally(_ context.Context, level klog.Level, format Format) error {
	if level < 0 {
		return fmt.Errorf("invalid klog level %d", level)
	}
	switch format {
	case FormatText, FormatJSON:
		return nil
	default:
		return fmt.Errorf("unknown log format %q", format)
	}
}

// Error logs msg with key/value pairs; an error among them is logged as the error.
func Error(msg string, keysAndValues ...any) {
	var err error
	rest := make([]any, 0, len(keysAndValues))
	for _, kv := range keysAndValues {
		if e, ok := kv.(error); ok && err == nil {
			err = e
			continue
		}
		rest = append(rest, kv)
	}
	if len(rest)%2 == 1 {
		rest = append([]any{"args"}, rest...)
	}
	klog.ErrorSDepth(1, err, msg, rest...)
}

// Fatal logs err and exits with status 1.
func Fatal(err error, keysAndValues ...any) {
	if len(keysAndValues)%2 == 1 {
		keysAndValues = append([]any{"args"}, keysAndValues...)
	}
	klog.ErrorSDepth(1, err, "fatal", keysAndValues...)
	klog.Flush()
	os.Exit(1)
}
