package project

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/alignscope/alignscope/assets"
	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/inference"
	"github.com/alignscope/alignscope/core/rsa"
	"github.com/alignscope/alignscope/core/workspace"
	"github.com/alignscope/alignscope/io/export"
	"github.com/alignscope/alignscope/io/loader"
)

const software = "Alignscope test"

// demoSpec is a small RSA of the demo: every layer, three regions, a
// bootstrap over stimuli with few samples.
func demoSpec(p *data.Project) rsa.Spec {
	s := rsa.Spec{Regions: p.RegionNames(), Distance: "correlation", Compare: "spearman",
		Scheme: inference.Stimuli, Samples: 40, Seed: 7, Correction: "fdr"}
	for _, m := range p.Models {
		for _, l := range m.Layers {
			s.Layers = append(s.Layers, rsa.LayerRef{Model: m.Name, Layer: l.Name})
		}
	}
	for _, sub := range p.Subjects {
		s.Subjects = append(s.Subjects, sub.Name)
	}
	return s
}

func runRSA(t testing.TB, p *data.Project, spec rsa.Spec) *rsa.Result {
	t.Helper()
	r, err := rsa.Run(context.Background(), p, spec, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// demoState builds the demo project through a workspace (a rename
// recorded as an edit), with one RSA analysis run and one not run.
func demoState(t testing.TB) *State {
	t.Helper()
	p, err := loader.LoadFolderFS(assets.DemoRoot(), "Demo project")
	if err != nil {
		t.Fatal(err)
	}
	ws := workspace.New("x")
	ws.Replace(p)
	if err := ws.Update(func(p *data.Project) error { return p.Rename("model", "randnet", "random net") }); err != nil {
		t.Fatal(err)
	}
	p = ws.Project()
	spec := demoSpec(p)
	spec2 := spec
	spec2.Scheme, spec2.Compare, spec2.Seed, spec2.Correction = inference.Fixed, "corr", math.MaxUint64, "bonferroni"
	return &State{Project: p,
		Analyses: []*Analysis{
			{ID: "rsa-1", Kind: KindRSA, Label: "RSA of every layer", Spec: spec, Result: runRSA(t, p, spec)},
			{ID: "rsa-2", Kind: KindRSA, Spec: spec2},
		},
		UI: map[string]string{"page": "RSA", "tree": "layer/gabornet\x1fconv1", "rsa.region": "IT", "rsa.layers": "gabornet/conv1\ngabornet/fc"},
	}
}

// sameBits compares two values deeply, floats by their bits (NaN equal
// to NaN), errors by their message.
func sameBits(t *testing.T, path string, a, b reflect.Value) {
	t.Helper()
	if a.IsValid() != b.IsValid() {
		t.Errorf("%s: one is invalid", path)
		return
	}
	if !a.IsValid() {
		return
	}
	if a.Type() != b.Type() {
		t.Errorf("%s: types %v and %v", path, a.Type(), b.Type())
		return
	}
	if a.Type().Implements(reflect.TypeFor[error]()) && a.Kind() == reflect.Interface {
		if a.IsNil() != b.IsNil() || !a.IsNil() && a.Interface().(error).Error() != b.Interface().(error).Error() {
			t.Errorf("%s: errors %v and %v", path, a, b)
		}
		return
	}
	switch a.Kind() {
	case reflect.Float64, reflect.Float32:
		if math.Float64bits(a.Float()) != math.Float64bits(b.Float()) {
			t.Errorf("%s: %v ≠ %v", path, a.Float(), b.Float())
		}
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() != b.IsNil() {
			t.Errorf("%s: nil %v vs %v", path, a.IsNil(), b.IsNil())
			return
		}
		if !a.IsNil() {
			sameBits(t, path, a.Elem(), b.Elem())
		}
	case reflect.Slice:
		if a.IsNil() != b.IsNil() {
			t.Errorf("%s: nil slice %v vs %v", path, a.IsNil(), b.IsNil())
		}
		if a.Len() != b.Len() {
			t.Errorf("%s: length %d vs %d", path, a.Len(), b.Len())
			return
		}
		for i := 0; i < a.Len(); i++ {
			sameBits(t, fmt.Sprintf("%s[%d]", path, i), a.Index(i), b.Index(i))
		}
	case reflect.Array:
		for i := 0; i < a.Len(); i++ {
			sameBits(t, fmt.Sprintf("%s[%d]", path, i), a.Index(i), b.Index(i))
		}
	case reflect.Struct:
		for i := 0; i < a.NumField(); i++ {
			f := a.Type().Field(i)
			if !f.IsExported() {
				// gonum matrices keep their numbers in unexported
				// fields: compare those through the raw data
				continue
			}
			sameBits(t, path+"."+f.Name, a.Field(i), b.Field(i))
		}
		if m, ok := a.Addr().Interface().(interface{ RawMatrix() any }); ok {
			_ = m
		}
	default:
		if !reflect.DeepEqual(a.Interface(), b.Interface()) {
			t.Errorf("%s: %v ≠ %v", path, a.Interface(), b.Interface())
		}
	}
}

// sameResult compares two RSA results bit for bit, matrices included.
func sameResult(t *testing.T, a, b *rsa.Result) {
	t.Helper()
	sameBits(t, "result", reflect.ValueOf(a), reflect.ValueOf(b))
	if len(a.Regions) != len(b.Regions) {
		return
	}
	for i := range a.Regions {
		ea, eb := a.Regions[i].Eval, b.Regions[i].Eval
		if (ea == nil) != (eb == nil) {
			t.Fatalf("region %d: eval nil %v vs %v", i, ea == nil, eb == nil)
		}
		if ea == nil {
			continue
		}
		pre := fmt.Sprintf("region %s: ", a.Regions[i].Region)
		for _, m := range []struct {
			name string
			a, b interface {
				Dims() (int, int)
				At(int, int) float64
			}
		}{{"Var.Diff", ea.Var.Diff, eb.Var.Diff}, {"PPair", ea.PPair, eb.PPair}, {"PPairFDR", ea.PPairFDR, eb.PPairFDR},
			{"PPairBonferroni", ea.PPairBonferroni, eb.PPairBonferroni}, {"Samples", ea.Samples, eb.Samples},
			{"CeilingSamples", ea.CeilingSamples, eb.CeilingSamples}} {
			if reflect.ValueOf(m.a).IsNil() != reflect.ValueOf(m.b).IsNil() {
				t.Errorf("%s%s: nil differs", pre, m.name)
				continue
			}
			if reflect.ValueOf(m.a).IsNil() {
				continue
			}
			ra, ca := m.a.Dims()
			rb, cb := m.b.Dims()
			if ra != rb || ca != cb {
				t.Errorf("%s%s: %d×%d vs %d×%d", pre, m.name, ra, ca, rb, cb)
				continue
			}
			for r := 0; r < ra; r++ {
				for c := 0; c < ca; c++ {
					if math.Float64bits(m.a.At(r, c)) != math.Float64bits(m.b.At(r, c)) {
						t.Errorf("%s%s[%d,%d]: %v ≠ %v", pre, m.name, r, c, m.a.At(r, c), m.b.At(r, c))
					}
				}
			}
		}
	}
}

func tableBytes(t *testing.T, r *rsa.Result) []byte {
	t.Helper()
	p := filepath.Join(t.TempDir(), "t.csv")
	if err := export.WriteRSATable(p, r.Table()); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sameTree compares what the project tree shows.
func sameTree(t *testing.T, a, b *data.Project) {
	t.Helper()
	tree := func(p *data.Project) string {
		var s strings.Builder
		fmt.Fprintf(&s, "%s: %d stimuli\n", p.Name, p.NStimuli())
		for _, m := range p.Models {
			for _, l := range m.Layers {
				fmt.Fprintf(&s, "model %s layer %s %s\n", m.Name, l.Name, l.ShapeString())
			}
		}
		for _, sub := range p.Subjects {
			for _, r := range sub.Regions {
				fmt.Fprintf(&s, "subject %s region %s %d\n", sub.Name, r.Name, r.Channels())
			}
		}
		return s.String()
	}
	if ta, tb := tree(a), tree(b); ta != tb {
		t.Errorf("trees differ:\n%s\nvs\n%s", ta, tb)
	}
	if !reflect.DeepEqual(a.Edits, b.Edits) {
		t.Errorf("edits %v vs %v", a.Edits, b.Edits)
	}
	if !reflect.DeepEqual(a.Stimuli.Names, b.Stimuli.Names) || !reflect.DeepEqual(a.Stimuli.Descriptors, b.Stimuli.Descriptors) {
		t.Error("stimulus tables differ")
	}
}

func TestSaveOpenRoundTrip(t *testing.T) {
	st := demoState(t)
	dir := filepath.Join(t.TempDir(), "demo"+Ext)
	if err := Save(dir, st, SaveOptions{Software: software}); err != nil {
		t.Fatal(err)
	}
	o, err := Open(dir, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Warnings) != 0 {
		t.Errorf("warnings: %q", o.Warnings)
	}
	sameTree(t, st.Project, o.Project)
	if !reflect.DeepEqual(st.UI, o.UI) {
		t.Errorf("UI %q vs %q", st.UI, o.UI)
	}
	if o.Software != software {
		t.Errorf("software %q", o.Software)
	}
	if len(o.Analyses) != 2 {
		t.Fatalf("%d analyses", len(o.Analyses))
	}
	for i, a := range st.Analyses {
		b := o.Analyses[i]
		if a.ID != b.ID || a.Kind != b.Kind || a.Label != b.Label {
			t.Errorf("analysis %d: %+v vs %+v", i, a, b)
		}
		if !reflect.DeepEqual(a.Spec, b.Spec) {
			t.Errorf("analysis %s: spec\n%+v\nvs\n%+v", a.ID, a.Spec, b.Spec)
		}
	}
	if o.Analyses[1].Result != nil {
		t.Error("the analysis that was not run has a result")
	}
	got, ok := o.Analyses[0].Result.(*rsa.Result)
	if !ok {
		t.Fatalf("result %T", o.Analyses[0].Result)
	}
	want := st.Analyses[0].Result.(*rsa.Result)
	sameResult(t, want, got)
	if !bytes.Equal(tableBytes(t, want), tableBytes(t, got)) {
		t.Error("tables differ")
	}
	// the reopened project computes the same numbers again
	again := runRSA(t, o.Project, o.Analyses[0].Spec.(rsa.Spec))
	sameResult(t, want, again)

	// saving again reuses the result folder and leaves nothing else
	before, _ := os.ReadDir(filepath.Join(dir, ResultsDir))
	if err := Save(dir, &o.State, SaveOptions{Software: software}); err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadDir(filepath.Join(dir, ResultsDir))
	if len(before) != 1 || len(after) != 1 || before[0].Name() != after[0].Name() {
		t.Errorf("results folders %v then %v", before, after)
	}
	// the results folder holds the numbers and a table for people
	for _, f := range []string{"result.npz", "result.toml", "cache.toml", RSATableFile} {
		if _, err := os.Stat(filepath.Join(dir, ResultsDir, after[0].Name(), f)); err != nil {
			t.Error(err)
		}
	}
	text, _ := os.ReadFile(filepath.Join(dir, FileName))
	for _, want := range []string{"format = 1", `name = "Demo project"`, `kind = "embedded"`, "[[edits]]", `to = "random net"`,
		`settings_hash = "`, `result = "results/rsa-1-`, `seed = "18446744073709551615"`, `inference = "bootstrap-stimuli"`,
		`  ["gabornet", "conv1"],`, "[ui]"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("project.toml lacks %s:\n%s", want, text)
		}
	}
}

// copyDemo writes the demo data folder to dir.
func copyDemo(t testing.TB, dir string) {
	t.Helper()
	err := fs.WalkDir(assets.DemoRoot(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		dst := filepath.Join(dir, filepath.FromSlash(p))
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		b, err := fs.ReadFile(assets.DemoRoot(), p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// fileState is a project built from files on disk: a data folder plus
// a model file added to it, with an RSA result.
func fileState(t testing.TB, root string) *State {
	t.Helper()
	data1 := filepath.Join(root, "data")
	copyDemo(t, data1)
	p, err := loader.LoadFolder(data1)
	if err != nil {
		t.Fatal(err)
	}
	change, _, _, err := loader.Load(loader.Source{Kind: loader.KindModel, Path: filepath.Join(data1, "models", "randnet.npz"), Name: "randnet2"})
	if err != nil {
		t.Fatal(err)
	}
	if err := change(p); err != nil {
		t.Fatal(err)
	}
	spec := demoSpec(p)
	spec.Samples = 20
	return &State{Project: p, Analyses: []*Analysis{{ID: "rsa-1", Kind: KindRSA, Spec: spec, Result: runRSA(t, p, spec)}}}
}

func TestSourcesRelativeAndChanged(t *testing.T) {
	root := t.TempDir()
	st := fileState(t, root)
	dir := filepath.Join(root, "p"+Ext)
	if err := Save(dir, st, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	text, _ := os.ReadFile(filepath.Join(dir, FileName))
	if !strings.Contains(string(text), `path = "../data"`) || !strings.Contains(string(text), `path = "../data/models/randnet.npz"`) ||
		!strings.Contains(string(text), "models/gabornet.npz") {
		t.Fatalf("paths not relative, or no file list:\n%s", text)
	}

	// moving the project together with its data keeps everything
	moved := filepath.Join(t.TempDir(), "elsewhere")
	if err := os.Rename(root, moved); err != nil {
		t.Fatal(err)
	}
	o, err := Open(filepath.Join(moved, "p"+Ext), OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if o.Analyses[0].Result == nil || len(o.Warnings) > 0 {
		t.Fatalf("after moving: result %v, warnings %q", o.Analyses[0].Result != nil, o.Warnings)
	}
	if o.Sources[1].Path != filepath.Join(moved, "data", "models", "randnet.npz") {
		t.Errorf("source found at %s", o.Sources[1].Path)
	}
	root = moved
	dir = filepath.Join(root, "p"+Ext)

	// a modified file in the folder is reported and nothing is loaded
	f := filepath.Join(root, "data", "recordings", "sub-02.npz")
	b, _ := os.ReadFile(f)
	b[len(b)/2] ^= 0xff
	if err := os.WriteFile(f, b, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Open(dir, OpenOptions{})
	var se *SourceError
	if !errors.As(err, &se) {
		t.Fatalf("open a changed project: %v", err)
	}
	if len(se.Problems) != 1 || se.Problems[0].Index != 0 || se.Problems[0].Missing ||
		!reflect.DeepEqual(se.Problems[0].Changed, []string{"recordings/sub-02.npz modified"}) {
		t.Fatalf("problems %+v", se.Problems)
	}
	if !strings.Contains(err.Error(), "sub-02.npz modified") {
		t.Errorf("message %q", err)
	}
	// accepting the change loads the data as they are; the cached
	// result was computed from the old data and is not used
	o, err = Open(dir, OpenOptions{AcceptChanged: true})
	if err != nil {
		t.Fatal(err)
	}
	if o.Analyses[0].Result != nil || len(o.Warnings) != 1 || !strings.Contains(o.Warnings[0], "data changed") {
		t.Fatalf("result %v, warnings %q", o.Analyses[0].Result != nil, o.Warnings)
	}

	// a moved file is missing; locating it opens the project
	b[len(b)/2] ^= 0xff
	if err := os.WriteFile(f, b, 0o644); err != nil {
		t.Fatal(err)
	}
	model := filepath.Join(root, "data", "models", "randnet.npz")
	other := filepath.Join(t.TempDir(), "renamed.npz")
	if err := os.Rename(model, other); err != nil {
		t.Fatal(err)
	}
	_, err = Open(dir, OpenOptions{})
	if !errors.As(err, &se) {
		t.Fatalf("open with a moved file: %v", err)
	}
	// the folder lost randnet.npz (changed) and the model file is missing
	var missing *SourceProblem
	for i := range se.Problems {
		if se.Problems[i].Missing {
			missing = &se.Problems[i]
		}
	}
	if missing == nil || missing.Index != 1 {
		t.Fatalf("problems %+v", se.Problems)
	}
	if err := os.Rename(other, model); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(model, other); err != nil {
		t.Fatal(err)
	}
	// put a copy back in the folder, locate the model file elsewhere
	mb, _ := os.ReadFile(other)
	os.WriteFile(model, mb, 0o644)
	o, err = Open(dir, OpenOptions{Relocate: map[int]string{1: other}})
	if err != nil {
		t.Fatal(err)
	}
	if o.Analyses[0].Result == nil {
		t.Errorf("a located file with the same checksum drops the result: %q", o.Warnings)
	}
	if o.Project.Sources[1].Path != other {
		t.Errorf("located source path %s", o.Project.Sources[1].Path)
	}
}

// failFS fails the n-th operation (counting from 0) of saving.
type failFS struct {
	osFS
	n, ops int
}

var errInjected = errors.New("injected failure")

func (f *failFS) step() error {
	f.ops++
	if f.ops-1 == f.n {
		return errInjected
	}
	return nil
}

func (f *failFS) MkdirAll(p string) error {
	if err := f.step(); err != nil {
		return err
	}
	return f.osFS.MkdirAll(p)
}
func (f *failFS) MkdirTemp(dir, pat string) (string, error) {
	if err := f.step(); err != nil {
		return "", err
	}
	return f.osFS.MkdirTemp(dir, pat)
}
func (f *failFS) CreateTemp(dir, pat string) (tempFile, error) {
	if err := f.step(); err != nil {
		return nil, err
	}
	tf, err := f.osFS.CreateTemp(dir, pat)
	if err != nil {
		return nil, err
	}
	return &failFile{tempFile: tf, fs: f}, nil
}
func (f *failFS) Rename(a, b string) error {
	if err := f.step(); err != nil {
		return err
	}
	return f.osFS.Rename(a, b)
}
func (f *failFS) SyncDir(d string) error {
	if err := f.step(); err != nil {
		return err
	}
	return f.osFS.SyncDir(d)
}

type failFile struct {
	tempFile
	fs *failFS
}

// Write writes half the bytes, then fails, when it is the failing step.
func (f *failFile) Write(b []byte) (int, error) {
	if err := f.fs.step(); err != nil {
		n, _ := f.tempFile.Write(b[:len(b)/2])
		return n, err
	}
	return f.tempFile.Write(b)
}
func (f *failFile) Sync() error {
	if err := f.fs.step(); err != nil {
		return err
	}
	return f.tempFile.Sync()
}

func TestSaveFailingMidwayKeepsPreviousProject(t *testing.T) {
	st := demoState(t)
	dir := filepath.Join(t.TempDir(), "demo"+Ext)
	first := &State{Project: st.Project, Analyses: st.Analyses[1:], UI: map[string]string{"page": "Data"}}
	if err := Save(dir, first, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	want, _ := os.ReadFile(filepath.Join(dir, FileName))
	// the second save adds a result and changes the page; make each of
	// its steps fail in turn
	for n := 0; ; n++ {
		ffs := &failFS{n: n}
		err := Save(dir, st, SaveOptions{fs: ffs})
		if err == nil {
			if n == 0 {
				t.Fatal("no step failed")
			}
			t.Logf("a save has %d steps; each failed once", n)
			break
		}
		if !errors.Is(err, errInjected) {
			t.Fatalf("step %d: %v", n, err)
		}
		got, _ := os.ReadFile(filepath.Join(dir, FileName))
		if !bytes.Equal(got, want) {
			// the rename of project.toml happened; only a later sync
			// failed: the new project must be complete
			o, err := Open(dir, OpenOptions{})
			if err != nil || o.Analyses[1].Result == nil {
				t.Fatalf("step %d: project.toml replaced but the project does not open whole: %v", n, err)
			}
			if err := Save(dir, first, SaveOptions{}); err != nil {
				t.Fatal(err)
			}
			want, _ = os.ReadFile(filepath.Join(dir, FileName))
			continue
		}
		o, err := Open(dir, OpenOptions{})
		if err != nil {
			t.Fatalf("step %d: the previous project does not open: %v", n, err)
		}
		if o.UI["page"] != "Data" || len(o.Analyses) != 1 || len(o.Warnings) > 0 {
			t.Fatalf("step %d: reopened %v, warnings %q", n, o.UI, o.Warnings)
		}
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if strings.HasSuffix(e.Name(), ".tmp") {
				t.Errorf("step %d: temporary file %s left", n, e.Name())
			}
		}
		if n > 200 {
			t.Fatal("save never succeeds")
		}
	}
	o, err := Open(dir, OpenOptions{})
	if err != nil || o.UI["page"] != "RSA" || o.Analyses[0].Result == nil {
		t.Fatalf("after the successful save: %v", err)
	}
}

func TestSaveReadOnlyFolder(t *testing.T) {
	st := demoState(t)
	dir := filepath.Join(t.TempDir(), "demo"+Ext)
	if err := Save(dir, &State{Project: st.Project}, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{dir, filepath.Join(dir, ResultsDir)} {
		if err := os.Chmod(d, 0o555); err != nil {
			t.Fatal(err)
		}
		defer os.Chmod(d, 0o755)
	}
	if f, err := os.CreateTemp(dir, "probe"); err == nil {
		f.Close()
		os.Remove(f.Name())
		t.Skip("the folder is writable even read-only (running as root); TestSaveFailingMidwayKeepsPreviousProject covers failures")
	}
	if err := Save(dir, st, SaveOptions{}); err == nil {
		t.Fatal("saving into a read-only folder succeeded")
	}
	o, err := Open(dir, OpenOptions{})
	if err != nil || len(o.Analyses) != 0 {
		t.Fatalf("previous project: %v", err)
	}
}

func TestSaveRefusesForeignFolder(t *testing.T) {
	st := demoState(t)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "thesis.tex"), []byte("x"), 0o644)
	if err := Save(dir, st, SaveOptions{}); err == nil || !strings.Contains(err.Error(), "other files") {
		t.Fatalf("saved into a folder with other files: %v", err)
	}
}

func TestMissingResultRecomputedOnDemand(t *testing.T) {
	st := demoState(t)
	dir := filepath.Join(t.TempDir(), "demo"+Ext)
	if err := Save(dir, st, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(dir, ResultsDir)); err != nil {
		t.Fatal(err)
	}
	o, err := Open(dir, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if o.Analyses[0].Result != nil || len(o.Warnings) != 1 || !strings.Contains(o.Warnings[0], "missing") {
		t.Fatalf("warnings %q", o.Warnings)
	}
	res, err := o.Analyses[0].Run(context.Background(), o.Project, nil)
	if err != nil {
		t.Fatal(err)
	}
	sameResult(t, st.Analyses[0].Result.(*rsa.Result), res.(*rsa.Result))
}

func TestEditedSettingsDropResult(t *testing.T) {
	st := demoState(t)
	dir := filepath.Join(t.TempDir(), "demo"+Ext)
	if err := Save(dir, st, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(dir, FileName)
	text, _ := os.ReadFile(f)
	edited := strings.Replace(string(text), "samples = 40", "samples = 41", 1)
	if edited == string(text) {
		t.Fatal("no samples = 40 in the file")
	}
	os.WriteFile(f, []byte(edited), 0o644)
	o, err := Open(dir, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if o.Analyses[0].Result != nil || len(o.Warnings) != 1 || !strings.Contains(o.Warnings[0], "settings") {
		t.Fatalf("result kept after editing the settings: %q", o.Warnings)
	}
	if o.Analyses[0].Spec.(rsa.Spec).Samples != 41 {
		t.Error("edited settings not read")
	}
}

func TestRecipeReplaysSameNumbers(t *testing.T) {
	root := t.TempDir()
	st := fileState(t, root)
	recipe := filepath.Join(t.TempDir(), "recipe.toml")
	if err := WriteRecipe(recipe, st, SaveOptions{Software: software}); err != nil {
		t.Fatal(err)
	}
	text, _ := os.ReadFile(recipe)
	if !strings.Contains(string(text), `type = "recipe"`) || !strings.Contains(string(text), "abs = ") ||
		strings.Contains(string(text), "result =") || strings.Contains(string(text), "[ui]") {
		t.Fatalf("recipe:\n%s", text)
	}
	o, err := ReadRecipe(recipe, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if o.Analyses[0].Result != nil {
		t.Fatal("a recipe brought a result")
	}
	sameTree(t, st.Project, o.Project)
	res, err := o.Analyses[0].Run(context.Background(), o.Project, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := st.Analyses[0].Result.(*rsa.Result)
	sameResult(t, want, res.(*rsa.Result))
	if !bytes.Equal(tableBytes(t, want), tableBytes(t, res.(*rsa.Result))) {
		t.Error("tables differ")
	}
}

func TestMethodsText(t *testing.T) {
	st := demoState(t)
	m := Methods(st.Analyses, "Alignscope 9.9")
	paras := strings.Split(strings.TrimSpace(m), "\n\n")
	if len(paras) != 2 {
		t.Fatalf("%d paragraphs:\n%s", len(paras), m)
	}
	for _, want := range []string{"Alignscope 9.9", "64 stimuli", "correlation distance", "Spearman's rank correlation",
		"bootstrap over stimuli", "40 bootstrap samples", "random seed 7", "Benjamini–Hochberg", "noise ceiling",
		"leaving out one subject", "rsatoolbox", "gabornet: conv1"} {
		if !strings.Contains(paras[0], want) {
			t.Errorf("methods lack %q:\n%s", want, paras[0])
		}
	}
	for _, want := range []string{"Pearson correlation", "no resampling", "Bonferroni"} {
		if !strings.Contains(paras[1], want) {
			t.Errorf("methods of the fixed analysis lack %q:\n%s", want, paras[1])
		}
	}
}

func TestReport(t *testing.T) {
	st := demoState(t)
	doc, err := BuildReport(st, ReportOptions{Software: software})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	pdf := filepath.Join(dir, "report.pdf")
	if err := WriteReport(pdf, HTMLBeside(pdf), doc); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(pdf)
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatal("not a PDF")
	}
	h, _ := os.ReadFile(filepath.Join(dir, "report.html"))
	for _, want := range []string{"<h1>Demo project</h1>", "Data sources", "Methods", "RSA scores", "gabornet", "Not computed"} {
		if !bytes.Contains(h, []byte(want)) {
			t.Errorf("HTML lacks %q", want)
		}
	}
}

// writeProject saves the demo and returns its project.toml text.
func writeProject(t *testing.T) (string, string) {
	t.Helper()
	st := demoState(t)
	dir := filepath.Join(t.TempDir(), "demo"+Ext)
	if err := Save(dir, st, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	return dir, string(b)
}

// lineOf returns the 1-based line of the first line containing s.
func lineOf(text, s string) int {
	for i, l := range strings.Split(text, "\n") {
		if strings.Contains(l, s) {
			return i + 1
		}
	}
	return -1
}

func lastLineOf(text, s string) int {
	n := -1
	for i, l := range strings.Split(text, "\n") {
		if strings.Contains(l, s) {
			n = i + 1
		}
	}
	return n
}

func TestBadProjectFiles(t *testing.T) {
	dir, good := writeProject(t)
	f := filepath.Join(dir, FileName)
	cases := []struct {
		name    string
		edit    func(string) string
		msg     string
		lineOf  string // the error names the line holding this text
		last    bool   // the last line holding lineOf
		warning string // no error; this warning
	}{
		{name: "newer format", edit: func(s string) string { return strings.Replace(s, "format = 1", "format = 2", 1) },
			msg: "newer Alignscope", lineOf: "format = 2"},
		{name: "no format", edit: func(s string) string { return strings.Replace(s, "format = 1\n", "", 1) }, msg: "no format version"},
		{name: "syntax", edit: func(s string) string { return strings.Replace(s, "samples = 40", "samples = = 40", 1) },
			msg: "", lineOf: "samples = = 40"},
		{name: "wrong type", edit: func(s string) string { return strings.Replace(s, "samples = 40", `samples = "forty"`, 1) },
			msg: "incompatible", lineOf: `samples = "forty"`},
		{name: "missing samples", edit: func(s string) string { return strings.Replace(s, "samples = 40\n", "", 1) },
			msg: "samples is missing", lineOf: "[analyses.settings]"},
		{name: "bad scheme", edit: func(s string) string { return strings.Replace(s, `"bootstrap-stimuli"`, `"jackknife"`, 1) },
			msg: `inference "jackknife"`, lineOf: `inference = "jackknife"`},
		{name: "bad compare", edit: func(s string) string { return strings.Replace(s, `compare = "spearman"`, `compare = "psychic"`, 1) },
			msg: "compare", lineOf: `compare = "psychic"`},
		{name: "bad layer", edit: func(s string) string {
			return strings.Replace(s, `["gabornet", "conv1"]`, `["gabornet"]`, 1)
		}, msg: "not a [model, layer] pair", lineOf: `layers = [`},
		{name: "bad seed", edit: func(s string) string { return strings.Replace(s, "seed = 7", "seed = -7", 1) },
			msg: "negative", lineOf: "seed = -7"},
		{name: "source kind", edit: func(s string) string { return strings.Replace(s, `kind = "embedded"`, `kind = "tape"`, 1) },
			msg: `unknown kind "tape"`, lineOf: `kind = "tape"`},
		{name: "bad checksum", edit: func(s string) string {
			i := strings.Index(s, "sha256 = \"")
			return s[:i] + `sha256 = "xyz"` + s[strings.Index(s[i:], "\n")+i:]
		}, msg: "64 lowercase hex", lineOf: `sha256 = "xyz"`},
		{name: "edit op", edit: func(s string) string { return strings.Replace(s, `op = "rename"`, `op = "paint"`, 1) },
			msg: `op "paint"`, lineOf: "[[edits]]"},
		{name: "duplicate id", edit: func(s string) string { return strings.Replace(s, `id = "rsa-2"`, `id = "rsa-1"`, 1) },
			msg: "appears twice", lineOf: `id = "rsa-1"`, last: true},
		{name: "wrong type in the second analysis", edit: func(s string) string {
			i := strings.LastIndex(s, "samples = 40")
			return s[:i] + `samples = "forty"` + s[i+len("samples = 40"):]
		}, msg: "incompatible", lineOf: `samples = "forty"`},
		{name: "wrong type in a source", edit: func(s string) string { return strings.Replace(s, `kind = "embedded"`, `kind = 3`, 1) },
			msg: "incompatible", lineOf: `kind = 3`},
		{name: "no name", edit: func(s string) string { return strings.Replace(s, "name = \"Demo project\"\n", "", 1) }, msg: "project name"},
		{name: "unknown keys", edit: func(s string) string {
			s = strings.Replace(s, "format = 1\n", "format = 1\ncolour = \"blue\"\n", 1)
			return strings.Replace(s, "samples = 40\n", "samples = 40\nwarp = 9\n", 1)
		}, warning: "unknown key"},
		{name: "unknown analysis kind", edit: func(s string) string {
			return strings.Replace(s, `kind = "rsa"`+"\nsettings_hash", `kind = "telepathy"`+"\nsettings_hash", 1)
		}, warning: `kind "telepathy"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			text := c.edit(good)
			if text == good {
				t.Fatal("edit changed nothing")
			}
			if err := os.WriteFile(f, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			o, err := Open(dir, OpenOptions{})
			if c.warning != "" {
				if err != nil {
					t.Fatal(err)
				}
				found := false
				for _, w := range o.Warnings {
					found = found || strings.Contains(w, c.warning)
				}
				if !found {
					t.Fatalf("warnings %q lack %q", o.Warnings, c.warning)
				}
				return
			}
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v (%T), want a FormatError", err, err)
			}
			if !strings.Contains(fe.Msg, c.msg) {
				t.Errorf("message %q lacks %q", fe.Msg, c.msg)
			}
			want := lineOf(text, c.lineOf)
			if c.last {
				want = lastLineOf(text, c.lineOf)
			}
			if c.lineOf != "" && fe.Line != want {
				t.Errorf("line %d, want %d (%s): %v", fe.Line, want, c.lineOf, err)
			}
			t.Log(err)
		})
	}
	// the unknown keys are reported with their lines
	text := strings.Replace(good, "samples = 40\n", "samples = 40\nwarp = 9\n", 1)
	os.WriteFile(f, []byte(text), 0o644)
	o, err := Open(dir, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Warnings) != 1 || !strings.Contains(o.Warnings[0], fmt.Sprintf(":%d: unknown key analyses.settings.warp", lineOf(text, "warp = 9"))) {
		t.Errorf("warnings %q", o.Warnings)
	}
	// and an unknown kind of analysis is kept when saved again
	text = strings.Replace(good, `kind = "rsa"`+"\nsettings_hash", `kind = "telepathy"`+"\nsettings_hash", 1)
	os.WriteFile(f, []byte(text), 0o644)
	o, err = Open(dir, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := Save(dir, &o.State, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	o2, err := Open(dir, OpenOptions{})
	if err != nil || o2.Analyses[1].Kind != "telepathy" || !reflect.DeepEqual(o2.Analyses[1].Spec, o.Analyses[1].Spec) {
		t.Fatalf("unknown kind not kept: %v\n%#v\n%#v", err, o.Analyses[0], o2.Analyses[0])
	}
	_ = io.Discard
}

func TestConcurrentSavesIntoOneFolder(t *testing.T) {
	st := demoState(t)
	other := &State{Project: st.Project, Analyses: st.Analyses[1:]}
	dir := filepath.Join(t.TempDir(), "demo"+Ext)
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		s := st
		if i%2 == 1 {
			s = other
		}
		go func() { errs <- Save(dir, s, SaveOptions{}) }()
	}
	for i := 0; i < 8; i++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	o, err := Open(dir, OpenOptions{})
	if err != nil || len(o.Warnings) > 0 {
		t.Fatalf("after concurrent saves: %v, warnings %q", err, o.Warnings)
	}
}
