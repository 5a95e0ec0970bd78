package lessons_test

import (
	"io/fs"
	"testing"

	"github.com/kubedojo/kubedojo/assets"
	"github.com/kubedojo/kubedojo/lessons"
)

// BenchmarkLoadBuiltinCourse compares loading the built-in course with
// validation (Load: a --course pack), without (LoadValidated: what the
// commands do with the embedded course, validated by the tests), and
// without decoding the exercises (LoadValidatedLazily: the TUI's start).
func BenchmarkLoadBuiltinCourse(b *testing.B) {
	for name, load := range map[string]func(fs.FS) (*lessons.Course, error){
		"Load": lessons.Load, "LoadValidated": lessons.LoadValidated, "LoadValidatedLazily": lessons.LoadValidatedLazily,
	} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := load(assets.Course()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
