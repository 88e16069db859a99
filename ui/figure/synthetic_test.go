package figure

import (
	"errors"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/alignscope/alignscope/core/inference"
	"github.com/alignscope/alignscope/core/rsa"
)

// synth describes a synthetic analysis result.
type synth struct {
	models   []string
	layers   int // per model
	regions  []string
	subjects int
	scheme   inference.Scheme
	// failRegion, if set, is a region whose evaluation failed.
	failRegion string
	// noCeiling drops the noise ceiling (NaN).
	noCeiling bool
	// infCI makes the interval of every third layer infinite.
	infCI bool
}

// build makes the result by hand: scores rise with depth and peak two
// layers before the last, intervals ±0.04–0.07, p-values from a normal
// approximation of the made-up standard errors.
func (s synth) build() *rsa.Result {
	spec := rsa.Spec{Regions: s.regions, Distance: "correlation", Compare: "corr", Scheme: s.scheme, Samples: 1000, Seed: 1, Correction: "fdr"}
	for _, m := range s.models {
		for l := 0; l < s.layers; l++ {
			name := []string{"conv1", "conv2", "conv3", "conv4", "conv5", "fc6", "fc7", "fc8", "l9", "l10", "l11", "l12"}[l%12]
			spec.Layers = append(spec.Layers, rsa.LayerRef{Model: m, Layer: name})
		}
	}
	res := &rsa.Result{Spec: spec, N: 92}
	k := len(spec.Layers)
	for r, region := range s.regions {
		rr := &rsa.RegionResult{Region: region}
		for j := 0; j < s.subjects; j++ {
			rr.Subjects = append(rr.Subjects, "sub-"+string(rune('A'+j)))
		}
		if region == s.failRegion {
			rr.Err = errors.New("a bootstrap over subjects needs at least 2 subjects, the region has 1")
			res.Regions = append(res.Regions, rr)
			continue
		}
		ev := &inference.Result{
			Settings: inference.Settings{Method: "corr", Scheme: s.scheme, Samples: 1000, Valid: 996, DoF: s.subjects - 1},
			Models:   make([]inference.ModelScore, k),
		}
		lower, upper := 0.36+0.04*float64(r), 0.46+0.04*float64(r)
		ev.NoiseCeiling = inference.Ceiling{Lower: lower, Upper: upper}
		if s.noCeiling {
			ev.NoiseCeiling = inference.Ceiling{Lower: math.NaN(), Upper: math.NaN()}
		}
		means := make([]float64, k)
		ses := make([]float64, k)
		for i, ref := range spec.Layers {
			mi := i / s.layers
			l := i % s.layers
			depth := float64(l) / float64(max(s.layers-1, 1))
			peak := 1 - 1.6*(depth-0.7)*(depth-0.7)
			mean := (0.05 + 0.33*peak) * (1 - 0.12*float64(mi)) * (1 - 0.15*float64(r))
			if ref.Model == "random" {
				mean = 0.01 + 0.01*float64(l%3)
			}
			se := 0.02 + 0.01*float64(l%3)
			means[i], ses[i] = mean, se
			ms := inference.ModelScore{Mean: mean, Observed: mean, SE: se, CILow: mean - 1.96*se, CIHigh: mean + 1.96*se}
			if s.infCI && l%3 == 2 {
				ms.CILow, ms.CIHigh = math.Inf(-1), math.Inf(1)
			}
			for j := 0; j < s.subjects; j++ {
				// Deterministic spread around the mean.
				d := math.Sin(float64(7*j+3*i+1)) * 2.2 * se * math.Sqrt(float64(s.subjects))
				ms.PerSubject = append(ms.PerSubject, mean+d*0.5)
			}
			ms.PZero = normSF(mean / se)
			if s.noCeiling {
				ms.PNoise = math.NaN()
			} else {
				ms.PNoise = 2 * normSF(math.Abs(mean-lower)/se)
			}
			ev.Models[i] = ms
		}
		pp := mat.NewSymDense(k, nil)
		for i := 0; i < k; i++ {
			pp.SetSym(i, i, 1)
			for j := i + 1; j < k; j++ {
				z := math.Abs(means[i]-means[j]) / math.Hypot(ses[i], ses[j]) * 0.8
				pp.SetSym(i, j, 2*normSF(z))
			}
		}
		ev.PPair = pp
		ev.PPairFDR = inference.CorrectPairs(pp, inference.FDR)
		ev.PPairBonferroni = inference.CorrectPairs(pp, inference.Bonferroni)
		rr.Eval = ev
		res.Regions = append(res.Regions, rr)
	}
	return res
}

// normSF is the upper tail of the standard normal.
func normSF(z float64) float64 { return 0.5 * math.Erfc(z/math.Sqrt2) }
