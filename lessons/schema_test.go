package lessons_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/invopop/jsonschema"
	validator "github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"

	"github.com/kubedojo/kubedojo/assets"
	"github.com/kubedojo/kubedojo/lessons"
)

var update = flag.Bool("update", false, "rewrite golden files and the published JSON Schemas")

const schemaBase = "https://kubedojo.dev/schema/v1/"

// schemaFor reflects a pack file type into a JSON Schema, with the Go doc
// comments as descriptions and the shorthand forms the loader accepts.
func schemaFor(t *testing.T, v any, name string) []byte {
	t.Helper()
	r := &jsonschema.Reflector{
		FieldNameTag:   "yaml",
		DoNotReference: false,
		Mapper: func(rt reflect.Type) *jsonschema.Schema {
			switch rt {
			case reflect.TypeOf(lessons.Duration{}):
				return &jsonschema.Schema{Type: "string", Pattern: `^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$`, Description: "a duration such as 30s, 90s or 2m"}
			case reflect.TypeOf(lessons.Tier("")):
				enum := make([]any, len(lessons.Tiers))
				for i, t := range lessons.Tiers {
					enum[i] = string(t)
				}
				return &jsonschema.Schema{Type: "string", Enum: enum, Description: "what the exercise needs of a cluster, least demanding first"}
			case reflect.TypeOf(lessons.Value{}):
				return &jsonschema.Schema{Description: "a literal value, or {from: {object, path}} to read it from the cluster at check time"}
			}
			return nil
		},
	}
	r.ExpandedStruct = true
	if err := r.AddGoComments("github.com/kubedojo/kubedojo/lessons", "."); err != nil {
		t.Fatal(err)
	}
	s := r.Reflect(v)
	s.ID = jsonschema.ID(schemaBase + name)
	s.Title = "kubedojo " + strings.TrimSuffix(name, ".schema.json")
	// Shorthands the loader accepts: "Kind/name" for object references,
	// "name" or "namespace/name" for pods, "name" for namespaces.
	for defName, def := range s.Definitions {
		switch defName {
		case "ObjectRef", "PodRef", "Namespace":
			copyDef := *def
			s.Definitions[defName] = &jsonschema.Schema{OneOf: []*jsonschema.Schema{{Type: "string"}, &copyDef}, Description: def.Description}
		}
	}
	out, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(out, '\n')
}

var schemaTypes = map[string]any{
	"course.schema.json":   &lessons.Course{},
	"exercise.schema.json": &lessons.Exercise{},
	"quiz.schema.json":     &lessons.Quiz{},
}

// TestJSONSchemasUpToDate keeps the published schemas in step with the Go
// types: run go test ./lessons -run JSONSchemas -update after changing them.
func TestJSONSchemasUpToDate(t *testing.T) {
	for name, v := range schemaTypes {
		got := schemaFor(t, v, name)
		path := filepath.Join("..", "assets", "schema", name)
		if *update {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is out of date with the Go types; run go test ./lessons -run JSONSchemas -update", path)
		}
	}
}

// TestBuiltinCourseMatchesSchemas validates every file of the built-in pack
// against the published schemas, as an editor would.
func TestBuiltinCourseMatchesSchemas(t *testing.T) {
	c := validator.NewCompiler()
	schemas := assets.Schemas()
	compiled := map[string]*validator.Schema{}
	for name := range schemaTypes {
		data, err := fs.ReadFile(schemas, name)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := validator.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := c.AddResource(schemaBase+name, doc); err != nil {
			t.Fatal(err)
		}
		if compiled[name], err = c.Compile(schemaBase + name); err != nil {
			t.Fatalf("%s does not compile: %v", name, err)
		}
	}
	pack := assets.Course()
	err := fs.WalkDir(pack, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".yaml") {
			return err
		}
		schema := "exercise.schema.json"
		switch {
		case p == lessons.CourseFile:
			schema = "course.schema.json"
		case strings.HasSuffix(p, "/"+lessons.QuizFile):
			schema = "quiz.schema.json"
		}
		data, err := fs.ReadFile(pack, p)
		if err != nil {
			return err
		}
		var v any
		if err := yaml.Unmarshal(data, &v); err != nil {
			t.Errorf("%s: %v", p, err)
			return nil
		}
		// JSON Schema validation works on JSON values.
		j, err := json.Marshal(v)
		if err != nil {
			t.Errorf("%s: %v", p, err)
			return nil
		}
		inst, err := validator.UnmarshalJSON(bytes.NewReader(j))
		if err != nil {
			t.Errorf("%s: %v", p, err)
			return nil
		}
		if err := compiled[schema].Validate(inst); err != nil {
			t.Errorf("%s does not match %s: %v", p, schema, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
