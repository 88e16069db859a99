package lesion

import (
	"fmt"
	"math"

	"github.com/alignscope/alignscope/core/compare"
	"github.com/alignscope/alignscope/core/inference"
	"github.com/alignscope/alignscope/core/rdm"
	"gonum.org/v1/gonum/mat"
)

// DefaultCompare is the RDM comparison used when Spec.Compare is empty.
const DefaultCompare = "spearman"

// Region is a brain region to compare the layer with: one RDM per subject
// (rows of RDMs, condensed upper triangles over the layer's stimuli).
type Region struct {
	Name string
	RDMs *mat.Dense
	// Subjects names the rows of RDMs (optional).
	Subjects []string
}

// rsaScorer scores a layer RDM against one region: the mean over subjects
// of compare(layer RDM, subject RDM).
type rsaScorer struct {
	name   string
	method string
	data   *mat.Dense
	m      int
	valid  []bool // pairs without NaN in any subject RDM
	nValid int
	// fast methods: the subjects' vectors over the valid pairs,
	// transformed so that the score of a transformed model vector is a
	// mean of dot products.
	fast bool
	feat *mat.Dense
	// mfeat is the mean of the subjects' features: the mean of the dot
	// products is the dot product with the mean.
	mfeat []float64
	scale float64 // rho-a: 12/(m³ − m)
	ceil  inference.Ceiling
	// ceilErr says why the ceiling is NaN.
	ceilErr string
}

func newRSAScorer(r Region, method string, n int) (*rsaScorer, error) {
	if r.RDMs == nil || r.RDMs.IsEmpty() {
		return nil, fmt.Errorf("region %s has no RDMs", r.Name)
	}
	s, m := r.RDMs.Dims()
	if m != rdm.Pairs(n) {
		return nil, fmt.Errorf("region %s: RDMs have %d pairs, but the layer's %d stimuli make %d", r.Name, m, n, rdm.Pairs(n))
	}
	if r.Subjects != nil && len(r.Subjects) != s {
		return nil, fmt.Errorf("region %s: %d subject names for %d RDMs", r.Name, len(r.Subjects), s)
	}
	known := false
	for _, k := range compare.Methods {
		known = known || k == method
	}
	if !known && method != "tau-b" {
		return nil, fmt.Errorf("unknown RDM comparison %q", method)
	}
	sc := &rsaScorer{name: r.Name, method: method, data: r.RDMs, m: m, valid: make([]bool, m)}
	for k := range sc.valid {
		sc.valid[k] = true
	}
	for i := 0; i < s; i++ {
		for k, v := range r.RDMs.RawRowView(i) {
			if math.IsNaN(v) {
				sc.valid[k] = false
			}
		}
	}
	for _, ok := range sc.valid {
		if ok {
			sc.nValid++
		}
	}
	if sc.nValid < 2 {
		return nil, fmt.Errorf("region %s: fewer than 2 pairs are defined in every subject's RDM", r.Name)
	}
	switch method {
	case "cosine", "corr", "spearman", "rho-a":
		sc.fast = true
		sc.feat = mat.NewDense(s, sc.nValid, nil)
		var rk ranker
		buf := make([]float64, sc.nValid)
		for i := 0; i < s; i++ {
			pick(r.RDMs.RawRowView(i), sc.valid, buf)
			sc.transform(buf, sc.feat.RawRowView(i), &rk)
		}
		mf := float64(sc.nValid)
		sc.scale = 12 / (mf*mf*mf - mf)
		sc.mfeat = make([]float64, sc.nValid)
		for i := 0; i < s; i++ {
			for k, v := range sc.feat.RawRowView(i) {
				sc.mfeat[k] += v / float64(s)
			}
		}
	}
	sc.ceil = inference.Ceiling{Lower: math.NaN(), Upper: math.NaN()}
	switch {
	case s < 2:
		sc.ceilErr = "one RDM: no noise ceiling"
	case sc.fast && sc.nValid == m:
		sc.ceil = sc.fastCeiling()
	default:
		if c, err := inference.NoiseCeiling(r.RDMs, method, nil); err != nil {
			sc.ceilErr = err.Error()
		} else {
			sc.ceil = c
		}
	}
	return sc, nil
}

// fastCeiling is inference.NoiseCeiling(RDMs, method, nil) for the fast
// methods and RDMs without NaN, reusing the subjects' transformed
// vectors: with t_s the pooling transform of subject s (ranks for
// spearman and rho-a, z-scores for corr, division by the RMS for cosine:
// compare.Pool),
//
//	upper = mean_s compare(mean_t t_t, d_s)
//	lower = mean_s compare(mean_{t≠s} t_t, d_s)
func (sc *rsaScorer) fastCeiling() inference.Ceiling {
	s, m := sc.data.Dims()
	t := mat.NewDense(s, m, nil)
	var rk ranker
	for i := 0; i < s; i++ {
		src, dst := sc.data.RawRowView(i), t.RawRowView(i)
		switch sc.method {
		case "spearman", "rho-a":
			rk.rank(src, dst)
		case "corr":
			mean := 0.0
			for _, v := range src {
				mean += v
			}
			mean /= float64(m)
			ss := 0.0
			for k, v := range src {
				dst[k] = v - mean
				ss += (v - mean) * (v - mean)
			}
			sd := math.Sqrt(ss / float64(m))
			for k := range dst {
				dst[k] /= sd
			}
		default: // cosine
			ss := 0.0
			for _, v := range src {
				ss += v * v
			}
			rms := math.Sqrt(ss / float64(m))
			for k, v := range src {
				dst[k] = v / rms
			}
		}
	}
	total := make([]float64, m)
	for i := 0; i < s; i++ {
		for k, v := range t.RawRowView(i) {
			total[k] += v
		}
	}
	pool := make([]float64, m)
	feat := make([]float64, m)
	score := func(subject int) float64 {
		sc.transform(pool, feat, &rk)
		d := 0.0
		for k, v := range sc.feat.RawRowView(subject) {
			d += v * feat[k]
		}
		if sc.method == "rho-a" {
			d *= sc.scale
		}
		return d
	}
	var lo, up float64
	for i := 0; i < s; i++ {
		for k, v := range total {
			pool[k] = v / float64(s)
		}
		up += score(i)
		row := t.RawRowView(i)
		for k, v := range total {
			pool[k] = (v - row[k]) / float64(s-1)
		}
		lo += score(i)
	}
	return inference.Ceiling{Lower: lo / float64(s), Upper: up / float64(s)}
}

// pick copies the entries of v marked in ok to dst (in order).
func pick(v []float64, ok []bool, dst []float64) {
	t := 0
	for k, x := range v {
		if ok[k] {
			dst[t] = x
			t++
		}
	}
}

// transform maps a vector over the valid pairs to the feature whose dot
// product with a subject's feature is the comparison (cosine: x/‖x‖;
// corr: centred then normalised; spearman: ranks, centred, normalised;
// rho-a: ranks centred, the scale applied after). A zero norm gives a
// zero feature: comparisons with a constant vector are 0, as in
// compare.Compare.
func (sc *rsaScorer) transform(x, dst []float64, rk *ranker) {
	switch sc.method {
	case "spearman", "rho-a":
		rk.rank(x, dst)
	default:
		copy(dst, x)
	}
	if sc.method != "cosine" {
		mean := 0.0
		for _, v := range dst {
			mean += v
		}
		mean /= float64(len(dst))
		for k := range dst {
			dst[k] -= mean
		}
	}
	if sc.method == "rho-a" {
		return
	}
	ss := 0.0
	for _, v := range dst {
		ss += v * v
	}
	if ss == 0 {
		clear(dst)
		return
	}
	inv := 1 / math.Sqrt(ss)
	for k := range dst {
		dst[k] *= inv
	}
}

// scoreBuf is per-worker scratch space for scoring. The transformed
// model vector is kept for the next region with the same valid pairs and
// method while gen is unchanged (one layer RDM).
type scoreBuf struct {
	rk         ranker
	pick, feat []float64
	gen, fgen  uint64
	fmask      *bool
	fmethod    string
}

// score returns the mean over subjects of compare(vec, subject RDM).
// Pairs that are NaN in vec (a lesioned pattern that became constant)
// are dropped from both sides; with fewer than 2 pairs left the score is
// NaN.
func (sc *rsaScorer) score(vec []float64, b *scoreBuf) (float64, error) {
	nanInValid := 0
	for k, v := range vec {
		if sc.valid[k] && math.IsNaN(v) {
			nanInValid++
		}
	}
	if nanInValid == 0 && sc.fast {
		if cap(b.pick) < sc.nValid {
			b.pick, b.feat = make([]float64, sc.nValid), make([]float64, sc.nValid)
		}
		x, f := b.pick[:sc.nValid], b.feat[:sc.nValid]
		if b.fgen != b.gen || b.fmask != &sc.valid[0] || b.fmethod != sc.method {
			if sc.nValid == sc.m {
				x = vec
			} else {
				pick(vec, sc.valid, x)
			}
			sc.transform(x, f, &b.rk)
			b.fgen, b.fmask, b.fmethod = b.gen, &sc.valid[0], sc.method
		}
		out := 0.0
		for k, v := range sc.mfeat {
			out += v * f[k]
		}
		if sc.method == "rho-a" {
			out *= sc.scale
		}
		return out, nil
	}
	ok := make([]bool, sc.m)
	left := 0
	for k := range ok {
		ok[k] = sc.valid[k] && !math.IsNaN(vec[k])
		if ok[k] {
			left++
		}
	}
	if left < 2 {
		return math.NaN(), nil
	}
	s, _ := sc.data.Dims()
	a := mat.NewDense(1, left, nil)
	pick(vec, ok, a.RawRowView(0))
	bm := mat.NewDense(s, left, nil)
	for i := 0; i < s; i++ {
		pick(sc.data.RawRowView(i), ok, bm.RawRowView(i))
	}
	c, err := compare.Compare(a, bm, sc.method, nil)
	if err != nil {
		return math.NaN(), fmt.Errorf("region %s: %w", sc.name, err)
	}
	total := 0.0
	for _, v := range c.RawRowView(0) {
		total += v
	}
	return total / float64(s), nil
}
