package ui

import (
	"math"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/io/loader"
	"github.com/alignscope/alignscope/io/npy"
)

// shared is the project's shared folder (read only).
var shared = filepath.Join("..", "..", "shared")

func readFixture(t *testing.T, path string) []float64 {
	t.Helper()
	f, err := npy.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	v, err := f.Arrays[0].Matrix()
	if err != nil {
		t.Fatal(err)
	}
	m, err := data.ReadAll(v)
	if err != nil {
		t.Fatal(err)
	}
	return m.RawMatrix().Data
}

// TestRSAPageOn92ImageData runs the page on the real 92-image data: the
// human IT RDMs (4 subjects × 2 sessions) as a region, the 8 model RDMs as
// a model, fixed-model inference with Pearson correlation; the noise
// ceiling and the order of the models must be rsatoolbox's
// (fixture real_eval_fixed_corr).
func TestRSAPageOn92ImageData(t *testing.T) {
	dir := filepath.Join(shared, "data", "92image")
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("the 92-image data are missing: %v", err)
	}
	mw, ws := newWindow(t)
	mw.Load(LoadRequest{Path: filepath.Join(dir, "model_rdm_vectors.npy"), Kind: loader.KindModelRDMs, Name: "models"})
	idle(t, ws)
	mw.Load(LoadRequest{Path: filepath.Join(dir, "hIT_rdm_vectors.npy"), Kind: loader.KindRegionRDMs, Name: "session", Region: "hIT"})
	idle(t, ws)
	if text := overlayText(t, mw.Win); text != "" {
		t.Fatalf("loading showed a dialog: %s", text)
	}
	p := ws.Project()
	if p.NStimuli() != 92 || len(p.Models) != 1 || len(p.Models[0].Layers) != 8 || len(p.Subjects) != 8 {
		t.Fatalf("project: %d stimuli, %d models, %d subjects", p.NStimuli(), len(p.Models), len(p.Subjects))
	}
	pg := mw.RSA()
	pg.layers.SetSelected(pg.layers.Options)
	pg.regions.SetSelected([]string{"hIT"})
	pg.subjects.SetSelected(pg.subjects.Options)
	pg.measure.SetSelected("corr")
	pg.scheme.SetSelected("fixed")
	test.Tap(pg.run)
	idle(t, ws)
	r := pg.Result()
	if r == nil {
		t.Fatalf("no result; dialog: %s", overlayText(t, mw.Win))
	}
	ev := r.Region("hIT").Eval
	fix := filepath.Join(shared, "fixtures", "rsa", "expected")
	wantNC := readFixture(t, filepath.Join(fix, "real_eval_fixed_corr__noise_ceiling.npy"))
	if math.Abs(ev.NoiseCeiling.Lower-wantNC[0]) > 1e-8 || math.Abs(ev.NoiseCeiling.Upper-wantNC[1]) > 1e-8 {
		t.Errorf("noise ceiling %.10f–%.10f, rsatoolbox %.10f–%.10f", ev.NoiseCeiling.Lower, ev.NoiseCeiling.Upper, wantNC[0], wantNC[1])
	}
	evals := readFixture(t, filepath.Join(fix, "real_eval_fixed_corr__evaluations.npy")) // 8 models × 8 RDMs
	want := make([]float64, 8)
	for m := range want {
		for s := 0; s < 8; s++ {
			want[m] += evals[m*8+s] / 8
		}
	}
	order := func(score func(i int) float64) []int {
		idx := []int{0, 1, 2, 3, 4, 5, 6, 7}
		sort.SliceStable(idx, func(a, b int) bool { return score(idx[a]) > score(idx[b]) })
		return idx
	}
	got := order(func(i int) float64 { return ev.Models[i].Mean })
	exp := order(func(i int) float64 { return want[i] })
	for k := range got {
		if got[k] != exp[k] {
			t.Fatalf("model order %v, rsatoolbox %v", got, exp)
		}
	}
	for i, m := range ev.Models {
		if math.Abs(m.Mean-want[i]) > 1e-8 {
			t.Errorf("model %d: %.10f, rsatoolbox %.10f", i, m.Mean, want[i])
		}
	}
	mw.ShowPage("RSA")
	waitRendered(t, pg.comparison)
	capture(t, mw.Win, "rsa-92image")
}
