package project

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/alignscope/alignscope/core/data"
)

// State is what a project file records: the project (its sources and
// edits, from which it is built again), the analyses with their settings
// and cached results, and the GUI's selections (page state as key/value
// pairs, e.g. "page" = "RSA", "rsa.region" = "IT").
type State struct {
	Project  *data.Project
	Analyses []*Analysis
	UI       map[string]string
}

// SaveOptions configure Save and WriteRecipe.
type SaveOptions struct {
	// Software names the program and its version ("Alignscope 0.1.0"),
	// recorded in the file and in methods text.
	Software string
	// Now is the time recorded as saved (zero: the current time).
	Now time.Time

	fs fileSystem // nil: the operating system's (tests inject failures)
}

func (o *SaveOptions) fsys() fileSystem {
	if o.fs == nil {
		return osFS{}
	}
	return o.fs
}

// fileSystem is what saving does to files, so that tests can make any
// step fail.
type fileSystem interface {
	MkdirAll(p string) error
	MkdirTemp(dir, pattern string) (string, error)
	CreateTemp(dir, pattern string) (tempFile, error)
	Rename(from, to string) error
	RemoveAll(p string) error
	SyncDir(dir string) error
}

type tempFile interface {
	io.Writer
	Name() string
	Sync() error
	Close() error
}

type osFS struct{}

func (osFS) MkdirAll(p string) error { return os.MkdirAll(p, 0o755) }
func (osFS) MkdirTemp(dir, pattern string) (string, error) {
	d, err := os.MkdirTemp(dir, pattern)
	if err == nil {
		err = os.Chmod(d, 0o755)
	}
	return d, err
}
func (osFS) CreateTemp(dir, pattern string) (tempFile, error) {
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return nil, err
	}
	// CreateTemp makes the file private (0600); a project is an ordinary
	// document.
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	return f, nil
}
func (osFS) Rename(from, to string) error { return os.Rename(from, to) }
func (osFS) RemoveAll(p string) error     { return os.RemoveAll(p) }

// SyncDir makes a rename inside dir durable. Windows cannot sync a
// folder; there the error is ignored.
func (osFS) SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) && !isUnsupported(err) {
		return err
	}
	return nil
}

func isUnsupported(err error) bool {
	s := err.Error()
	return strings.Contains(s, "not supported") || strings.Contains(s, "Access is denied") || strings.Contains(s, "invalid argument")
}

// writeAtomic writes path through fn into a temporary file in the same
// folder, syncs it, renames it over path and syncs the folder: readers
// see the old file or the new one, never a part.
func writeAtomic(fsys fileSystem, p string, fn func(io.Writer) error) (err error) {
	dir := filepath.Dir(p)
	tmp, err := fsys.CreateTemp(dir, "."+filepath.Base(p)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", p, err)
	}
	closed := false
	defer func() {
		if err != nil {
			if !closed {
				tmp.Close()
			}
			os.Remove(tmp.Name())
		}
	}()
	if err = fn(tmp); err != nil {
		return fmt.Errorf("write %s: %w", p, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", p, err)
	}
	closed = true
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", p, err)
	}
	if err = fsys.Rename(tmp.Name(), p); err != nil {
		return fmt.Errorf("write %s: %w", p, err)
	}
	if err = fsys.SyncDir(dir); err != nil {
		return fmt.Errorf("write %s: %w", p, err)
	}
	return nil
}

// saveLocks holds a mutex per project folder being saved.
var saveLocks sync.Map

// cacheMeta is cache.toml in a result's folder: what the result was
// computed from.
type cacheMeta struct {
	Kind         string    `toml:"kind"`
	ID           string    `toml:"id"`
	SettingsHash string    `toml:"settings_hash"`
	DataHash     string    `toml:"data_hash"`
	Software     string    `toml:"software,omitempty"`
	Written      time.Time `toml:"written"`
}

const cacheFile = "cache.toml"

// resultFolder names the results folder of an analysis computed with
// the settings hash on the data hash.
func resultFolder(id, settingsHash, dataHash string) string {
	h := sha256.Sum256([]byte(settingsHash + "\n" + dataHash))
	return id + "-" + hex.EncodeToString(h[:8])
}

// records measures the project's sources.
func records(p *data.Project) ([]SourceRecord, error) {
	out := make([]SourceRecord, len(p.Sources))
	for i, s := range p.Sources {
		r, err := Checksum(s)
		if err != nil {
			return nil, err
		}
		out[i] = r
	}
	return out, nil
}

func checkAnalyses(as []*Analysis) error {
	ids := map[string]bool{}
	for _, a := range as {
		if !validID(a.ID) {
			return fmt.Errorf("analysis id %q: use letters, digits, '-', '_' and '.'", a.ID)
		}
		if ids[a.ID] {
			return fmt.Errorf("analysis id %q is used twice", a.ID)
		}
		ids[a.ID] = true
		if _, raw := a.Spec.(Raw); !raw && KindOf(a.Kind) == nil {
			return fmt.Errorf("analysis %s: unknown kind %q", a.ID, a.Kind)
		}
	}
	return nil
}

// analysisEntry encodes one analysis.
func analysisEntry(a *Analysis) (analysisOut, error) {
	out := analysisOut{ID: a.ID, Kind: a.Kind, Label: a.Label}
	if raw, ok := a.Spec.(Raw); ok {
		out.Settings = map[string]any(raw)
		return out, nil
	}
	k := KindOf(a.Kind)
	set, err := k.Settings(a.Spec)
	if err != nil {
		return out, fmt.Errorf("analysis %s: %w", a.ID, err)
	}
	out.Settings = set
	if out.SettingsHash, err = a.SettingsHash(); err != nil {
		return out, err
	}
	return out, nil
}

// Save writes st as the project folder dir (NAME.alignscope): cached
// results first, each into a new folder under results/ moved into place
// when complete, then project.toml, atomically, last. A failure at any
// step (a full disk, a read-only folder, a crash) leaves the project as
// it was before: the previous project.toml and every result it names are
// untouched. Results no longer named are removed after.
//
// Sources are measured (size, SHA-256) as they are now and recorded with
// their paths relative to dir when possible.
func Save(dir string, st *State, opt SaveOptions) error {
	if st == nil || st.Project == nil {
		return errors.New("save: no project")
	}
	if err := checkAnalyses(st.Analyses); err != nil {
		return fmt.Errorf("save %s: %w", dir, err)
	}
	fsys := opt.fsys()
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	// one save at a time into a folder: a second save's clean-up must not
	// remove the first one's new results
	l, _ := saveLocks.LoadOrStore(dir, &sync.Mutex{})
	l.(*sync.Mutex).Lock()
	defer l.(*sync.Mutex).Unlock()
	if st, err := os.Stat(dir); err == nil {
		if !st.IsDir() {
			return fmt.Errorf("save: %s is a file, not a project folder", dir)
		}
		if _, err := os.Stat(filepath.Join(dir, FileName)); err != nil {
			ents, _ := os.ReadDir(dir)
			if len(ents) > 0 {
				return fmt.Errorf("save: %s is a folder with other files and no %s; choose a new or empty folder", dir, FileName)
			}
		}
	}
	recs, err := records(st.Project)
	if err != nil {
		return fmt.Errorf("save %s: %w", dir, err)
	}
	dh := dataHash(recs, st.Project.Edits)
	results := filepath.Join(dir, ResultsDir)
	if err := fsys.MkdirAll(results); err != nil {
		return fmt.Errorf("save %s: %w", dir, err)
	}
	now := opt.Now
	if now.IsZero() {
		now = time.Now()
	}
	now = now.UTC().Truncate(time.Second)
	out := &fileOut{Format: FormatVersion, Type: "project", Software: opt.Software, Name: st.Project.Name, Saved: now,
		Stimuli: stimuliOut(st.Project.Stimuli), Edits: st.Project.Edits, UI: st.UI}
	for _, r := range recs {
		out.Sources = append(out.Sources, sourceOut(r, dir))
	}
	keep := map[string]bool{}
	for _, a := range st.Analyses {
		entry, err := analysisEntry(a)
		if err != nil {
			return fmt.Errorf("save %s: %w", dir, err)
		}
		if a.Result != nil && entry.SettingsHash != "" {
			name := resultFolder(a.ID, entry.SettingsHash, dh)
			meta := cacheMeta{Kind: a.Kind, ID: a.ID, SettingsHash: entry.SettingsHash, DataHash: dh, Software: opt.Software, Written: now}
			if err := writeResult(fsys, results, name, a, meta); err != nil {
				return fmt.Errorf("save %s: analysis %s: %w", dir, a.ID, err)
			}
			entry.Result = path.Join(ResultsDir, name)
			keep[name] = true
		}
		out.Analyses = append(out.Analyses, entry)
	}
	text, err := encode(out)
	if err != nil {
		return err
	}
	if err := writeAtomic(fsys, filepath.Join(dir, FileName), func(w io.Writer) error {
		_, err := w.Write(text)
		return err
	}); err != nil {
		return fmt.Errorf("save %s: %w", dir, err)
	}
	// project.toml now names only the results in keep: remove the rest
	// (older results, folders left by an interrupted save). Failing here
	// leaves only unused files.
	if ents, err := os.ReadDir(results); err == nil {
		for _, e := range ents {
			if !keep[e.Name()] {
				fsys.RemoveAll(filepath.Join(results, e.Name()))
			}
		}
	}
	return nil
}

// writeResult stores a's result as results/name, unless a complete
// folder of that name (same analysis, settings and data) is there.
func writeResult(fsys fileSystem, results, name string, a *Analysis, meta cacheMeta) (err error) {
	final := filepath.Join(results, name)
	if m, err := readCacheMeta(final); err == nil && m.SettingsHash == meta.SettingsHash && m.DataHash == meta.DataHash {
		return nil
	}
	k := KindOf(a.Kind)
	tmp, err := fsys.MkdirTemp(results, ".tmp-"+name+"-")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			fsys.RemoveAll(tmp)
		}
	}()
	type created struct {
		f     tempFile
		final string
	}
	var files []created
	closed := false
	defer func() {
		if !closed {
			for _, c := range files {
				c.f.Close()
			}
		}
	}()
	create := func(rel string) (io.Writer, error) {
		p := filepath.Join(tmp, filepath.FromSlash(rel))
		if err := fsys.MkdirAll(filepath.Dir(p)); err != nil {
			return nil, err
		}
		// a temporary name, renamed when written and synced
		f, err := fsys.CreateTemp(filepath.Dir(p), "."+filepath.Base(p)+".*.tmp")
		if err != nil {
			return nil, err
		}
		files = append(files, created{f, p})
		return f, nil
	}
	if err := k.WriteResult(create, a.Result); err != nil {
		return err
	}
	w, err := create(cacheFile)
	if err != nil {
		return err
	}
	enc := toml.NewEncoder(w)
	enc.Indent = ""
	if err := enc.Encode(meta); err != nil {
		return err
	}
	for _, c := range files {
		if err := c.f.Sync(); err != nil {
			return err
		}
	}
	closed = true
	var cerr error
	for _, c := range files {
		if err := c.f.Close(); err != nil && cerr == nil {
			cerr = err
		}
	}
	if cerr != nil {
		return cerr
	}
	for _, c := range files {
		if err := fsys.Rename(c.f.Name(), c.final); err != nil {
			return err
		}
	}
	if k.WriteTables != nil {
		// tables are for people (the numbers are in the result's own
		// files); io/export writes them atomically
		if _, err := k.WriteTables(tmp, a.Result); err != nil {
			return err
		}
	}
	if err := fsys.SyncDir(tmp); err != nil {
		return err
	}
	if _, err := os.Stat(final); err == nil {
		// an incomplete or stale folder of the same name: replace it
		if err := fsys.RemoveAll(final); err != nil {
			return err
		}
	}
	if err := fsys.Rename(tmp, final); err != nil {
		return err
	}
	return fsys.SyncDir(results)
}
