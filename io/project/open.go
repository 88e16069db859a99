package project

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/alignscope/alignscope/core/data"
)

// OpenOptions say how to treat sources that are not as saved.
type OpenOptions struct {
	// Relocate gives the new place of a source (by its index in the
	// project's list, SourceProblem.Index) that was moved.
	Relocate map[int]string
	// AcceptChanged loads sources whose size or checksum changed, as they
	// are now. Cached results are then not used (they were computed from
	// the old data) and are recomputed on demand.
	AcceptChanged bool
}

// Opened is a project (or recipe) read back.
type Opened struct {
	State
	// Dir is the project folder ("" for a recipe).
	Dir string
	// Sources are the sources as found: Path where each is now, the
	// checksums as they are now.
	Sources []SourceRecord
	// Software and Saved say what wrote the file and when.
	Software string
	Saved    time.Time
	// Warnings list what was ignored or dropped: unknown keys, results
	// that are missing, unreadable or computed from other settings or
	// data (these are recomputed on demand).
	Warnings []string
}

// projectFile returns the project.toml of dir (dir may name the file).
func projectFile(dir string) (folder, file string) {
	if filepath.Base(dir) == FileName {
		return filepath.Dir(dir), dir
	}
	return dir, filepath.Join(dir, FileName)
}

// Open reads the project folder dir: it checks that every source is
// where and as it was saved (a *SourceError lists those that are not,
// and nothing is loaded), builds the project again from its sources and
// edits (io/loader), and reads the cached results that were computed
// with the analyses' settings on the same data. Malformed files give a
// *FormatError naming the line.
func Open(dir string, opt OpenOptions) (*Opened, error) {
	dir, file := projectFile(dir)
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	text, err := os.ReadFile(file)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("open %s: the folder holds no %s; choose a folder NAME%s saved by Alignscope", dir, FileName, Ext)
		}
		return nil, fmt.Errorf("open %s: %w", file, err)
	}
	label := filepath.Join(filepath.Base(dir), FileName)
	o, doc, err := load(text, label, dir, opt)
	if err != nil {
		return nil, err
	}
	o.Dir = dir
	dh := dataHash(o.Sources, doc.Edits)
	for i, a := range o.Analyses {
		rel := doc.Results[i]
		if rel == "" {
			continue
		}
		res, why := readCached(dir, rel, a, doc.Hashes[i], dh)
		if why != "" {
			o.Warnings = append(o.Warnings, fmt.Sprintf("analysis %s: cached result not used (%s); it is recomputed when needed", a.ID, why))
			continue
		}
		a.Result = res
	}
	return o, nil
}

// ReadRecipe reads a recipe (or a project.toml) and builds its project;
// relative source paths are resolved against the recipe's folder first.
// Analyses carry their settings and no results.
func ReadRecipe(file string, opt OpenOptions) (*Opened, error) {
	text, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read recipe: %w", err)
	}
	base := filepath.Dir(file)
	if abs, err := filepath.Abs(base); err == nil {
		base = abs
	}
	o, _, err := load(text, filepath.Base(file), base, opt)
	return o, err
}

// load parses text, verifies the sources and replays them.
func load(text []byte, label, base string, opt OpenOptions) (*Opened, *document, error) {
	doc, err := parse(text, label, base)
	if err != nil {
		return nil, nil, err
	}
	found, probs := verifySources(doc.Sources, base, opt.Relocate)
	if opt.AcceptChanged {
		probs = slices.DeleteFunc(probs, func(p SourceProblem) bool { return !p.Missing && p.Err == nil })
	}
	if len(probs) > 0 {
		return nil, nil, &SourceError{File: label, Problems: probs}
	}
	srcs := make([]data.Source, len(found))
	for i, r := range found {
		srcs[i] = r.Source
	}
	p, err := Replay(doc.Name, srcs, doc.Edits)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: rebuilding the project: %w", label, err)
	}
	o := &Opened{State: State{Project: p, Analyses: doc.Analyses, UI: doc.UI}, Sources: found,
		Software: doc.Software, Saved: doc.Saved, Warnings: doc.Warnings}
	if st := doc.Stimuli; st != nil && p.Stimuli != nil && !slices.Equal(st.Names, p.Stimuli.Names) {
		o.Warnings = append(o.Warnings, fmt.Sprintf("%s: the stimulus names recorded differ from those of the data as loaded now", label))
	}
	if o.UI == nil {
		o.UI = map[string]string{}
	}
	return o, doc, nil
}

func readCacheMeta(folder string) (cacheMeta, error) {
	var m cacheMeta
	text, err := os.ReadFile(filepath.Join(folder, cacheFile))
	if err != nil {
		return m, err
	}
	if _, err := toml.Decode(string(text), &m); err != nil {
		return m, err
	}
	return m, nil
}

// readCached reads the result folder rel of a, or says why it cannot be
// used.
func readCached(dir, rel string, a *Analysis, recorded, dh string) (any, string) {
	k := KindOf(a.Kind)
	if k == nil {
		return nil, "unknown kind " + a.Kind
	}
	clean := path.Clean(rel)
	if path.IsAbs(clean) || strings.HasPrefix(clean, "..") || path.Dir(clean) != ResultsDir {
		return nil, fmt.Sprintf("result path %q is not a folder of %s/", rel, ResultsDir)
	}
	folder := filepath.Join(dir, filepath.FromSlash(clean))
	meta, err := readCacheMeta(folder)
	if err != nil {
		return nil, fmt.Sprintf("%s is missing or unreadable", clean)
	}
	h, err := a.SettingsHash()
	if err != nil {
		return nil, err.Error()
	}
	switch {
	case meta.Kind != a.Kind || meta.SettingsHash != h:
		return nil, "it was computed with other settings"
	case recorded != "" && recorded != h:
		return nil, "the settings were changed since it was computed"
	case meta.DataHash != dh:
		return nil, "the data changed since it was computed"
	}
	res, err := k.ReadResult(os.DirFS(folder), a.Spec)
	if err != nil {
		return nil, fmt.Sprintf("%s: %v", clean, err)
	}
	return res, ""
}

// WriteRecipe writes st as a self-contained recipe: the sources (paths
// relative to the recipe's folder and absolute, sizes and checksums),
// the edits and every analysis with all its settings and seeds, without
// results or GUI state. `alignscope run RECIPE --out DIR` replays it.
func WriteRecipe(file string, st *State, opt SaveOptions) error {
	if st == nil || st.Project == nil {
		return errors.New("recipe: no project")
	}
	if err := checkAnalyses(st.Analyses); err != nil {
		return fmt.Errorf("recipe %s: %w", file, err)
	}
	recs, err := records(st.Project)
	if err != nil {
		return fmt.Errorf("recipe %s: %w", file, err)
	}
	base := filepath.Dir(file)
	now := opt.Now
	if now.IsZero() {
		now = time.Now()
	}
	out := &fileOut{Format: FormatVersion, Type: "recipe", Software: opt.Software, Name: st.Project.Name,
		Saved: now.UTC().Truncate(time.Second), Stimuli: stimuliOut(st.Project.Stimuli), Edits: st.Project.Edits}
	for _, r := range recs {
		s := sourceOut(r, base)
		if s.Abs == "" && s.Path != "" && filepath.IsAbs(s.Path) {
			s.Abs = s.Path
		}
		out.Sources = append(out.Sources, s)
	}
	for _, a := range st.Analyses {
		entry, err := analysisEntry(a)
		if err != nil {
			return fmt.Errorf("recipe %s: %w", file, err)
		}
		out.Analyses = append(out.Analyses, entry)
	}
	text, err := encode(out)
	if err != nil {
		return err
	}
	return writeAtomic(opt.fsys(), file, func(w io.Writer) error {
		_, err := w.Write(text)
		return err
	})
}
