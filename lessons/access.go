package lessons

import (
	"fmt"
	"strings"
)

// AccessRequest is one "can SUBJECT do VERB on RESOURCE in NS" question.
type AccessRequest struct {
	Verb        string
	Group       string
	Resource    string
	Subresource string
	// Namespace is "" for a cluster-wide request.
	Namespace string
	// Name restricts the request to one object (resourceNames).
	Name string
}

// ParseAccessRequest parses "VERB RESOURCE[.GROUP][/SUBRESOURCE] [NAME] [in NAMESPACE]",
// for example "get pods/log in dev" or "list endpointslices.discovery.k8s.io".
func ParseAccessRequest(s string) (AccessRequest, error) {
	f := strings.Fields(s)
	var r AccessRequest
	if len(f) >= 2 && f[len(f)-2] == "in" {
		r.Namespace = f[len(f)-1]
		f = f[:len(f)-2]
	}
	if len(f) != 2 && len(f) != 3 {
		return r, fmt.Errorf("%q: write it as \"VERB RESOURCE[.GROUP][/SUBRESOURCE] [NAME] [in NAMESPACE]\"", s)
	}
	r.Verb = f[0]
	res := f[1]
	if len(f) == 3 {
		r.Name = f[2]
	}
	if res, sub, ok := strings.Cut(res, "/"); ok {
		r.Subresource = sub
		f[1] = res
	}
	res = f[1]
	if name, group, ok := strings.Cut(res, "."); ok {
		r.Resource, r.Group = name, group
	} else {
		r.Resource = res
	}
	if r.Resource == "" || r.Verb == "" {
		return r, fmt.Errorf("%q: verb and resource are required", s)
	}
	if r.Resource != strings.ToLower(r.Resource) {
		return r, fmt.Errorf("%q: resources are lower-case plurals such as pods or deployments.apps", s)
	}
	return r, nil
}

// String renders the request the way "kubectl auth can-i" reads.
func (r AccessRequest) String() string {
	res := r.Resource
	if r.Group != "" {
		res += "." + r.Group
	}
	if r.Subresource != "" {
		res += "/" + r.Subresource
	}
	s := r.Verb + " " + res
	if r.Name != "" {
		s += " " + r.Name
	}
	if r.Namespace != "" {
		s += " in " + r.Namespace
	} else {
		s += " cluster-wide"
	}
	return s
}
