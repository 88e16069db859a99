package demogen

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/alignscope/alignscope/core/compare"
	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/rdm"
	"github.com/alignscope/alignscope/io/npy"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

var (
	demoOnce sync.Once
	demoData *Demo
	demoErr  error
)

// testDemo generates the demo once for all tests.
func testDemo(t testing.TB) *Demo {
	t.Helper()
	demoOnce.Do(func() { demoData, demoErr = Generate() })
	if demoErr != nil {
		t.Fatal(demoErr)
	}
	return demoData
}

// corrRDM is the correlation-distance RDM (1 − Pearson r between the rows
// of m), condensed.
func corrRDM(t testing.TB, m *mat.Dense) []float64 {
	t.Helper()
	r, err := rdm.Correlation(context.Background(), data.Dense{M: m}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r.Vec
}

// meanReps is the mean over repetitions of a region.
func meanReps(r *Region) *mat.Dense {
	var m mat.Dense
	m.CloneFrom(r.Reps[0])
	for _, rep := range r.Reps[1:] {
		m.Add(&m, rep)
	}
	m.Scale(1/float64(len(r.Reps)), &m)
	return &m
}

// statRDM is corrRDM computed directly with gonum/stat, to tell a bug in
// core/rdm from a change of the demo.
func statRDM(m *mat.Dense) []float64 {
	n, _ := m.Dims()
	var v []float64
	for i := range n {
		for j := i + 1; j < n; j++ {
			v = append(v, 1-stat.Correlation(m.RawRowView(i), m.RawRowView(j), nil))
		}
	}
	return v
}

func meanVec(vs [][]float64) []float64 {
	out := make([]float64, len(vs[0]))
	for _, v := range vs {
		for i, x := range v {
			out[i] += x / float64(len(vs))
		}
	}
	return out
}

// TestGroundTruth checks that RSA finds what the generator put in: every
// layer's RDM against every region's (mean over repetitions, per subject),
// compared with Spearman's ρ and averaged over subjects.
func TestGroundTruth(t *testing.T) {
	d := testDemo(t)
	regions := regionNames(d.Truth)

	// the RSA code under the test must agree with a direct computation
	for _, m := range []*mat.Dense{d.Models[0].Layers[0].Data, meanReps(d.Subjects[0].Regions[0])} {
		got, want := corrRDM(t, m), statRDM(m)
		for k := range want {
			if math.Abs(got[k]-want[k]) > 1e-9 {
				t.Fatalf("core/rdm.Correlation gives %g at pair %d, gonum/stat %g: fix core/rdm first", got[k], k, want[k])
			}
		}
	}
	if r := compare.Spearman([]float64{1, 2, 3, 4, 5}, []float64{1, 3, 2, 5, 4}); math.Abs(r-0.8) > 1e-12 {
		t.Fatalf("core/compare.Spearman gives %g for a known case, want 0.8: fix core/compare first", r)
	}

	// region RDMs per subject
	regionRDM := map[string][][]float64{}
	for _, s := range d.Subjects {
		for _, r := range s.Regions {
			regionRDM[r.Name] = append(regionRDM[r.Name], corrRDM(t, meanReps(r)))
		}
	}

	// score[model][layer][region] = mean over subjects of ρ
	score := map[string]map[string]map[string]float64{}
	var table strings.Builder
	fmt.Fprintf(&table, "\n%-18s", "ρ (mean of 4)")
	for _, r := range regions {
		fmt.Fprintf(&table, "%8s", r)
	}
	table.WriteString("\n")
	for _, m := range d.Models {
		score[m.Name] = map[string]map[string]float64{}
		for _, l := range m.Layers {
			lr := corrRDM(t, l.Data)
			score[m.Name][l.Name] = map[string]float64{}
			fmt.Fprintf(&table, "%-18s", m.Name+" "+l.Name)
			for _, r := range regions {
				var s float64
				for _, rr := range regionRDM[r] {
					s += compare.Spearman(lr, rr)
				}
				s /= float64(len(regionRDM[r]))
				score[m.Name][l.Name][r] = s
				fmt.Fprintf(&table, "%8.3f", s)
			}
			table.WriteString("\n")
		}
	}

	// split-half reliability and noise ceiling per region
	fmt.Fprintf(&table, "%-18s", "split-half ρ")
	reliability := map[string]float64{}
	for _, r := range regions {
		var s float64
		for _, sub := range d.Subjects {
			reg := sub.Region(r)
			s += compare.Spearman(corrRDM(t, reg.Reps[0]), corrRDM(t, reg.Reps[1]))
		}
		reliability[r] = s / float64(len(d.Subjects))
		fmt.Fprintf(&table, "%8.3f", reliability[r])
	}
	table.WriteString("\n")
	lower, upper := map[string]float64{}, map[string]float64{}
	for _, r := range regions {
		all := regionRDM[r]
		mean := meanVec(all)
		for i, v := range all {
			others := slices.Delete(slices.Clone(all), i, i+1)
			lower[r] += compare.Spearman(v, meanVec(others)) / float64(len(all))
			upper[r] += compare.Spearman(v, mean) / float64(len(all))
		}
	}
	for _, b := range []struct {
		name string
		v    map[string]float64
	}{{"ceiling lower", lower}, {"ceiling upper", upper}} {
		fmt.Fprintf(&table, "%-18s", b.name)
		for _, r := range regions {
			fmt.Fprintf(&table, "%8.3f", b.v[r])
		}
		table.WriteString("\n")
	}
	t.Log(table.String())

	best := func(model, region string) (string, int) {
		bi := 0
		for i, name := range LayerNames {
			if score[model][name][region] > score[model][LayerNames[bi]][region] {
				bi = i
			}
		}
		return LayerNames[bi], bi
	}
	v1, v1i := best("gabornet", "V1")
	it, iti := best("gabornet", "IT")
	if v1 != "conv1" && v1 != "conv2" {
		t.Errorf("V1 is best explained by gabornet %s, want conv1 or conv2", v1)
	}
	if it != "fc" && it != "readout" {
		t.Errorf("IT is best explained by gabornet %s, want fc or readout", it)
	}
	if v1i >= iti {
		t.Errorf("V1's best layer %s is not earlier than IT's %s", v1, it)
	}
	if g, r := score["gabornet"]["conv1"]["V1"], score["randnet"]["conv1"]["V1"]; g <= r+0.05 {
		t.Errorf("V1: gabornet conv1 ρ = %.3f, randnet conv1 ρ = %.3f; want gabornet clearly better", g, r)
	}
	for _, r := range regions {
		if reliability[r] < 0.2 {
			t.Errorf("%s: split-half reliability %.3f, want > 0.2", r, reliability[r])
		}
	}
	if c := lower["IT"]; c < 0.4 || c > 0.9 {
		t.Errorf("IT: lower noise ceiling %.3f, want between 0.4 and 0.9", c)
	}

	// the numbers quoted in README.md
	const tol = 0.01
	for _, e := range expectations {
		if got := score[e.model][e.layer][e.region]; math.Abs(got-e.rho) > tol {
			t.Errorf("%s %s × %s: ρ = %.3f, README says %.2f", e.model, e.layer, e.region, got, e.rho)
		}
	}
	for _, c := range ceilings {
		if math.Abs(lower[c.region]-c.lower) > tol || math.Abs(upper[c.region]-c.upper) > tol {
			t.Errorf("%s: noise ceiling %.3f–%.3f, README says %.2f–%.2f", c.region, lower[c.region], upper[c.region], c.lower, c.upper)
		}
	}
}

// readTree returns the files under dir by slash-separated relative path.
func readTree(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		files[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// diffTrees reports files missing from, added to or different in got.
func diffTrees(t *testing.T, want, got map[string][]byte, hint string) {
	t.Helper()
	var bad []string
	for name, w := range want {
		g, ok := got[name]
		switch {
		case !ok:
			bad = append(bad, name+" missing")
		case !bytes.Equal(w, g):
			bad = append(bad, fmt.Sprintf("%s differs (%d vs %d bytes)", name, len(g), len(w)))
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			bad = append(bad, name+" unexpected")
		}
	}
	slices.Sort(bad)
	if len(bad) > 0 {
		if len(bad) > 10 {
			bad = append(bad[:10], fmt.Sprintf("… and %d more", len(bad)-10))
		}
		t.Errorf("%s:\n  %s", hint, strings.Join(bad, "\n  "))
	}
}

func writeDemo(t *testing.T, d *Demo) (string, []byte) {
	t.Helper()
	dir := t.TempDir()
	if err := d.Write(filepath.Join(dir, "demo")); err != nil {
		t.Fatal(err)
	}
	if err := d.WriteIcon(filepath.Join(dir, "icon.png")); err != nil {
		t.Fatal(err)
	}
	icon, err := os.ReadFile(filepath.Join(dir, "icon.png"))
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "demo"), icon
}

// TestDeterministic generates twice and compares the bytes written.
func TestDeterministic(t *testing.T) {
	d1 := testDemo(t)
	d2, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	dir1, icon1 := writeDemo(t, d1)
	dir2, icon2 := writeDemo(t, d2)
	diffTrees(t, readTree(t, dir1), readTree(t, dir2), "two generations differ")
	if !bytes.Equal(icon1, icon2) {
		t.Error("two generations give different icons")
	}
}

// TestCommitted checks that the files embedded by package assets are a
// fresh generation, so that `go generate ./assets` is never forgotten.
func TestCommitted(t *testing.T) {
	dir, icon := writeDemo(t, testDemo(t))
	const hint = "assets/demo is not what the generator makes now; run `go generate ./assets`"
	if _, err := os.Stat("../demo/stimuli.tsv"); err != nil {
		t.Fatalf("%s (%v)", hint, err)
	}
	diffTrees(t, readTree(t, dir), readTree(t, "../demo"), hint)
	committed, err := os.ReadFile("../icon.png")
	if err != nil || !bytes.Equal(committed, icon) {
		t.Errorf("assets/icon.png is not what the generator makes now; run `go generate ./assets` (%v)", err)
	}
}

// TestFiles reads the written files back with the app's npy reader and
// checks names, shapes, types and values against the in-memory demo.
func TestFiles(t *testing.T) {
	d := testDemo(t)
	dir, _ := writeDemo(t, d)
	n := len(d.Stimuli)

	check := func(path string, names []string, shapes [][]int, want []*mat.Dense) {
		t.Helper()
		f, err := npy.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if got := f.Names(); !slices.Equal(got, names) {
			t.Fatalf("%s: arrays %v, want %v", path, got, names)
		}
		for i, a := range f.Arrays {
			if a.DType != "float32" || !slices.Equal(a.Shape, shapes[i]) {
				t.Errorf("%s: %s is %s %v, want float32 %v", path, a.Name, a.DType, a.Shape, shapes[i])
				continue
			}
			v, err := a.Matrix()
			if err != nil {
				t.Fatal(err)
			}
			got, err := data.ReadAll(v)
			if err != nil {
				t.Fatal(err)
			}
			if !mat.Equal(got, want[i]) {
				t.Errorf("%s: %s values differ from the in-memory demo", path, a.Name)
			}
		}
	}
	for _, m := range d.Models {
		var names []string
		var shapes [][]int
		var want []*mat.Dense
		for _, l := range m.Layers {
			names = append(names, l.Name)
			shapes = append(shapes, append([]int{n}, l.Shape...))
			want = append(want, l.Data)
		}
		if !slices.Equal(names, LayerNames) {
			t.Errorf("%s: layers %v, want %v", m.Name, names, LayerNames)
		}
		check(filepath.Join(dir, "models", m.Name+".npz"), names, shapes, want)
	}
	for _, s := range d.Subjects {
		var names []string
		var shapes [][]int
		var want []*mat.Dense
		for _, r := range s.Regions {
			_, v := r.Reps[0].Dims()
			names = append(names, r.Name)
			shapes = append(shapes, []int{Repetitions, n, v})
			// Matrix() views a (r, n, v) array as r × (n·v)
			w := mat.NewDense(Repetitions, n*v, nil)
			for k, rep := range r.Reps {
				w.SetRow(k, rawData(rep))
			}
			want = append(want, w)
		}
		check(filepath.Join(dir, "recordings", s.Name+".npz"), names, shapes, want)
	}

	tsv, err := os.ReadFile(filepath.Join(dir, "stimuli.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(tsv), "\n"), "\n")
	if len(lines) != n+1 || !strings.HasPrefix(lines[0], "name\tcategory\t") {
		t.Fatalf("stimuli.tsv: %d lines, header %q", len(lines), lines[0])
	}
	for i, s := range d.Stimuli {
		if !strings.HasPrefix(lines[i+1], s.Name+"\t"+s.Category+"\t") {
			t.Errorf("stimuli.tsv line %d = %q, want stimulus %s", i+2, lines[i+1], s.Name)
		}
		if _, err := os.Stat(filepath.Join(dir, "images", s.Name+".png")); err != nil {
			t.Error(err)
		}
	}
}
