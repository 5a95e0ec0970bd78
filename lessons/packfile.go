package lessons

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"unicode/utf8"
)

// Limits on the files of a pack. A pack comes from anyone (a workshop's
// repository, a download), so reading it must neither exhaust the
// learner's memory nor hang: the built-in course's largest file is under
// 10 KB, so these leave authors a hundred times that.
const (
	maxPackFile  = 1 << 20 // bytes of one YAML file or reading
	maxLinkHops  = 40      // symbolic links followed for one path, as Linux's own limit
	maxExpansion = 100_000 // YAML values a file holds once its aliases are followed
)

// fileProblem is why a pack file cannot be read, for its author: a line
// when the problem has one, and what to do.
type fileProblem struct {
	line int
	msg  string
}

func (p *fileProblem) Error() string { return p.msg }

// report adds a read error to r; a missing file is the caller's to word.
func reportRead(r reporter, err error) {
	var p *fileProblem
	if errors.As(err, &p) {
		r.add(p.line, "", "%s", p.msg)
		return
	}
	r.add(0, "", "cannot read: %v", err)
}

// readPackFile reads one file of the pack: a regular file inside the pack
// (symbolic links are followed only while they stay inside it), at most
// maxPackFile bytes of UTF-8. Errors for a missing file wrap
// fs.ErrNotExist; the others are fileProblems.
func readPackFile(fsys fs.FS, name string) ([]byte, error) {
	resolved, info, err := resolvePackPath(fsys, name)
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, &fileProblem{msg: fmt.Sprintf("is %s, not a regular file; a pack holds only regular files (put the content in a file)", fileKind(info.Mode()))}
	}
	if info.Size() > maxPackFile {
		return nil, tooBig(info.Size())
	}
	f, err := fsys.Open(resolved)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// The size may have changed since, or be a lie (files under /proc):
	// read no more than the limit either way.
	data, err := io.ReadAll(io.LimitReader(f, maxPackFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxPackFile {
		return nil, tooBig(int64(len(data)))
	}
	if line, col, ok := invalidUTF8(data); ok {
		return nil, &fileProblem{line: line, msg: fmt.Sprintf("invalid UTF-8 at column %d (a byte no UTF-8 character starts with); save the file as UTF-8", col)}
	}
	return data, nil
}

func tooBig(size int64) error {
	return &fileProblem{msg: fmt.Sprintf("is %s; a pack file may be at most %s (the limit keeps a pack from exhausting the learner's memory): split it up or shorten it",
		byteSize(size), byteSize(maxPackFile))}
}

// resolvePackDir checks that a folder of the pack is a folder inside it.
func resolvePackDir(fsys fs.FS, name string) error {
	_, info, err := resolvePackPath(fsys, name)
	if err != nil {
		return err
	}
	if !info.IsDir() {
		return &fileProblem{msg: fmt.Sprintf("is %s, not a folder", fileKind(info.Mode()))}
	}
	return nil
}

// resolvePackPath follows the symbolic links of name one path element at
// a time, as the kernel would, and returns the path they lead to with
// what it is. A link to an absolute path or above the pack's root is an
// error: a pack must not make kubedojo read (and show) the learner's own
// files, nor devices such as /dev/zero. File systems without links
// (embedded courses) are read as they are.
func resolvePackPath(fsys fs.FS, name string) (string, fs.FileInfo, error) {
	lfs, ok := fsys.(fs.ReadLinkFS)
	if !ok {
		info, err := fs.Stat(fsys, name)
		return name, info, err
	}
	done := "" // the resolved part, free of links
	rest := strings.Split(name, "/")
	hops := 0
	var info fs.FileInfo
	for len(rest) > 0 {
		elem := rest[0]
		rest = rest[1:]
		switch elem {
		case "", ".":
			continue
		case "..":
			if done == "" {
				return "", nil, &fileProblem{msg: fmt.Sprintf("%s leads outside the pack; a pack may link only to its own files (copy the file into the pack)", name)}
			}
			done = path.Dir(done)
			if done == "." {
				done = ""
			}
			info = nil
			continue
		}
		p := path.Join(done, elem)
		fi, err := lfs.Lstat(p)
		if err != nil {
			return "", nil, err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			done, info = p, fi
			continue
		}
		if hops++; hops > maxLinkHops {
			return "", nil, &fileProblem{msg: fmt.Sprintf("%s: more than %d symbolic links (a loop?)", name, maxLinkHops)}
		}
		target, err := lfs.ReadLink(p)
		if err != nil {
			return "", nil, err
		}
		if path.IsAbs(target) || strings.HasPrefix(target, `\`) || (len(target) > 1 && target[1] == ':') {
			return "", nil, linkOutside(p, target)
		}
		if up := path.Clean(path.Join(done, target)); up == ".." || strings.HasPrefix(up, "../") {
			return "", nil, linkOutside(p, target)
		}
		rest = append(strings.Split(target, "/"), rest...)
	}
	if info == nil {
		fi, err := fs.Stat(fsys, pathOrDot(done))
		if err != nil {
			return "", nil, err
		}
		info = fi
	}
	return pathOrDot(done), info, nil
}

func pathOrDot(p string) string {
	if p == "" {
		return "."
	}
	return p
}

func linkOutside(link, target string) error {
	return &fileProblem{msg: fmt.Sprintf("%s is a link to %s, outside the pack; a pack may link only to its own files (copy the file into the pack)", link, target)}
}

func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeDevice != 0, m&fs.ModeCharDevice != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return "not a regular file"
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// invalidUTF8 finds the first byte of data that is not UTF-8, by 1-based
// line and column (in characters).
func invalidUTF8(data []byte) (line, col int, found bool) {
	if utf8.Valid(data) {
		return 0, 0, false
	}
	line, col = 1, 1
	for len(data) > 0 {
		r, size := utf8.DecodeRune(data)
		if r == utf8.RuneError && size <= 1 {
			return line, col, true
		}
		if r == '\n' {
			line, col = line+1, 0
		}
		col++
		data = data[size:]
	}
	return line, col, true
}
