package project

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strings"
	"sync"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/job"
)

// Analysis is one analysis the user ran, as a project records it: the
// kind, every setting (including seeds) and, when cached, the result.
type Analysis struct {
	// ID names the analysis within the project ("rsa-1") and its results
	// folder.
	ID string
	// Kind is a registered kind ("rsa"; others plug in with Register).
	Kind string
	// Label is an optional user title ("RSA, 2 networks × 3 regions").
	Label string
	// Spec holds every setting: an rsa.Spec for "rsa". For a kind this
	// build does not know it is the settings table as read (Raw), kept
	// and saved back unchanged.
	Spec any
	// Result is the cached result (*rsa.Result for "rsa"), or nil.
	Result any
}

// Raw is the settings table of an analysis of a kind this build does not
// know.
type Raw map[string]any

// Key is the analysis kind's identification of its settings: two specs
// with the same key give the same result on the same data.
func (a *Analysis) Key() (string, error) {
	k := KindOf(a.Kind)
	if k == nil {
		return "", fmt.Errorf("analysis %s: unknown kind %q", a.ID, a.Kind)
	}
	return k.Key(a.Spec)
}

// SettingsHash is the SHA-256 (hex) of the kind and the settings key; a
// cached result is used only for the settings hash it was computed with.
func (a *Analysis) SettingsHash() (string, error) {
	key, err := a.Key()
	if err != nil {
		return "", err
	}
	h := sha256.Sum256([]byte(a.Kind + "\n" + key))
	return hex.EncodeToString(h[:]), nil
}

// Run computes the analysis on p; it does not set a.Result.
func (a *Analysis) Run(ctx context.Context, p *data.Project, rep *job.Reporter) (any, error) {
	k := KindOf(a.Kind)
	if k == nil {
		return nil, fmt.Errorf("analysis %s: this version of Alignscope cannot run analyses of kind %q", a.ID, a.Kind)
	}
	return k.Run(ctx, p, a.Spec, rep)
}

// Table is a table of a result, for reports: a header and rows of text.
type Table struct {
	Name    string // file name stem ("rsa-table")
	Title   string
	Header  []string
	Rows    [][]string
	Caption string
}

// Kind is one kind of analysis a project can record. The settings are a
// TOML table ([analyses.settings]); the result is cached as files in the
// analysis's folder under results/. A kind that leaves a function nil
// lacks that feature (e.g. no Tables).
type Kind struct {
	// Name is the word written as the analysis's kind ("rsa").
	Name string
	// Title is a human name ("Representational similarity analysis").
	Title string
	// Settings returns the TOML-encodable settings table of spec (a
	// struct with toml tags, or a map).
	Settings func(spec any) (any, error)
	// Decode reads a settings table: decode(&v) fills v (a struct with
	// toml tags) from it, reporting type errors with their line; line
	// gives the line of a settings key for the kind's own errors.
	Decode func(decode func(v any) error, line func(key string) int) (any, error)
	// Key identifies spec for caching; see Analysis.SettingsHash.
	Key func(spec any) (string, error)
	// Run computes the analysis.
	Run func(ctx context.Context, p *data.Project, spec any, rep *job.Reporter) (any, error)
	// WriteResult stores res as files created with create (names are
	// relative to the result's folder, with forward slashes).
	WriteResult func(create func(name string) (io.Writer, error), res any) error
	// ReadResult reads a result back from its folder; spec is the
	// analysis's spec.
	ReadResult func(fsys fs.FS, spec any) (any, error)
	// WriteTables writes the result's tables (CSV) into dir and returns
	// the files written.
	WriteTables func(dir string, res any) ([]string, error)
	// Tables returns the result's tables for a report.
	Tables func(res any) []Table
	// Methods is a paragraph for a paper's methods section describing
	// what was run (res may be nil; software is "Alignscope 1.2.3").
	Methods func(spec, res any, software string) string
	// Summary is one line naming the analysis ("RSA: 10 layers × 3
	// regions, spearman, bootstrap over stimuli, 1000 samples, seed 1").
	Summary func(spec any) string
}

var (
	kindsMu sync.RWMutex
	kinds   = map[string]*Kind{}
)

// Register adds a kind of analysis; the encoding and lesion analyses
// plug in this way. It panics when the name is taken (a programming
// error).
func Register(k *Kind) {
	kindsMu.Lock()
	defer kindsMu.Unlock()
	if k.Name == "" || kinds[k.Name] != nil {
		panic(fmt.Sprintf("project: kind %q registered twice or without a name", k.Name))
	}
	kinds[k.Name] = k
}

// KindOf returns the registered kind called name, or nil.
func KindOf(name string) *Kind {
	kindsMu.RLock()
	defer kindsMu.RUnlock()
	return kinds[name]
}

// Kinds lists the registered kinds' names, sorted.
func Kinds() []string {
	kindsMu.RLock()
	defer kindsMu.RUnlock()
	out := make([]string, 0, len(kinds))
	for k := range kinds {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// dataHash is the SHA-256 of what the analyses saw: every source's kind,
// names and checksum (not where it lies: a moved file is the same data)
// and the edits.
func dataHash(srcs []SourceRecord, edits []data.Edit) string {
	h := sha256.New()
	for _, s := range srcs {
		fmt.Fprintf(h, "source\x00%s\x00%s\x00%s\x00%d\x00%s\n", s.Kind, s.Name, s.Region, s.Size, s.SHA256)
	}
	for _, e := range edits {
		fmt.Fprintf(h, "edit\x00%s\x00%s\x00%s\x00%s\n", e.Op, e.Kind, e.Name, e.To)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// validID reports whether id can name a results folder.
func validID(id string) bool {
	if id == "" || len(id) > 64 || strings.HasPrefix(id, ".") {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// NextID returns a free analysis ID "KIND-N" among as.
func NextID(kind string, as []*Analysis) string {
	used := map[string]bool{}
	for _, a := range as {
		used[a.ID] = true
	}
	for i := 1; ; i++ {
		id := fmt.Sprintf("%s-%d", kind, i)
		if !used[id] {
			return id
		}
	}
}

// decodeSelection reads the layers, regions and subjects an analysis was
// run on (settings keys layers = [[model, layer], …], regions, subjects).
func decodeSelection(layers [][]string, regions, subjects []string, bad func(key, format string, args ...any) error) ([]data.LayerRef, []string, []string, error) {
	if len(layers) == 0 {
		return nil, nil, nil, bad("layers", "layers: give at least one [model, layer] pair")
	}
	refs := make([]data.LayerRef, 0, len(layers))
	for i, l := range layers {
		if len(l) != 2 || l[0] == "" || l[1] == "" {
			return nil, nil, nil, bad("layers", "layers: entry %d is %q, not a [model, layer] pair", i+1, l)
		}
		refs = append(refs, data.LayerRef{Model: l[0], Layer: l[1]})
	}
	if len(regions) == 0 {
		return nil, nil, nil, bad("regions", "regions: give at least one region")
	}
	if len(subjects) == 0 {
		subjects = nil
	}
	return refs, regions, subjects, nil
}
