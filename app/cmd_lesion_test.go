package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/alignscope/alignscope/assets"
	"github.com/alignscope/alignscope/core/blas"
	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/decode"
	"github.com/alignscope/alignscope/core/lesion"
	"github.com/alignscope/alignscope/core/rdm"
	"github.com/alignscope/alignscope/io/loader"
	"gonum.org/v1/gonum/mat"
)

// lesionFiles writes a layer of n stimuli (4 categories) × p units whose
// first planted units carry the category, the stimulus table, and a
// region of 3 subjects whose RDMs are the category RDM plus noise.
func lesionFiles(t *testing.T, dir string, n, p, planted int) (layer, stim, region string) {
	t.Helper()
	r := rand.New(rand.NewPCG(3, 3))
	cats := []string{"face", "fish", "house", "car"}
	proto := make([]float64, 4*planted)
	for i := range proto {
		proto[i] = 2 * r.NormFloat64()
	}
	x := make([]float32, n*p)
	var tsv strings.Builder
	tsv.WriteString("name\tcategory\tanimacy\n")
	cat := make([]string, n)
	for i := 0; i < n; i++ {
		c := i % 4
		cat[i] = cats[c]
		anim := "animate"
		if c >= 2 {
			anim = "inanimate"
		}
		tsv.WriteString(cats[c] + "_" + strconv.Itoa(i) + "\t" + cats[c] + "\t" + anim + "\n")
		for j := 0; j < p; j++ {
			v := r.NormFloat64()
			if j < planted {
				v += proto[c*planted+j]
			}
			x[i*p+j] = float32(v)
		}
	}
	layer = writeTestNPY(t, filepath.Join(dir, "layer.npy"), []int{n, p}, x)
	stim = filepath.Join(dir, "stimuli.tsv")
	if err := os.WriteFile(stim, []byte(tsv.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	cr, err := rdm.Categorical(cat)
	if err != nil {
		t.Fatal(err)
	}
	m := len(cr.Vec)
	rd := make([]float64, 3*m)
	for s := 0; s < 3; s++ {
		for k, v := range cr.Vec {
			rd[s*m+k] = v + 0.3*r.NormFloat64()
		}
	}
	region = writeTestNPY(t, filepath.Join(dir, "it.npy"), []int{3, m}, rd)
	return layer, stim, region
}

func runLesionCmd(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := cmdLesion(args, &out, &errb)
	return code, out.String(), errb.String()
}

func readCSVFile(t *testing.T, name string) [][]string {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func TestLesionCommandPlanted(t *testing.T) {
	blas.Use()
	dir := t.TempDir()
	layer, stim, region := lesionFiles(t, dir, 48, 100, 10)
	prefix := filepath.Join(dir, "out")
	code, stdout, stderr := runLesionCmd("--layer", layer, "--region", "IT="+region, "--stimuli", stim,
		"--plan", "selective:category", "--draws", "40", "--seed", "2", "--decode", "category", "--folds", "4", "--out", prefix)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "IT (spearman)") || !strings.Contains(stdout, "below band") {
		t.Errorf("summary:\n%s", stdout)
	}
	recs := readCSVFile(t, prefix+"_curve.csv")
	if strings.Join(recs[0][:8], ",") != "effect,measure,fraction_percent,targeted_change,null_median,null_low,null_high,p" {
		t.Fatalf("header %v", recs[0])
	}
	if len(recs) != 1+2*8 {
		t.Fatalf("%d rows", len(recs))
	}
	for _, rec := range recs[1:] {
		frac, _ := strconv.ParseFloat(rec[2], 64)
		tc, _ := strconv.ParseFloat(rec[3], 64)
		lo, _ := strconv.ParseFloat(rec[5], 64)
		p, _ := strconv.ParseFloat(rec[7], 64)
		if frac == 10 || frac == 20 {
			if !(tc < lo) || p != 1.0/41 {
				t.Errorf("%s at %g%%: targeted %g, band low %g, p %g: the planted units must leave the band", rec[0], frac, tc, lo, p)
			}
		}
		if frac == 0 && (tc != 0 || p != 1) {
			t.Errorf("%s at 0%%: change %g, p %g", rec[0], tc, p)
		}
	}
	if recs[1][0] != "IT" || recs[9][0] != "decoding category" {
		t.Errorf("effects %q, %q", recs[1][0], recs[9][0])
	}
	null := readCSVFile(t, prefix+"_null.csv")
	if len(null) != 1+2*8*40 {
		t.Errorf("null table has %d rows", len(null))
	}
}

// The region may be RDM vectors, one square RDM, a stack, or a recording;
// the same RDMs give the same curve.
func TestLesionCommandRegionShapes(t *testing.T) {
	blas.Use()
	dir := t.TempDir()
	const n, p = 20, 30
	layer, _, _ := lesionFiles(t, dir, n, p, 5)
	r := rand.New(rand.NewPCG(9, 9))
	rec := make([]float64, n*12)
	for i := range rec {
		rec[i] = r.NormFloat64()
	}
	recPath := writeTestNPY(t, filepath.Join(dir, "rec.npy"), []int{n, 12}, rec)
	d, err := rdm.Correlation(context.Background(), data.Dense{M: mat.NewDense(n, 12, rec)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	sq := d.Square()
	sqv := make([]float64, 0, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			sqv = append(sqv, sq.At(i, j))
		}
	}
	shapes := map[string]string{
		"recording": recPath,
		"vector":    writeTestNPY(t, filepath.Join(dir, "vec.npy"), []int{len(d.Vec)}, d.Vec),
		"square":    writeTestNPY(t, filepath.Join(dir, "sq.npy"), []int{n, n}, sqv),
		"stack":     writeTestNPY(t, filepath.Join(dir, "stack.npy"), []int{1, n, n}, sqv),
		"reps":      writeTestNPY(t, filepath.Join(dir, "reps.npy"), []int{2, n, 12}, append(append([]float64(nil), rec...), rec...)),
	}
	var first []string
	for name, path := range shapes {
		prefix := filepath.Join(dir, name)
		code, _, stderr := runLesionCmd("--layer", layer, "--region", path, "--plan", "variance", "--draws", "5", "--fractions", "0,10,50", "--out", prefix, "--compare", "corr", "--exact")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", name, code, stderr)
		}
		recs := readCSVFile(t, prefix+"_curve.csv")
		var col []string
		for _, r := range recs[1:] {
			v, _ := strconv.ParseFloat(r[11], 64) // targeted score
			col = append(col, strconv.FormatFloat(v, 'f', 9, 64))
		}
		if first == nil {
			first = col
		} else if strings.Join(col, ",") != strings.Join(first, ",") {
			t.Errorf("%s region gives %v, others %v", name, col, first)
		}
	}
}

func TestLesionCommandErrors(t *testing.T) {
	dir := t.TempDir()
	layer, stim, region := lesionFiles(t, dir, 20, 30, 5)
	one := filepath.Join(dir, "one.tsv")
	var tsv strings.Builder
	tsv.WriteString("name\tkind\n")
	for i := 0; i < 20; i++ {
		tsv.WriteString("s" + strconv.Itoa(i) + "\tsame\n")
	}
	os.WriteFile(one, []byte(tsv.String()), 0o644)
	conv := writeTestNPY(t, filepath.Join(dir, "conv.npy"), []int{20, 2, 3, 5}, make([]float32, 20*30))
	out := filepath.Join(dir, "o")
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--layer", layer, "--region", region, "--plan", "random", "--fractions", "0,150", "--out", out}, 2, "150% is outside 0–100%"},
		{[]string{"--layer", layer, "--region", region, "--plan", "channel", "--out", out}, 1, "needs a convolutional layer with unit shape C×H×W"},
		{[]string{"--layer", layer, "--region", region, "--stimuli", one, "--plan", "selective:kind", "--out", out}, 1, `descriptor "kind" has only one level`},
		{[]string{"--layer", layer, "--region", region, "--plan", "selective:category", "--out", out}, 1, "needs the stimulus table"},
		{[]string{"--layer", layer, "--region", region, "--stimuli", stim, "--plan", "selective:colour", "--out", out}, 1, `no column "colour"`},
		{[]string{"--layer", layer, "--region", region, "--plan", "units:", "--out", out}, 1, "list of units to lesion is empty"},
		{[]string{"--layer", layer, "--region", region, "--plan", "units:3,99", "--out", out}, 1, "unit 99 does not exist"},
		{[]string{"--layer", layer, "--region", region, "--plan", "magic", "--out", out}, 1, "unknown plan"},
		{[]string{"--layer", layer, "--region", conv, "--plan", "random", "--out", out}, 1, "has shape 20×2×3×5"},
		{[]string{"--layer", layer, "--plan", "random", "--out", out}, 2, "at least one --region"},
		{[]string{"--layer", layer, "--region", region, "--out", out}, 2, "give --layer, --plan and --out"},
		{[]string{"--layer", layer, "--region", region, "--plan", "random", "--fill", "noise", "--out", out}, 2, "unknown fill"},
	} {
		code, _, stderr := runLesionCmd(tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", tc.args, code, stderr, tc.code, tc.want)
		}
	}
	if _, err := os.Stat(out + "_curve.csv"); err == nil {
		t.Error("a failed run wrote a curve")
	}
	// A channel plan on a conv layer works.
	code, _, stderr := runLesionCmd("--layer", conv, "--decode", "category", "--stimuli", stim, "--plan", "channel:random",
		"--draws", "3", "--fractions", "0,50,100", "--folds", "2", "--out", out)
	if code != 0 {
		t.Errorf("channel plan on a conv layer: exit %d: %s", code, stderr)
	}
}

// demoLesion runs the lesion curve of gabornet fc against IT on the demo
// project for a plan built from the layer.
func demoLesion(t *testing.T, plan func(x data.Matrix, stim *data.Stimuli) (*lesion.Plan, error), fill lesion.Fill) *lesion.Result {
	t.Helper()
	proj, err := loader.LoadFolderFS(assets.DemoRoot(), "demo")
	if err != nil {
		t.Fatal(err)
	}
	layer := proj.Model("gabornet").Layer("fc")
	region, _, err := lesion.ProjectRegion(context.Background(), proj, "IT", nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan(layer.Data, proj.Stimuli)
	if err != nil {
		t.Fatal(err)
	}
	res, err := lesion.Run(context.Background(), lesion.Spec{Layer: layer.Data, Plan: p, Fill: fill, Draws: 100, Seed: 1,
		Regions: []lesion.Region{region},
		Readout: &lesion.Readout{Descriptor: "category", Labels: proj.Stimuli.Descriptor("category"), Options: decode.Options{Folds: 4, Seed: 1}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func logCurve(t *testing.T, res *lesion.Result) {
	for _, e := range res.Effects {
		t.Logf("%s — %s: intact %.3f (ceiling %.3f–%.3f)", res.Plan, e.Name, e.Intact, e.Ceiling.Lower, e.Ceiling.Upper)
		for f, x := range res.Fractions {
			mark := ""
			if e.Targeted[f] < e.NullLow[f] {
				mark = " BELOW"
			}
			t.Logf("  %5.1f%% (%2d units): targeted %+.3f  null %+.3f [%+.3f, %+.3f]  p %.3f%s", 100*x, res.Units[f],
				e.Targeted[f], e.NullMedian[f], e.NullLow[f], e.NullHigh[f], e.P[f], mark)
		}
	}
}

// TestLesionDemo checks the demo's known answer: silencing gabornet fc's
// most category-selective units lowers the agreement with IT faster than
// random lesions of as many units.
func TestLesionDemo(t *testing.T) {
	blas.Use()
	for _, tc := range []struct {
		desc, level string
	}{
		{"category", ""},
		{"animacy", ""},
	} {
		res := demoLesion(t, func(x data.Matrix, stim *data.Stimuli) (*lesion.Plan, error) {
			return lesion.Selective(context.Background(), x, lesion.Contrast{Descriptor: tc.desc, Values: stim.Descriptor(tc.desc), Level: tc.level}, lesion.Highest)
		}, lesion.Zero)
		logCurve(t, res)
		it := res.Effects[0]
		for f, x := range res.Fractions {
			if x == 0.05 || x == 0.1 || x == 0.2 || x == 0.5 {
				if !(it.Targeted[f] < it.NullLow[f]) || it.P[f] > 0.05 {
					t.Errorf("%s at %g%%: IT change %.3f, null band [%.3f, %.3f], p %.3f: the targeted lesion should leave the band",
						res.Plan, 100*x, it.Targeted[f], it.NullLow[f], it.NullHigh[f], it.P[f])
				}
			}
		}
		if math.IsNaN(it.Ceiling.Lower) || it.Intact >= it.Ceiling.Lower {
			t.Errorf("IT agreement %.3f, ceiling %.3f–%.3f", it.Intact, it.Ceiling.Lower, it.Ceiling.Upper)
		}
	}
}

// A picked list and an encoding-weight ranking run; a list gives one
// point, at its size.
func TestLesionCommandListAndWeights(t *testing.T) {
	blas.Use()
	dir := t.TempDir()
	layer, stim, region := lesionFiles(t, dir, 24, 30, 5)
	w := make([]float64, 30)
	for i := range w {
		w[i] = float64(i % 7)
	}
	wPath := writeTestNPY(t, filepath.Join(dir, "w.npy"), []int{30}, w)
	for _, tc := range []struct {
		plan string
		rows int
	}{
		{"units:0,1,2", 1},
		{"weights:" + wPath, 8},
		{"unselective:animacy", 8},
		{"selective:category:face", 8},
	} {
		prefix := filepath.Join(dir, "o")
		code, _, stderr := runLesionCmd("--layer", layer, "--region", region, "--stimuli", stim, "--plan", tc.plan,
			"--draws", "5", "--fill", "mean", "--out", prefix)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", tc.plan, code, stderr)
		}
		recs := readCSVFile(t, prefix+"_curve.csv")
		if len(recs) != 1+tc.rows {
			t.Errorf("%s: %d rows", tc.plan, len(recs)-1)
		}
		if tc.rows == 1 && (recs[1][2] != "10" || recs[1][9] != "3") {
			t.Errorf("list lesion row %v", recs[1])
		}
	}
}
