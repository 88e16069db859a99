package rsa

import (
	"math"

	"github.com/alignscope/alignscope/core/inference"
)

// Row is one line of the exported table: one layer against one region.
type Row struct {
	Model, Layer, Region string
	Score                float64 // the bar: mean score
	CILow, CIHigh        float64 // 95 % interval
	SE                   float64
	P                    float64 // score > 0, uncorrected
	PCorrected           float64 // P corrected over the layers of the region
	PNoise               float64 // against the lower noise ceiling, uncorrected
	CeilingLow           float64
	CeilingHigh          float64
	Subjects             int
}

// Table returns one row per layer and region, in spec order. P-values vs 0
// are corrected over the layers of each region with the spec's correction
// (Benjamini–Hochberg FDR, or Bonferroni).
func (r *Result) Table() []Row {
	var rows []Row
	for _, rr := range r.Regions {
		if rr.Eval == nil {
			continue
		}
		ps := make([]float64, len(rr.Eval.Models))
		for i, m := range rr.Eval.Models {
			ps[i] = m.PZero
		}
		var pc []float64
		if r.Spec.Correction == "bonferroni" {
			pc = inference.Bonferroni(ps)
		} else {
			pc = inference.FDR(ps)
		}
		for i, m := range rr.Eval.Models {
			ref := r.Spec.Layers[i]
			rows = append(rows, Row{
				Model: ref.Model, Layer: ref.Layer, Region: rr.Region,
				Score: m.Mean, CILow: m.CILow, CIHigh: m.CIHigh, SE: m.SE,
				P: m.PZero, PCorrected: pc[i], PNoise: m.PNoise,
				CeilingLow: rr.Eval.NoiseCeiling.Lower, CeilingHigh: rr.Eval.NoiseCeiling.Upper,
				Subjects: len(rr.Subjects),
			})
		}
	}
	return rows
}

// Best returns, for region, the index (into Spec.Layers) of the best
// scoring layer of each model, or -1 where the model has no finite score.
func (r *Result) Best(region string) map[string]int {
	rr := r.Region(region)
	out := map[string]int{}
	if rr == nil || rr.Eval == nil {
		return out
	}
	best := map[string]float64{}
	for i, m := range rr.Eval.Models {
		name := r.Spec.Layers[i].Model
		if _, ok := out[name]; !ok {
			out[name], best[name] = -1, math.Inf(-1)
		}
		if !math.IsNaN(m.Mean) && m.Mean > best[name] {
			out[name], best[name] = i, m.Mean
		}
	}
	return out
}

// DefaultScheme is the inference the page proposes: bootstrap over
// stimuli and subjects when there are at least 20 stimuli and 5 subjects,
// over the one of them that is large enough otherwise, fixed models when
// neither is.
func DefaultScheme(stimuli, subjects int) inference.Scheme {
	switch {
	case stimuli >= 20 && subjects >= 5:
		return inference.Both
	case subjects >= 5:
		return inference.Subjects
	case stimuli >= 20:
		return inference.Stimuli
	}
	return inference.Fixed
}

// Warnings says what is weak about a choice of inference for the data
// sizes, in words for the page.
func Warnings(s inference.Scheme, stimuli, subjects int) []string {
	var w []string
	if stimuli < 20 && (s == inference.Stimuli || s == inference.Both || s == inference.Dual) {
		w = append(w, "fewer than 20 stimuli: a bootstrap over stimuli gives unstable intervals")
	}
	if subjects < 5 && (s == inference.Subjects || s == inference.Both || s == inference.Dual) {
		w = append(w, "fewer than 5 subjects: a bootstrap over subjects underestimates the variance")
	}
	if subjects < 2 {
		w = append(w, "one subject: no noise ceiling and no test across subjects")
	}
	if s == inference.Fixed {
		w = append(w, "fixed: tests treat subjects as the only source of variance; results do not generalise to new stimuli")
	}
	return w
}
