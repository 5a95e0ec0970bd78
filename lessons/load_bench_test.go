package lessons_test

import (
	"io/fs"
	"testing"

	"github.com/kubedojo/kubedojo/assets"
	"github.com/kubedojo/kubedojo/lessons"
)

// BenchmarkLoadBuiltinCourse compares loading the built-in course with
// validation (Load: a --course pack) and without (LoadValidated: what
// every command does with the embedded course, validated by the tests).
func BenchmarkLoadBuiltinCourse(b *testing.B) {
	for name, load := range map[string]func(fs.FS) (*lessons.Course, error){"Load": lessons.Load, "LoadValidated": lessons.LoadValidated} {
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
