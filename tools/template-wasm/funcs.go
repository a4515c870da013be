package main

import (
	"crypto/sha512"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"

	v2 "github.com/external-secrets/external-secrets/pkg/template/v2"
	"github.com/magiconair/properties"
)

// funcs is ESO's function map (the very map ESO's Execute uses — FuncMap returns it, not a copy) after the
// changes below. Every change either follows newer ESO releases or bounds tenant input.
var funcs = v2.FuncMap()

// Bounds on functions whose output size is a number in the template: without them one line such as
// `{{ repeat 2000000000 "x" }}` allocates gigabytes before any deadline can fire.
const (
	maxRepeatBytes = 1 << 20
	maxListLength  = 100_000
	maxRandLength  = 100_000
)

var errNotSupported = errors.New("is not supported by Ferry")

func init() {
	// getSecretKey reads any Secret in any namespace with the controller's own credentials: a tenant could
	// use it to read Secrets they have no access to. Ferry refuses it (it also cannot work in the sandbox).
	funcs["getSecretKey"] = func(name, namespace, key string) (string, error) {
		return "", fmt.Errorf("getSecretKey %w: a template may not read other Secrets from the cluster", errNotSupported)
	}
	// getHostByName does DNS lookups from the controller; ESO removed it from its sprig fork after v0.20
	// (runtime/template/v2/sprig/functions.go has no network functions), so it is "not defined" here too.
	delete(funcs, "getHostByName")

	// sha512sum was added to ESO's sprig after v0.20.4: hex of SHA-512 of the string, like sha256sum.
	funcs["sha512sum"] = func(input string) string {
		sum := sha512.Sum512([]byte(input))
		return hex.EncodeToString(sum[:])
	}

	// certSANs was added to ESO's own functions after v0.20.4 (runtime/template/v2/pem.go): the Subject
	// Alternative Names of the first certificate in a PEM text — DNS names, then IP addresses, e-mail
	// addresses and URIs, each in certificate order. Its tests compare it with Node's X.509 parser.
	funcs["certSANs"] = certSANs
	// fromProperties was added to ESO's own functions after v0.20.4 (runtime/template/v2/properties.go):
	// a Java .properties text as a map of key to value, parsed by the library ESO uses. Its tests compare
	// it with that library called directly (ESO's own test input and error).
	funcs["fromProperties"] = fromProperties

	// Go 1.26 changed encoding/pem.Decode to stop skipping text before the first BEGIN line when that text
	// holds a dash line (golang/go#76124); newer ESO trims that leading junk itself before decoding, which
	// restores the behaviour ESO v0.20.4 had when built with the Go of its time.
	filterPEM := funcs["filterPEM"].(func(string, string) (string, error))
	funcs["filterPEM"] = func(pemType, input string) (string, error) {
		if i := strings.Index(input, "-----BEGIN"); i > 0 {
			input = input[i:]
		}
		return filterPEM(pemType, input)
	}

	repeat := funcs["repeat"].(func(int, string) string)
	funcs["repeat"] = func(count int, str string) (string, error) {
		if count > 0 && len(str) > 0 && count > maxRepeatBytes/len(str) {
			return "", fmt.Errorf("repeat: result longer than %d bytes", maxRepeatBytes)
		}
		return repeat(count, str), nil
	}
	until := funcs["until"].(func(int) []int)
	funcs["until"] = func(count int) ([]int, error) {
		if count > maxListLength || count < -maxListLength {
			return nil, fmt.Errorf("until: more than %d elements", maxListLength)
		}
		return until(count), nil
	}
	untilStep := funcs["untilStep"].(func(int, int, int) []int)
	funcs["untilStep"] = func(start, stop, step int) ([]int, error) {
		if step != 0 && ((stop-start)/step > maxListLength || (stop-start)/step < -maxListLength) {
			return nil, fmt.Errorf("untilStep: more than %d elements", maxListLength)
		}
		return untilStep(start, stop, step), nil
	}
	seq := funcs["seq"].(func(...int) string)
	funcs["seq"] = func(params ...int) (string, error) {
		if seqLength(params) > maxListLength {
			return "", fmt.Errorf("seq: more than %d elements", maxListLength)
		}
		return seq(params...), nil
	}
	for _, name := range []string{"randAlphaNum", "randAlpha", "randAscii", "randNumeric"} {
		gen := funcs[name].(func(int) string)
		funcs[name] = func(count int) (string, error) {
			if count > maxRandLength {
				return "", fmt.Errorf("%s: longer than %d characters", name, maxRandLength)
			}
			return gen(count), nil
		}
	}
	randBytes := funcs["randBytes"].(func(int) (string, error))
	funcs["randBytes"] = func(count int) (string, error) {
		if count > maxRandLength {
			return "", fmt.Errorf("randBytes: more than %d bytes", maxRandLength)
		}
		return randBytes(count)
	}
}

// seqLength is how many numbers sprig's seq would produce for its 1–3 arguments (end; start end; start step end).
func seqLength(p []int) int {
	start, step, end := 1, 1, 0
	switch len(p) {
	case 1:
		end = p[0]
		if end < 1 {
			step = -1
		}
	case 2:
		start, end = p[0], p[1]
		if end < start {
			step = -1
		}
	case 3:
		start, step, end = p[0], p[1], p[2]
	default:
		return 0
	}
	if step == 0 {
		return 0
	}
	n := (end-start)/step + 1
	if n < 0 {
		return -n
	}
	return n
}

// certSANs lists the SANs of the first PEM block, which must be a certificate; text before the first BEGIN
// line is skipped as filterPEM does. Error texts are newer ESO's.
func certSANs(input string) ([]string, error) {
	if i := strings.Index(input, "-----BEGIN"); i > 0 {
		input = input[i:]
	}
	block, _ := pem.Decode([]byte(input))
	if block == nil {
		return nil, errors.New("failed to decode PEM block")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("failed to parse certificate: %w", err)
	}
	out := append([]string{}, cert.DNSNames...)
	for _, ip := range cert.IPAddresses {
		out = append(out, ip.String())
	}
	out = append(out, cert.EmailAddresses...)
	for _, u := range cert.URIs {
		out = append(out, u.String())
	}
	return out, nil
}

// fromProperties reads a Java .properties text (ISO-8859-1 is not assumed: Secret values are UTF-8) into
// key → value. ${...} references stay literal: expansion would let one value pull in others, and newer ESO
// turns it off too. Duplicate keys keep the last value, as Java's Properties.load does.
func fromProperties(input string) (map[string]string, error) {
	loader := properties.Loader{Encoding: properties.UTF8, DisableExpansion: true}
	parsed, err := loader.LoadBytes([]byte(input))
	if err != nil {
		return nil, fmt.Errorf("unable to parse properties: %w", err)
	}
	return parsed.Map(), nil
}
