package figure

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/plot/vg"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/encoding"
	"github.com/alignscope/alignscope/core/voxelwise"
)

// encSynth describes a synthetic encoding result.
type encSynth struct {
	models   []string
	layers   int // per model
	regions  []string
	subjects int
	targets  int
	// noCeiling leaves out the split-half reliability.
	noCeiling bool
	// units gives the fits unit coordinates on a two-shank probe.
	units bool
	seed  uint64
}

var encLayerNames = []string{"conv1", "conv2", "conv3", "conv4", "conv5", "fc6", "fc7", "fc8", "l9", "l10", "l11", "l12", "l13", "l14", "l15", "l16"}

// build makes the result by hand: per target, a reliability ρ ~ U(0.05,
// 0.9) and a true r that rises with depth and peaks two layers before the
// last (region r shifted by 0.04·r), r_obs = √ρ·(true + noise), R² =
// r_obs² − a little; chosen alphas pile up at the large end for targets
// with small r. The targets of a recording are fixed across layers (as
// in a real analysis): a target's quality carries over between layers.
func (s encSynth) build() *voxelwise.Result {
	alphas := encoding.DefaultAlphas(-2, 5, 8)
	spec := voxelwise.Spec{Regions: s.regions, Folds: 5, Alphas: alphas}
	for _, m := range s.models {
		for l := 0; l < s.layers; l++ {
			spec.Layers = append(spec.Layers, voxelwise.LayerRef{Model: m, Layer: encLayerNames[l%len(encLayerNames)]})
		}
	}
	res := &voxelwise.Result{Spec: spec}
	rng := rand.New(rand.NewPCG(s.seed, 7))
	type rec struct {
		subject, region string
		rho, quality    []float64
		geom            *data.Geometry
	}
	var recs []rec
	for ri, region := range s.regions {
		for j := 0; j < s.subjects; j++ {
			r := rec{subject: "sub-" + string(rune('A'+j)), region: region}
			r.rho = make([]float64, s.targets)
			r.quality = make([]float64, s.targets)
			for t := range r.rho {
				r.rho[t] = 0.05 + 0.85*rng.Float64()
				r.quality[t] = math.Max(0, 0.9+0.35*rng.NormFloat64())
			}
			if s.units {
				g := &data.Geometry{Source: "probe.csv", Units: make([][3]float64, s.targets)}
				for t := range g.Units {
					shank := float64(t % 2)
					depth := float64(t/2) * 3840 / float64(s.targets/2)
					g.Units[t] = [3]float64{shank*250 + 16 + 32*rng.Float64(), depth + 10*rng.NormFloat64(), 0}
					// Units deeper on the probe (larger y) follow the
					// stimulus better in region ri.
					r.quality[t] = math.Max(0, 0.3+1.2*depth/3840+0.2*rng.NormFloat64()+0.1*float64(ri))
				}
				r.geom = g
			}
			recs = append(recs, r)
		}
	}
	for li, l := range spec.Layers {
		depth := float64(li % s.layers)
		mi := li / s.layers
		peak := float64(s.layers - 3)
		base := 0.12 + 0.4*math.Exp(-(depth-peak)*(depth-peak)/(2*math.Pow(float64(s.layers)/3, 2)))
		base *= 1 - 0.25*float64(mi)
		for ri, r := range recs {
			cv := &encoding.CVResult{Alphas: alphas, AlphaIndex: make([]int, s.targets), Alpha: make([]float64, s.targets),
				R2: make([]float64, s.targets), R: make([]float64, s.targets)}
			for t := 0; t < s.targets; t++ {
				tr := (base + 0.04*float64(ri%len(s.regions))) * r.quality[t]
				ro := math.Sqrt(r.rho[t]) * (tr + 0.08*rng.NormFloat64())
				ro = math.Max(-0.5, math.Min(0.95, ro))
				cv.R[t] = ro
				cv.R2[t] = ro*math.Abs(ro) - 0.02 - 0.03*math.Abs(rng.NormFloat64())
				a := int(math.Round(7 - 10*math.Max(0, ro) + 1.2*rng.NormFloat64()))
				a = max(0, min(len(alphas)-1, a))
				cv.AlphaIndex[t], cv.Alpha[t] = a, alphas[a]
			}
			f := &voxelwise.Fit{Layer: l, Subject: r.subject, Region: r.region, CV: cv, Geometry: r.geom}
			if !s.noCeiling {
				f.Ceiling = append([]float64(nil), r.rho...)
				if _, err := cv.Ceil(f.Ceiling); err != nil {
					panic(err)
				}
			}
			res.Fits = append(res.Fits, f)
		}
	}
	return res
}

func TestScoreHistograms(t *testing.T) {
	for _, tc := range []struct {
		name   string
		s      encSynth
		region string
		m      voxelwise.Metric
		w, h   vg.Length
	}{
		{"enc_hist_8_layers", encSynth{models: []string{"alexnet"}, layers: 8, regions: []string{"V1", "IT"}, subjects: 2, targets: 1500, seed: 1}, "IT", voxelwise.R2, 6 * vg.Inch, 4.5 * vg.Inch},
		{"enc_hist_16_layers", encSynth{models: []string{"alexnet", "vgg16"}, layers: 8, regions: []string{"IT"}, subjects: 1, targets: 800, seed: 2}, "IT", voxelwise.R, 6 * vg.Inch, 6 * vg.Inch},
		{"enc_hist_2_layers_ceiled", encSynth{models: []string{"resnet"}, layers: 2, regions: []string{"V4"}, subjects: 3, targets: 120, seed: 3}, "V4", voxelwise.Ceiled, 5 * vg.Inch, 3 * vg.Inch},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := tc.s.build()
			p, err := ScoreHistograms(res, tc.region, tc.m)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(p.Title.Text, tc.region) || !strings.Contains(p.Title.Text, string(tc.m)) {
				t.Errorf("title %q lacks the region or the metric", p.Title.Text)
			}
			lab, _ := metricLabel(tc.m)
			if !strings.HasPrefix(p.X.Label.Text, lab) {
				t.Errorf("x label %q does not name the metric", p.X.Label.Text)
			}
			saveAll(t, p, tc.name, tc.w, tc.h)
		})
	}
}

func TestScoreHistogramsErrors(t *testing.T) {
	res := encSynth{models: []string{"m"}, layers: 3, regions: []string{"IT"}, subjects: 1, targets: 50, noCeiling: true, seed: 4}.build()
	if _, err := ScoreHistograms(nil, "IT", voxelwise.R2); err == nil {
		t.Error("nil result accepted")
	}
	if _, err := ScoreHistograms(res, "MT", voxelwise.R2); err == nil || !strings.Contains(err.Error(), "MT") {
		t.Errorf("unknown region: %v", err)
	}
	if _, err := ScoreHistograms(res, "IT", "AUC"); err == nil {
		t.Error("unknown metric accepted")
	}
	if _, err := ScoreHistograms(res, "IT", voxelwise.Ceiled); err == nil || !strings.Contains(err.Error(), "reliability") {
		t.Errorf("ceiled score without ceiling: %v", err)
	}
	bad := encSynth{models: []string{"m"}, layers: 2, regions: []string{"IT"}, subjects: 1, targets: 50, seed: 4}.build()
	bad.Fits[1].CV.R = bad.Fits[1].CV.R[:10]
	if _, err := ScoreHistograms(bad, "IT", voxelwise.R); err == nil || !strings.Contains(err.Error(), "targets") {
		t.Errorf("mismatched lengths: %v", err)
	}
	bad.Fits[1].CV = nil
	if _, err := ScoreHistograms(bad, "IT", voxelwise.R); err == nil {
		t.Error("fit without CV accepted")
	}
	empty := &voxelwise.Result{Spec: voxelwise.Spec{Regions: []string{"IT"}}}
	if _, err := ScoreHistograms(empty, "IT", voxelwise.R2); err == nil {
		t.Error("result without layers accepted")
	}
}

func TestScoreHistogramsMissingLayer(t *testing.T) {
	// A layer whose scores are all NaN gets an empty row, named in the
	// caption.
	res := encSynth{models: []string{"m"}, layers: 4, regions: []string{"IT"}, subjects: 1, targets: 300, seed: 5}.build()
	for i := range res.Fits[2].CV.R2 {
		res.Fits[2].CV.R2[i] = math.NaN()
	}
	p, err := ScoreHistograms(res, "IT", voxelwise.R2)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(flat(p.X.Label.Text), "No finite score: conv3") {
		t.Errorf("caption does not name the empty layer:\n%s", p.X.Label.Text)
	}
	saveAll(t, p, "enc_hist_missing_layer", 5*vg.Inch, 3.5*vg.Inch)
}

func TestEncodingProfile(t *testing.T) {
	for _, tc := range []struct {
		name  string
		s     encSynth
		model string
		m     voxelwise.Metric
	}{
		{"enc_profile_r2", encSynth{models: []string{"alexnet", "vgg16"}, layers: 8, regions: []string{"V1", "V4", "IT"}, subjects: 2, targets: 400, seed: 6}, "alexnet", voxelwise.R2},
		{"enc_profile_r", encSynth{models: []string{"alexnet"}, layers: 8, regions: []string{"V1", "IT"}, subjects: 1, targets: 400, seed: 7}, "alexnet", voxelwise.R},
		{"enc_profile_ceiled", encSynth{models: []string{"alexnet"}, layers: 6, regions: []string{"V4", "IT"}, subjects: 2, targets: 300, seed: 8}, "alexnet", voxelwise.Ceiled},
		{"enc_profile_no_ceiling", encSynth{models: []string{"resnet50"}, layers: 12, regions: []string{"IT"}, subjects: 1, targets: 200, noCeiling: true, seed: 9}, "resnet50", voxelwise.R2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := tc.s.build()
			p, err := EncodingProfile(res, tc.model, tc.m)
			if err != nil {
				t.Fatal(err)
			}
			lab, _ := metricLabel(tc.m)
			if p.Y.Label.Text != lab {
				t.Errorf("y label %q, want %q", p.Y.Label.Text, lab)
			}
			if !strings.Contains(p.Title.Text, tc.model) {
				t.Errorf("title %q lacks the model", p.Title.Text)
			}
			saveAll(t, p, tc.name, 6*vg.Inch, 4.5*vg.Inch)
		})
	}
}

func TestEncodingProfileErrors(t *testing.T) {
	res := encSynth{models: []string{"m"}, layers: 3, regions: []string{"IT"}, subjects: 1, targets: 50, noCeiling: true, seed: 10}.build()
	if _, err := EncodingProfile(nil, "m", voxelwise.R2); err == nil {
		t.Error("nil result accepted")
	}
	if _, err := EncodingProfile(res, "other", voxelwise.R2); err == nil || !strings.Contains(err.Error(), "other") {
		t.Errorf("unknown model: %v", err)
	}
	if _, err := EncodingProfile(res, "m", voxelwise.Ceiled); err == nil {
		t.Error("ceiled profile without ceilings accepted")
	}
	if _, err := EncodingProfile(res, "m", "AUC"); err == nil {
		t.Error("unknown metric accepted")
	}
	// A region of the spec that was never fitted is named in the caption.
	res.Spec.Regions = append(res.Spec.Regions, "MT")
	p, err := EncodingProfile(res, "m", voxelwise.R)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(flat(p.X.Label.Text), "MT (not fitted)") {
		t.Errorf("caption does not name the region not fitted:\n%s", p.X.Label.Text)
	}
}

// pair returns two fits of the same recording from a synthetic result.
func pair(targets int, seed uint64) (*voxelwise.Fit, *voxelwise.Fit) {
	res := encSynth{models: []string{"alexnet", "vgg16"}, layers: 8, regions: []string{"IT"}, subjects: 1, targets: targets, seed: seed}.build()
	return res.Fits[2], res.Fits[8+5]
}

func TestScoreScatter(t *testing.T) {
	for _, tc := range []struct {
		name    string
		targets int
		m       voxelwise.Metric
	}{
		{"enc_scatter_dots", 300, voxelwise.R2},
		{"enc_scatter_density", 20000, voxelwise.R},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, b := pair(tc.targets, 11)
			p, err := ScoreScatter(a, b, tc.m, "alexnet conv3", "vgg16 fc6")
			if err != nil {
				t.Fatal(err)
			}
			if p.X.Min != p.Y.Min || p.X.Max != p.Y.Max {
				t.Errorf("axis ranges differ: x [%g, %g], y [%g, %g]", p.X.Min, p.X.Max, p.Y.Min, p.Y.Max)
			}
			// The caption's counts agree with the data.
			sa, sb := a.Score(tc.m), b.Score(tc.m)
			above, below := 0, 0
			for j := range sa {
				if sb[j] > sa[j] {
					above++
				} else if sb[j] < sa[j] {
					below++
				}
			}
			for _, want := range []string{"(vgg16 fc6 better): " + strconv.Itoa(above), "(alexnet conv3 better): " + strconv.Itoa(below)} {
				if !strings.Contains(flat(p.X.Label.Text), want) {
					t.Errorf("caption lacks %q:\n%s", want, p.X.Label.Text)
				}
			}
			saveAll(t, p, tc.name, 5.5*vg.Inch, 5.5*vg.Inch)
		})
	}
}

// flat joins wrapped caption lines.
func flat(s string) string { return strings.Join(strings.Fields(s), " ") }

func TestScoreScatterErrors(t *testing.T) {
	a, b := pair(100, 12)
	if _, err := ScoreScatter(nil, b, voxelwise.R2, "", ""); err == nil {
		t.Error("nil fit accepted")
	}
	other := *b
	other.Region = "V1"
	if _, err := ScoreScatter(a, &other, voxelwise.R2, "", ""); err == nil || !strings.Contains(err.Error(), "different recordings") {
		t.Errorf("fits of different recordings: %v", err)
	}
	short := *b
	cv := *b.CV
	cv.R2, cv.R, cv.AlphaIndex, cv.Ceiled = cv.R2[:50], cv.R[:50], cv.AlphaIndex[:50], cv.Ceiled[:50]
	short.CV, short.Ceiling = &cv, short.Ceiling[:50]
	if _, err := ScoreScatter(a, &short, voxelwise.R2, "", ""); err == nil || !strings.Contains(err.Error(), "targets") {
		t.Errorf("different target counts: %v", err)
	}
	nan := *b
	cv2 := *b.CV
	cv2.R2 = make([]float64, len(b.CV.R2))
	for i := range cv2.R2 {
		cv2.R2[i] = math.NaN()
	}
	nan.CV = &cv2
	if _, err := ScoreScatter(a, &nan, voxelwise.R2, "", ""); err == nil {
		t.Error("all-NaN scores accepted")
	}
	// Default names are the layers.
	p, err := ScoreScatter(a, b, voxelwise.R2, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(p.Title.Text, "vgg16/fc6") || !strings.Contains(p.Title.Text, "alexnet/conv3") {
		t.Errorf("title %q lacks the layer names", p.Title.Text)
	}
}

func TestAlphaHistogram(t *testing.T) {
	res := encSynth{models: []string{"alexnet"}, layers: 8, regions: []string{"IT"}, subjects: 1, targets: 2000, seed: 13}.build()
	f := res.Fits[1]
	p, err := AlphaHistogram(f)
	if err != nil {
		t.Fatal(err)
	}
	h := f.CV.AlphaHistogram()
	total := 0
	for _, c := range h {
		total += c
	}
	for _, want := range []string{"smallest α (1e-2): " + pct(h[0], total), "largest α (1e5): " + pct(h[len(h)-1], total)} {
		if !strings.Contains(flat(p.X.Label.Text), want) {
			t.Errorf("caption lacks %q:\n%s", want, p.X.Label.Text)
		}
	}
	if !strings.Contains(flat(p.X.Label.Text), "extend") {
		t.Errorf("caption does not advise widening the grid:\n%s", p.X.Label.Text)
	}
	saveAll(t, p, "enc_alpha_histogram", 6*vg.Inch, 4*vg.Inch)

	// A fine grid (30 values) thins its labels; excluded targets are
	// counted; a grid whose ends are nearly empty is called wide enough.
	fine := *f
	cv := *f.CV
	cv.Alphas = encoding.DefaultAlphas(-3, 6, 30)
	cv.AlphaIndex = make([]int, len(f.CV.AlphaIndex))
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range cv.AlphaIndex {
		cv.AlphaIndex[i] = max(1, min(28, int(15+4*rng.NormFloat64())))
	}
	cv.AlphaIndex[0], cv.AlphaIndex[1] = -1, -1
	fine.CV = &cv
	p, err = AlphaHistogram(&fine)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"2 targets excluded", "wide enough"} {
		if !strings.Contains(flat(p.X.Label.Text), want) {
			t.Errorf("caption lacks %q:\n%s", want, p.X.Label.Text)
		}
	}
	saveAll(t, p, "enc_alpha_histogram_fine", 6*vg.Inch, 4*vg.Inch)

	// A grid that is not log-uniform goes on a categorical axis, in
	// increasing order whatever the grid's order; targets piling up at
	// the small end get the advice to extend it downwards.
	odd := *f
	cv3 := *f.CV
	cv3.Alphas = []float64{1000, 0.1, 1, 5, 100}
	cv3.AlphaIndex = make([]int, len(f.CV.R2))
	for i := range cv3.AlphaIndex {
		cv3.AlphaIndex[i] = []int{1, 1, 1, 2, 2, 3, 4, 0}[i%8]
	}
	odd.CV = &cv3
	p, err = AlphaHistogram(&odd)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"smallest α (1e-1): 37.5%", "largest α (1e3): 12.5%", "extend it below 1e-1 and above 1e3"} {
		if !strings.Contains(flat(p.X.Label.Text), want) {
			t.Errorf("caption lacks %q:\n%s", want, p.X.Label.Text)
		}
	}
	saveAll(t, p, "enc_alpha_histogram_uneven", 5*vg.Inch, 3.5*vg.Inch)
}

func TestAlphaHistogramErrors(t *testing.T) {
	if _, err := AlphaHistogram(nil); err == nil {
		t.Error("nil fit accepted")
	}
	res := encSynth{models: []string{"m"}, layers: 1, regions: []string{"IT"}, subjects: 1, targets: 20, seed: 14}.build()
	f := *res.Fits[0]
	cv := *f.CV
	cv.Alphas = nil
	f.CV = &cv
	if _, err := AlphaHistogram(&f); err == nil {
		t.Error("empty grid accepted")
	}
	cv.Alphas = res.Fits[0].CV.Alphas
	cv.AlphaIndex = make([]int, len(cv.R2))
	for i := range cv.AlphaIndex {
		cv.AlphaIndex[i] = -1
	}
	if _, err := AlphaHistogram(&f); err == nil || !strings.Contains(err.Error(), "excluded") {
		t.Errorf("all excluded: %v", err)
	}
	cv.AlphaIndex[0] = 99
	if _, err := AlphaHistogram(&f); err == nil {
		t.Error("alpha index outside the grid accepted")
	}
}

func TestAlphaLabel(t *testing.T) {
	for _, tc := range []struct {
		a    float64
		want string
	}{{0.01, "1e-2"}, {1, "1e0"}, {1e5, "1e5"}, {math.Pow(10, 1.5), "3.16e1"}, {0.5, "5e-1"}} {
		if got := alphaLabel(tc.a); got != tc.want {
			t.Errorf("alphaLabel(%g) = %q, want %q", tc.a, got, tc.want)
		}
	}
}

func TestUnitMap(t *testing.T) {
	res := encSynth{models: []string{"alexnet"}, layers: 4, regions: []string{"V4"}, subjects: 1, targets: 384, units: true, seed: 15}.build()
	f := res.Fits[2]
	// A few units without a score.
	for _, j := range []int{3, 50, 200} {
		f.CV.R[j] = math.NaN()
	}
	p, err := UnitMap(f, voxelwise.R)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(flat(p.X.Label.Text), "3 units without a finite score") {
		t.Errorf("caption does not count the units without a score:\n%s", p.X.Label.Text)
	}
	saveAll(t, p, "enc_unit_map", 5*vg.Inch, 5.5*vg.Inch)

	// Errors: no geometry, voxel geometry, wrong count.
	noGeom := *f
	noGeom.Geometry = nil
	if _, err := UnitMap(&noGeom, voxelwise.R); err == nil || !strings.Contains(err.Error(), "unit coordinates") {
		t.Errorf("fit without geometry: %v", err)
	}
	vox := *f
	vox.Geometry = &data.Geometry{Voxels: make([][3]int, len(f.CV.R))}
	if _, err := UnitMap(&vox, voxelwise.R); err == nil {
		t.Error("voxel geometry accepted")
	}
	short := *f
	short.Geometry = &data.Geometry{Units: f.Geometry.Units[:10]}
	if _, err := UnitMap(&short, voxelwise.R); err == nil || !strings.Contains(err.Error(), "10 unit positions") {
		t.Errorf("wrong number of units: %v", err)
	}
	if _, err := UnitMap(nil, voxelwise.R); err == nil {
		t.Error("nil fit accepted")
	}
	if _, err := UnitMap(f, "AUC"); err == nil {
		t.Error("unknown metric accepted")
	}
}
