// Package assets holds the files kubedojo embeds: the built-in course, the
// built-in CKA exam pool, the JSON Schemas of the lesson-pack format and the add-on manifests the lab
// installs.
package assets

import (
	"embed"
	"io/fs"
)

//go:embed course
var course embed.FS

//go:embed exams/cka
var examPool embed.FS

//go:embed schema/*.json
var schemas embed.FS

//go:embed addons/gateway-api-standard.yaml
var gatewayAPI string

//go:embed addons/traefik.yaml
var traefik string

// Course returns the built-in lesson pack, rooted at its course.yaml.
func Course() fs.FS {
	sub, err := fs.Sub(course, "course")
	if err != nil {
		panic(err) // the embed directive guarantees the directory exists
	}
	return sub
}

// ExamPool returns the built-in CKA exam pool, rooted at its course.yaml:
// the default pool of kubedojo exam.
func ExamPool() fs.FS {
	sub, err := fs.Sub(examPool, "exams/cka")
	if err != nil {
		panic(err)
	}
	return sub
}

// Schemas returns the JSON Schemas of the pack format (course, exercise,
// quiz), rooted at the schema directory.
func Schemas() fs.FS {
	sub, err := fs.Sub(schemas, "schema")
	if err != nil {
		panic(err)
	}
	return sub
}

// GatewayAPICRDs returns the Gateway API standard-channel CRDs (v1.6.3) that
// kubedojo installs on its own lab for the Gateway API exercises.
func GatewayAPICRDs() string { return gatewayAPI }

// TraefikManifests returns the objects of the Traefik add-on (v3.6.12): the
// Ingress controller and Gateway API implementation kubedojo installs on
// its own lab for the exercises graded on live HTTP traffic.
func TraefikManifests() string { return traefik }
