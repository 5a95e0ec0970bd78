package lessons

import (
	"errors"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"
)

// Pack layout, relative to the pack root.
const (
	CourseFile   = "course.yaml"
	LessonsDir   = "lessons"
	ReadingFile  = "reading.md"
	QuizFile     = "quiz.yaml"
	ExercisesDir = "exercises"
)

// Load reads a lesson pack from fsys and validates it completely. When the
// pack has problems, Load returns the course as far as it could be built
// together with a Problems error listing all of them.
func Load(fsys fs.FS) (*Course, error) {
	return packLoader{fsys: fsys}.load()
}

// LoadValidated reads a pack that was validated when it was built: the
// course embedded in the binary, which a test loads with Load and compares
// with what LoadValidated returns (assets: TestBuiltInCourseIsValid), so a
// broken built-in course fails the tests instead of shipping. It decodes
// without the checks of Load (unknown fields, field positions, semantic
// validation, manifests, Markdown images), which take most of the time a
// command spends before it can show or grade anything. A pack given by a
// person goes through Load.
func LoadValidated(fsys fs.FS) (*Course, error) {
	return packLoader{fsys: fsys, validated: true}.load()
}

// LoadValidatedLazily is LoadValidated for a program that shows the
// course before it needs its exercises (the TUI's course map needs only
// their ids): each lesson's exercise files are read and decoded when the
// lesson's Exercises (or Quiz) are first asked for, with its quiz, which
// is most of what loading costs. Lesson.Decode reports what that found
// wrong.
func LoadValidatedLazily(fsys fs.FS) (*Course, error) {
	return packLoader{fsys: fsys, validated: true, lazy: true}.load()
}

// LoadValidatedLesson is LoadValidated for a command that needs one
// lesson (check EXERCISE grades one exercise): the course comes back with
// its tracks and lessons, but only lesson lessonID has its reading, quiz
// and exercises; the other files are not even read.
func LoadValidatedLesson(fsys fs.FS, lessonID string) (*Course, error) {
	return packLoader{fsys: fsys, validated: true, only: lessonID}.load()
}

// packLoader reads one pack. validated skips validation (LoadValidated);
// lazy defers decoding the exercises (LoadValidatedLazily); only, when
// set, is the one lesson whose files are read.
type packLoader struct {
	fsys      fs.FS
	validated bool
	lazy      bool
	only      string
	problems  *Problems
}

func (ld packLoader) load() (*Course, error) {
	var problems Problems
	ld.problems = &problems
	c := ld.loadCourse()
	if len(problems) > 0 {
		problems.Sort()
		return c, problems
	}
	return c, nil
}

// decode parses one file of the pack into out; see decodeFile.
func (ld packLoader) decode(r reporter, data []byte, out any) (positions, bool) {
	if !ld.validated {
		return decodeFile(r, data, out)
	}
	if err := yaml.Unmarshal(data, out); err != nil {
		line, msg := splitYAMLError(err)
		r.add(line, "", "invalid YAML: %s", msg)
		return nil, false
	}
	return positions{}, true
}

func (ld packLoader) loadCourse() *Course {
	fsys, problems := ld.fsys, ld.problems
	r := reporter{file: CourseFile, problems: problems}
	data, err := readPackFile(fsys, CourseFile)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			r.add(0, "", "missing: a lesson pack starts with course.yaml at its root")
		} else {
			reportRead(r, err)
		}
		return nil
	}
	var c Course
	pos, ok := ld.decode(r, data, &c)
	if !ok {
		return nil
	}
	if !ld.validated {
		validateCourse(r, pos, &c)
	}
	// A validated pack's lessons decode in parallel (decoding is all that
	// is left of loading it), each into problems of its own.
	var wg sync.WaitGroup
	var lessonProblems []*Problems
	for ti, t := range c.Tracks {
		for li, l := range t.Lessons {
			if l == nil || l.ID == "" || !validID(l.ID) {
				continue
			}
			l.Track = t
			if ld.only != "" && l.ID != ld.only {
				continue
			}
			field := indexPath(indexPath("tracks", ti)+".lessons", li)
			if !ld.validated {
				ld.loadLesson(pos, field, l, c.IsExamPool())
				continue
			}
			own := ld
			own.problems = new(Problems)
			lessonProblems = append(lessonProblems, own.problems)
			wg.Go(func() { own.loadLesson(pos, field, l, c.IsExamPool()) })
		}
	}
	wg.Wait()
	for _, ps := range lessonProblems {
		*problems = append(*problems, *ps...)
	}
	if !ld.validated {
		checkStrayLessons(fsys, problems, &c)
	}
	if c.Exam != nil && !ld.lazy && c.Exam.Tasks > len(c.Exercises()) {
		r.add(pos.line("exam"), "exam.tasks", "an exam draws %d tasks but the pool has only %d", c.Exam.Tasks, len(c.Exercises()))
	}
	return &c
}

// loadLesson reads a lesson's folder. In an exam pool (pool) a lesson only
// groups tasks, so its reading and quiz are optional.
func (ld packLoader) loadLesson(coursePos positions, field string, l *Lesson, pool bool) {
	fsys, problems := ld.fsys, ld.problems
	l.Dir = path.Join(LessonsDir, l.ID)
	cr := reporter{file: CourseFile, problems: problems}
	if err := resolvePackDir(fsys, l.Dir); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			cr.add(coursePos.line(field+".id"), field+".id", "lesson folder %s is missing", l.Dir)
		} else {
			reportRead(reporter{file: l.Dir, problems: problems}, err)
		}
		return
	}

	readingPath := path.Join(l.Dir, ReadingFile)
	reading, err := readPackFile(fsys, readingPath)
	switch {
	case err != nil && pool && errors.Is(err, fs.ErrNotExist):
	case err != nil && errors.Is(err, fs.ErrNotExist):
		reporter{file: readingPath, problems: problems}.add(0, "", "missing: every lesson needs its reading in Markdown")
	case err != nil:
		reportRead(reporter{file: readingPath, problems: problems}, err)
	default:
		l.Reading = PlainText(string(reading))
		rr := reporter{file: readingPath, problems: problems}
		if ld.validated {
			break
		}
		if strings.TrimSpace(l.Reading) == "" {
			rr.add(0, "", "the reading is empty")
		}
		checkMarkdown(fsys, rr, l.Dir, l.Reading, 1, "")
	}

	if !ld.lazy {
		l.quiz = ld.loadQuiz(l, pool)
		l.exercises = ld.loadExercises(coursePos, field, l, pool)
		return
	}
	own := ld
	l.deferred = &deferredContent{decode: func(l *Lesson) error {
		var problems Problems
		own.problems = &problems
		l.quiz = own.loadQuiz(l, pool)
		l.exercises = own.loadExercises(coursePos, field, l, pool)
		if len(problems) > 0 {
			problems.Sort()
			return problems
		}
		return nil
	}}
}

// loadQuiz reads lesson l's quiz; nil when it has none or it is broken.
func (ld packLoader) loadQuiz(l *Lesson, pool bool) *Quiz {
	quizPath := path.Join(l.Dir, QuizFile)
	r := reporter{file: quizPath, problems: ld.problems}
	data, err := readPackFile(ld.fsys, quizPath)
	if err != nil {
		switch {
		case !errors.Is(err, fs.ErrNotExist):
			reportRead(r, err)
		case !pool:
			r.add(0, "", "missing: every lesson needs a quiz")
		}
		return nil
	}
	var q Quiz
	pos, ok := ld.decode(r, data, &q)
	if !ok {
		return nil
	}
	if !ld.validated {
		validateQuiz(r, pos, &q)
	}
	return &q
}

// loadExercises reads the exercises course.yaml lists for lesson l, and
// reports the files of its exercises folder it does not list.
func (ld packLoader) loadExercises(coursePos positions, field string, l *Lesson, pool bool) []*Exercise {
	fsys, problems := ld.fsys, ld.problems
	cr := reporter{file: CourseFile, problems: problems}
	exDir := path.Join(l.Dir, ExercisesDir)
	var exercises []*Exercise
	files := map[string]bool{}
	if entries, err := fs.ReadDir(fsys, exDir); err == nil {
		for _, e := range entries {
			if !e.IsDir() && strings.HasSuffix(e.Name(), ".yaml") {
				files[strings.TrimSuffix(e.Name(), ".yaml")] = true
			}
		}
	}
	seen := map[string]bool{}
	for i, name := range l.ExerciseNames {
		f := indexPath(field+".exercises", i)
		if seen[name] {
			cr.add(coursePos.line(f), f, "exercise %q is listed twice", name)
			continue
		}
		seen[name] = true
		if !files[name] {
			cr.add(coursePos.line(f), f, "exercise file %s is missing", path.Join(exDir, name+".yaml"))
			continue
		}
		if ex := ld.loadExercise(l, path.Join(exDir, name+".yaml"), name, pool); ex != nil {
			exercises = append(exercises, ex)
		}
	}
	var stray []string
	for name := range files {
		if !seen[name] {
			stray = append(stray, name)
		}
	}
	sort.Strings(stray)
	for _, name := range stray {
		reporter{file: path.Join(exDir, name+".yaml"), problems: problems}.add(0, "",
			"exercise is not listed under lesson %s in course.yaml (add %q to its exercises)", l.ID, name)
	}
	return exercises
}

func (ld packLoader) loadExercise(l *Lesson, file, name string, pool bool) *Exercise {
	fsys := ld.fsys
	r := reporter{file: file, problems: ld.problems}
	data, err := readPackFile(fsys, file)
	if err != nil {
		reportRead(r, err)
		return nil
	}
	var ex Exercise
	pos, ok := ld.decode(r, data, &ex)
	if !ok {
		return nil
	}
	ex.Lesson = l
	ex.File = file
	if ex.ID != name {
		if ex.ID == "" {
			r.add(pos.line(""), "id", "is required (it must be %q, the file name)", name)
		} else {
			r.add(pos.line("id"), "id", "%q does not match the file name %q", ex.ID, name)
		}
	}
	ex.ID = l.ID + "/" + name
	if !ld.validated {
		validateExercise(fsys, r, pos, &ex, string(data), pool)
	}
	return &ex
}

// checkStrayLessons reports lesson folders that course.yaml does not list,
// a likely sign of a renamed or forgotten lesson.
func checkStrayLessons(fsys fs.FS, problems *Problems, c *Course) {
	entries, err := fs.ReadDir(fsys, LessonsDir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if e.IsDir() && c.Lesson(e.Name()) == nil {
			reporter{file: path.Join(LessonsDir, e.Name()), problems: problems}.add(0, "",
				"lesson folder is not listed in course.yaml")
		}
	}
}
