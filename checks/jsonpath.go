package checks

import (
	"bytes"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"k8s.io/client-go/util/jsonpath"
	"sigs.k8s.io/yaml"

	"github.com/kubedojo/kubedojo/lessons"
)

var pathCache sync.Map // normalized path -> *jsonpath.JSONPath template string

// evalPath returns the values a kubectl JSONPath yields from obj (a decoded
// JSON value). Missing keys yield no values rather than an error.
func evalPath(obj any, path string) ([]any, error) {
	norm := lessons.NormalizeJSONPath(path)
	// A parsed JSONPath keeps state between calls, so parse per call but
	// validate the syntax once.
	if _, ok := pathCache.Load(norm); !ok {
		if _, err := lessons.ParseJSONPath(path); err != nil {
			return nil, envErrorf("the exercise's JSONPath %q is invalid: %v", path, err)
		}
		pathCache.Store(norm, true)
	}
	jp := jsonpath.New("check").AllowMissingKeys(true)
	if err := jp.Parse(norm); err != nil {
		return nil, envErrorf("the exercise's JSONPath %q is invalid: %v", path, err)
	}
	found, err := jp.FindResults(obj)
	if err != nil {
		// Type mismatches (indexing a string, say) mean the value is not
		// there in the expected shape: no values.
		return nil, nil
	}
	var out []any
	for _, group := range found {
		for _, v := range group {
			out = append(out, plainValue(v))
		}
	}
	return out, nil
}

func plainValue(v reflect.Value) any {
	for v.Kind() == reflect.Interface || v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	if !v.IsValid() {
		return nil
	}
	return v.Interface()
}

// decodeValue applies one decoding step of a field check.
func decodeValue(step string, v any) (any, error) {
	s, isString := v.(string)
	if !isString && step != "json" && step != "yaml" {
		return nil, fmt.Errorf("cannot %s-decode %s: not a string", step, lessons.FormatValue(v))
	}
	switch step {
	case "base64":
		b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
		if err != nil {
			return nil, fmt.Errorf("value is not valid base64: %v", err)
		}
		return string(b), nil
	case "json", "yaml":
		if !isString {
			return v, nil
		}
		var out any
		var err error
		if step == "json" {
			dec := json.NewDecoder(bytes.NewReader([]byte(s)))
			dec.UseNumber()
			err = dec.Decode(&out)
		} else {
			err = yaml.Unmarshal([]byte(s), &out)
		}
		if err != nil {
			return nil, fmt.Errorf("value is not valid %s: %v", strings.ToUpper(step), err)
		}
		return toPlain(out), nil
	case "pem-csr", "pem-cert":
		block, _ := pem.Decode([]byte(s))
		if block == nil {
			return nil, fmt.Errorf("value is not PEM")
		}
		if step == "pem-csr" {
			csr, err := x509.ParseCertificateRequest(block.Bytes)
			if err != nil {
				return nil, fmt.Errorf("value is not a certificate request: %v", err)
			}
			return certInfo(csr.Subject.CommonName, csr.Subject.Organization, csr.DNSNames), nil
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("value is not a certificate: %v", err)
		}
		return certInfo(cert.Subject.CommonName, cert.Subject.Organization, cert.DNSNames), nil
	}
	return nil, fmt.Errorf("unknown decoding %q", step)
}

func certInfo(cn string, org, dns []string) map[string]any {
	orgs := make([]any, len(org))
	for i, o := range org {
		orgs[i] = o
	}
	names := make([]any, len(dns))
	for i, d := range dns {
		names[i] = d
	}
	return map[string]any{"subject": map[string]any{"commonName": cn, "organization": orgs}, "dnsNames": names}
}

// toPlain converts json.Number to float64/int64 friendly values.
func toPlain(v any) any {
	switch t := v.(type) {
	case json.Number:
		if i, err := t.Int64(); err == nil {
			return i
		}
		f, _ := t.Float64()
		return f
	case map[string]any:
		for k, x := range t {
			t[k] = toPlain(x)
		}
	case []any:
		for i, x := range t {
			t[i] = toPlain(x)
		}
	}
	return v
}
