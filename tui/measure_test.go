package tui

import (
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/kubedojo/kubedojo/assets"
	"github.com/kubedojo/kubedojo/lessons"
	"github.com/kubedojo/kubedojo/lessons/progress"
	"github.com/kubedojo/kubedojo/tui/pages/lesson"
	"github.com/kubedojo/kubedojo/tui/tuitest"
)

// builtinCourse loads the built-in course, or the test pack while the
// built-in one does not load.
func builtinCourse(tb testing.TB) *lessons.Course {
	c, err := lessons.Load(assets.Course())
	if err != nil {
		tb.Logf("built-in course does not load (%v); measuring the test pack", err)
		return tuitest.Course(tb)
	}
	return c
}

// firstFrame builds the TUI and draws its first 80x24 frame the way the
// program does before any command has run.
func firstFrame(tb testing.TB, c *lessons.Course) string {
	store, err := progress.Open(tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	m := New(tb.Context(), Options{Course: c, Progress: store})
	m.Init()
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	return m.View().Content
}

// TestMeasureStartupAndMemory logs where start-up time goes and the memory
// the whole course takes; it asserts nothing about the numbers.
func TestMeasureStartupAndMemory(t *testing.T) {
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)

	start := time.Now()
	c := builtinCourse(t)
	loaded := time.Since(start)
	start = time.Now()
	frame := firstFrame(t, c)
	framed := time.Since(start)
	if !strings.Contains(frame, "Course map") {
		t.Fatalf("first frame:\n%s", frame)
	}

	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	t.Logf("course: %d lessons, %d exercises", len(c.Lessons()), len(c.Exercises()))
	t.Logf("load and validate the course: %v; build the TUI and draw the first frame: %v", loaded, framed)
	t.Logf("live heap after loading the course and drawing: %.1f MiB (%.1f MiB before)",
		float64(after.HeapAlloc)/(1<<20), float64(before.HeapAlloc)/(1<<20))
	if status, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, l := range strings.Split(string(status), "\n") {
			if strings.HasPrefix(l, "VmRSS:") || strings.HasPrefix(l, "VmHWM:") {
				t.Log("test process " + strings.Join(strings.Fields(l), " "))
			}
		}
	}
}

// BenchmarkFirstFrame measures building the TUI on the whole course and
// drawing the course map, without loading the course.
func BenchmarkFirstFrame(b *testing.B) {
	c := builtinCourse(b)
	b.ReportAllocs()
	for b.Loop() {
		firstFrame(b, c)
	}
}

// BenchmarkStartToFirstFrame measures what the TUI does from the
// embedded course to its first frame: load the built-in course as the
// program does (exercises decoded on first use), build the TUI and draw
// the course map.
func BenchmarkStartToFirstFrame(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		c, err := lessons.LoadValidatedLazily(assets.Course())
		if err != nil {
			b.Fatal(err)
		}
		if frame := firstFrame(b, c); !strings.Contains(frame, "Course map") {
			b.Fatalf("first frame:\n%s", frame)
		}
	}
}

// BenchmarkLoadCourse measures loading and validating the built-in course.
func BenchmarkLoadCourse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := lessons.Load(assets.Course()); err != nil {
			b.Skip(err)
		}
	}
}

// BenchmarkRenderLesson measures the Glamour rendering of the longest
// reading at 80 columns, the work done in a command when a lesson opens.
func BenchmarkRenderLesson(b *testing.B) {
	c := builtinCourse(b)
	var longest *lessons.Lesson
	for _, l := range c.Lessons() {
		if longest == nil || len(l.Reading) > len(longest.Reading) {
			longest = l
		}
	}
	b.Logf("lesson %s, %d bytes of Markdown", longest.ID, len(longest.Reading))
	store, err := progress.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	m := New(b.Context(), Options{Course: c, Progress: store})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	b.ReportAllocs()
	for b.Loop() {
		p := lesson.New(m.c, longest)
		p.SetSize(80, 20)
		cmd := p.Init()
		if cmd == nil {
			b.Fatal("no rendering")
		}
		p.Update(cmd())
	}
}
