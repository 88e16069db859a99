package project

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/alignscope/alignscope/assets"
	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/io/loader"
)

// SourceRecord is one data source as a project file records it: what the
// user said the file is (data.Source, its Path absolute), where it was
// found relative to the project, and the size and SHA-256 of what was
// read. A folder (or the built-in demo) records every file the loader
// reads from it; its Size and SHA256 then cover that list.
type SourceRecord struct {
	data.Source
	// Rel is Path relative to the project folder (or recipe), "" when no
	// relative path exists (another drive).
	Rel    string
	Size   int64
	SHA256 string
	Files  []FileSum
}

// FileSum is the size and SHA-256 of one file of a folder source, its
// path relative to the folder with forward slashes.
type FileSum struct {
	Path   string
	Size   int64
	SHA256 string
}

func (f FileSum) String() string {
	return f.SHA256 + " " + strconv.FormatInt(f.Size, 10) + " " + f.Path
}

func parseFileSum(s string) (FileSum, error) {
	parts := strings.SplitN(s, " ", 3)
	if len(parts) != 3 || len(parts[0]) != 64 {
		return FileSum{}, fmt.Errorf("%q is not \"SHA256 SIZE PATH\"", s)
	}
	n, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil || n < 0 {
		return FileSum{}, fmt.Errorf("%q: size %q is not a whole number", s, parts[1])
	}
	return FileSum{Path: parts[2], Size: n, SHA256: parts[0]}, nil
}

// hashCache remembers the SHA-256 of files by path, size and modification
// time, so that saving a project again does not read every file again.
var hashCache sync.Map // string → FileSum

func hashFile(p string) (FileSum, error) {
	st, err := os.Stat(p)
	if err != nil {
		return FileSum{}, err
	}
	if st.IsDir() {
		return FileSum{}, fmt.Errorf("%s is a folder", p)
	}
	key := p + "\x00" + strconv.FormatInt(st.Size(), 10) + "\x00" + st.ModTime().Format(time.RFC3339Nano)
	if v, ok := hashCache.Load(key); ok {
		return v.(FileSum), nil
	}
	f, err := os.Open(p)
	if err != nil {
		return FileSum{}, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return FileSum{}, fmt.Errorf("read %s: %w", p, err)
	}
	sum := FileSum{Path: filepath.ToSlash(filepath.Base(p)), Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}
	hashCache.Store(key, sum)
	return sum, nil
}

func hashFS(fsys fs.FS, name string) (FileSum, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return FileSum{}, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return FileSum{}, fmt.Errorf("read %s: %w", name, err)
	}
	return FileSum{Path: name, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// folderFiles lists the files of a data folder the loader reads (see
// io/loader): stimuli.tsv/.csv, images/*, models/*.np[yz] and
// recordings/*.np[yz], in name order.
func folderFiles(fsys fs.FS) ([]string, error) {
	var out []string
	for _, t := range []string{"stimuli.tsv", "stimuli.csv"} {
		if st, err := fs.Stat(fsys, t); err == nil && !st.IsDir() {
			out = append(out, t)
		}
	}
	for _, dir := range []string{"images", "models", "recordings"} {
		ents, err := fs.ReadDir(fsys, dir)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, e := range ents {
			if e.IsDir() || strings.HasPrefix(e.Name(), ".") {
				continue
			}
			ext := strings.ToLower(path.Ext(e.Name()))
			if dir != "images" && ext != ".npy" && ext != ".npz" {
				continue
			}
			out = append(out, path.Join(dir, e.Name()))
		}
	}
	sort.Strings(out)
	return out, nil
}

// manifest hashes the files of a folder; the total checksum is the
// SHA-256 of the lines "SHA256 SIZE PATH\n".
func manifest(fsys fs.FS, osDir string) (files []FileSum, size int64, sum string, err error) {
	names, err := folderFiles(fsys)
	if err != nil {
		return nil, 0, "", err
	}
	h := sha256.New()
	for _, n := range names {
		var fsum FileSum
		if osDir != "" {
			fsum, err = hashFile(filepath.Join(osDir, filepath.FromSlash(n)))
			fsum.Path = n
		} else {
			fsum, err = hashFS(fsys, n)
		}
		if err != nil {
			return nil, 0, "", err
		}
		files = append(files, fsum)
		size += fsum.Size
		fmt.Fprintln(h, fsum.String())
	}
	return files, size, hex.EncodeToString(h.Sum(nil)), nil
}

// demoFS is the file system of the built-in demo (a variable for tests).
var demoFS = assets.DemoRoot

// Checksum measures src as it is now: size and SHA-256 of its file, or of
// every file of a folder or of the built-in demo.
func Checksum(src data.Source) (SourceRecord, error) {
	rec := SourceRecord{Source: src}
	switch src.Kind {
	case loader.KindEmbedded:
		files, size, sum, err := manifest(demoFS(), "")
		if err != nil {
			return rec, fmt.Errorf("built-in demo: %w", err)
		}
		rec.Files, rec.Size, rec.SHA256 = files, size, sum
	case loader.KindFolder, loader.KindModelDir:
		files, size, sum, err := manifest(os.DirFS(src.Path), src.Path)
		if err != nil {
			return rec, fmt.Errorf("data folder %s: %w", src.Path, err)
		}
		rec.Files, rec.Size, rec.SHA256 = files, size, sum
	default:
		s, err := hashFile(src.Path)
		if err != nil {
			return rec, fmt.Errorf("data file %s: %w", src.Path, err)
		}
		rec.Size, rec.SHA256 = s.Size, s.SHA256
	}
	return rec, nil
}

// SourceProblem is a source of a saved project that is not as it was
// saved.
type SourceProblem struct {
	// Index is the source's position in the project's list.
	Index int
	// Source is the source as saved; Source.Path is where it was looked
	// for (the saved path relative to the project, then the absolute
	// one).
	Source SourceRecord
	// Missing: the file (or folder) is at neither place: it was moved,
	// renamed or deleted. Locate it (OpenOptions.Relocate).
	Missing bool
	// Changed lists what differs (the file, or the changed, added and
	// removed files of a folder) when the file is there but its size or
	// checksum differ: load it as it is now and recompute
	// (OpenOptions.AcceptChanged), or locate the original.
	Changed []string
	// Err is an error reading the file, when it could not be measured.
	Err error
}

func (p SourceProblem) String() string {
	what := p.Source.Path
	if p.Source.Kind == loader.KindEmbedded {
		what = "the built-in demo"
	}
	switch {
	case p.Missing:
		return fmt.Sprintf("source %d (%s) is missing: %s was moved, renamed or deleted", p.Index+1, p.Source.Kind, what)
	case p.Err != nil:
		return fmt.Sprintf("source %d (%s): %v", p.Index+1, p.Source.Kind, p.Err)
	}
	return fmt.Sprintf("source %d (%s) %s changed since the project was saved: %s", p.Index+1, p.Source.Kind, what, strings.Join(p.Changed, "; "))
}

// SourceError lists the sources of a project that were moved or changed
// since it was saved. Nothing was loaded; open again with
// OpenOptions.Relocate (locate a moved file) or AcceptChanged (use the
// files as they are now; cached results are then recomputed).
type SourceError struct {
	File     string // project.toml or the recipe
	Problems []SourceProblem
}

func (e *SourceError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return fmt.Sprintf("%s: %d data source(s) not as saved:\n%s\nLocate the moved files, or load the files as they are now and recompute the results.",
		e.File, len(e.Problems), strings.Join(lines, "\n"))
}

// compare lists how now differs from the saved record.
func compareRecords(saved, now SourceRecord) []string {
	if saved.SHA256 == now.SHA256 && saved.Size == now.Size {
		return nil
	}
	if saved.SHA256 == "" { // nothing recorded to compare
		return nil
	}
	if saved.Files == nil && now.Files == nil {
		return []string{fmt.Sprintf("size %d → %d bytes, SHA-256 %.12s… → %.12s…", saved.Size, now.Size, saved.SHA256, now.SHA256)}
	}
	old := map[string]FileSum{}
	for _, f := range saved.Files {
		old[f.Path] = f
	}
	var out []string
	seen := map[string]bool{}
	for _, f := range now.Files {
		seen[f.Path] = true
		o, ok := old[f.Path]
		switch {
		case !ok:
			out = append(out, f.Path+" added")
		case o.SHA256 != f.SHA256 || o.Size != f.Size:
			out = append(out, f.Path+" modified")
		}
	}
	for _, f := range saved.Files {
		if !seen[f.Path] {
			out = append(out, f.Path+" removed")
		}
	}
	if len(out) == 0 {
		out = []string{"checksum differs"}
	}
	return out
}

// resolve finds a saved source: the relative path against base first
// (the project moved together with its data), then the absolute path.
// It returns the source with Path set to where it is, or false.
func resolve(rec SourceRecord, base string) (string, bool) {
	if rec.Kind == loader.KindEmbedded {
		return "", true
	}
	var cands []string
	if rec.Rel != "" && base != "" {
		cands = append(cands, filepath.Join(base, filepath.FromSlash(rec.Rel)))
	}
	if rec.Path != "" {
		cands = append(cands, rec.Path)
	}
	for _, c := range cands {
		st, err := os.Stat(c)
		if err != nil {
			continue
		}
		if st.IsDir() == (rec.Kind == loader.KindFolder || rec.Kind == loader.KindModelDir) {
			if abs, err := filepath.Abs(c); err == nil {
				c = abs
			}
			return c, true
		}
	}
	return "", false
}

// verifySources finds and measures every saved source. It returns the
// sources as found (Path where they are, checksums as they are now) and
// the problems; relocate overrides where a source is.
func verifySources(saved []SourceRecord, base string, relocate map[int]string) ([]SourceRecord, []SourceProblem) {
	out := make([]SourceRecord, len(saved))
	var probs []SourceProblem
	for i, rec := range saved {
		p, ok := resolve(rec, base)
		if np, moved := relocate[i]; moved {
			p, ok = np, true
			if abs, err := filepath.Abs(np); err == nil {
				p = abs
			}
		}
		if !ok {
			probs = append(probs, SourceProblem{Index: i, Source: rec, Missing: true})
			out[i] = rec
			continue
		}
		src := rec.Source
		if src.Kind != loader.KindEmbedded {
			src.Path = p
		}
		now, err := Checksum(src)
		if err != nil {
			probs = append(probs, SourceProblem{Index: i, Source: rec, Err: err})
			out[i] = rec
			continue
		}
		if d := compareRecords(rec, now); d != nil {
			probs = append(probs, SourceProblem{Index: i, Source: rec, Changed: d})
		}
		out[i] = now
	}
	return out, probs
}

// Replay builds a project from its sources and edits, as the user built
// it: a data folder or the built-in demo starts a project, each file adds
// to it (io/loader), then the renames and removals are made again.
func Replay(name string, sources []data.Source, edits []data.Edit) (*data.Project, error) {
	p := &data.Project{Name: name}
	for i, src := range sources {
		switch src.Kind {
		case loader.KindFolder:
			q, err := loader.LoadFolder(src.Path)
			if err != nil {
				return nil, fmt.Errorf("source %d: %w", i+1, err)
			}
			p = q
		case loader.KindEmbedded:
			q, err := loader.LoadFolderFS(demoFS(), src.Name)
			if err != nil {
				return nil, fmt.Errorf("source %d (built-in demo): %w", i+1, err)
			}
			p = q
		default:
			change, _, _, err := loader.Load(src)
			if err != nil {
				return nil, fmt.Errorf("source %d: %w", i+1, err)
			}
			if err := change(p); err != nil {
				return nil, fmt.Errorf("source %d: %w", i+1, err)
			}
		}
	}
	for i, e := range edits {
		if err := e.Apply(p); err != nil {
			return nil, fmt.Errorf("edit %d (%s %s %q): %w", i+1, e.Op, e.Kind, e.Name, err)
		}
	}
	if name != "" {
		p.Name = name
	}
	return p, nil
}
