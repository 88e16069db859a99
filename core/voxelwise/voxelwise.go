package voxelwise

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/encoding"
	"github.com/alignscope/alignscope/core/job"
)

// LayerRef names a layer of a model.
type LayerRef = data.LayerRef

// Spec is everything a user chooses for one encoding analysis.
type Spec struct {
	Layers   []LayerRef
	Regions  []string
	Subjects []string // nil: every subject with the region
	// Folds is K of the contiguous K-fold cross-validation.
	Folds int
	// Alphas is the penalty grid (encoding.DefaultAlphas of a log range).
	Alphas []float64
}

// Key identifies the spec, for caching results.
func (s Spec) Key() string {
	var b strings.Builder
	for _, l := range s.Layers {
		b.WriteString(l.String() + ",")
	}
	fmt.Fprintf(&b, "|%s|%s|%d|%v", strings.Join(s.Regions, ","), strings.Join(s.Subjects, ","), s.Folds, s.Alphas)
	return b.String()
}

// Metric is a per-target score of a fit.
type Metric string

// The scores a map can show.
const (
	R2     Metric = "R²"
	R      Metric = "r"
	Ceiled Metric = "r²/ceiling"
)

// Fit is one layer predicting one subject's region.
type Fit struct {
	Layer           LayerRef
	Subject, Region string
	CV              *encoding.CVResult
	// Ceiling is the split-half reliability per target (nil without
	// repetitions).
	Ceiling []float64
	// Geometry of the recording (nil when it has none).
	Geometry *data.Geometry
}

// Score returns the per-target values of metric m (NaN where undefined).
func (f *Fit) Score(m Metric) []float64 {
	switch m {
	case R:
		return f.CV.R
	case Ceiled:
		if f.CV.Ceiled != nil {
			return f.CV.Ceiled
		}
		out := make([]float64, len(f.CV.R))
		for i := range out {
			out[i] = math.NaN()
		}
		return out
	}
	return f.CV.R2
}

// Result is a finished analysis.
type Result struct {
	Spec Spec
	Fits []*Fit // layer-major: for each layer, each recording
}

// Fit returns the fit of layer to subject's region, or nil.
func (r *Result) Fit(layer LayerRef, subject, region string) *Fit {
	for _, f := range r.Fits {
		if f.Layer == layer && f.Subject == subject && f.Region == region {
			return f
		}
	}
	return nil
}

// Recordings lists the (subject, region) pairs fitted, in order.
func (r *Result) Recordings() [][2]string {
	var out [][2]string
	seen := map[[2]string]bool{}
	for _, f := range r.Fits {
		k := [2]string{f.Subject, f.Region}
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

// Best returns, per target of subject's region, the index (into
// Spec.Layers) of the layer with the highest score and that score; −1 and
// NaN where no layer has a finite score.
func (r *Result) Best(subject, region string, m Metric) ([]int, []float64) {
	var best []int
	var score []float64
	for li, l := range r.Spec.Layers {
		f := r.Fit(l, subject, region)
		if f == nil {
			continue
		}
		s := f.Score(m)
		if best == nil {
			best = make([]int, len(s))
			score = make([]float64, len(s))
			for i := range best {
				best[i], score[i] = -1, math.NaN()
			}
		}
		for i, v := range s {
			if !math.IsNaN(v) && (best[i] < 0 || v > score[i]) {
				best[i], score[i] = li, v
			}
		}
	}
	return best, score
}

// ProfilePoint is one layer's summary over a region's targets (all chosen
// subjects pooled).
type ProfilePoint struct {
	Layer         LayerRef
	Median        float64 // median score over targets
	Q25, Q75      float64
	CeilingMedian float64 // median split-half reliability (NaN without repetitions)
	Targets       int
}

// Profile returns the layer profile of region: per layer, the median score
// over every subject's targets.
func (r *Result) Profile(region string, m Metric) []ProfilePoint {
	out := make([]ProfilePoint, 0, len(r.Spec.Layers))
	for _, l := range r.Spec.Layers {
		var vals, ceil []float64
		for _, f := range r.Fits {
			if f.Layer != l || f.Region != region {
				continue
			}
			for _, v := range f.Score(m) {
				if !math.IsNaN(v) {
					vals = append(vals, v)
				}
			}
			for _, c := range f.Ceiling {
				if !math.IsNaN(c) {
					ceil = append(ceil, c)
				}
			}
		}
		out = append(out, ProfilePoint{Layer: l, Median: quantile(vals, 0.5), Q25: quantile(vals, 0.25),
			Q75: quantile(vals, 0.75), CeilingMedian: quantile(ceil, 0.5), Targets: len(vals)})
	}
	return out
}

// Values returns every finite score of layer in region over the chosen
// subjects, for a histogram.
func (r *Result) Values(layer LayerRef, region string, m Metric) []float64 {
	var vals []float64
	for _, f := range r.Fits {
		if f.Layer == layer && f.Region == region {
			for _, v := range f.Score(m) {
				if !math.IsNaN(v) {
					vals = append(vals, v)
				}
			}
		}
	}
	return vals
}

// quantile is the linear-interpolation quantile (numpy's default) of x.
func quantile(x []float64, q float64) float64 {
	if len(x) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), x...)
	sort.Float64s(s)
	pos := q * float64(len(s)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(s)-1)
	return s[lo] + (s[hi]-s[lo])*(pos-float64(lo))
}

// Run fits every layer to every chosen recording. Progress counts fits.
func Run(ctx context.Context, p *data.Project, spec Spec, rep *job.Reporter) (*Result, error) {
	if len(spec.Layers) == 0 {
		return nil, errors.New("choose at least one model layer")
	}
	if len(spec.Regions) == 0 {
		return nil, errors.New("choose at least one brain region")
	}
	if len(spec.Alphas) == 0 {
		return nil, errors.New("the penalty grid is empty")
	}
	if spec.Folds == 0 {
		spec.Folds = 5
	}
	n := p.NStimuli()
	if n < spec.Folds {
		return nil, fmt.Errorf("%d-fold cross-validation needs at least %d stimuli, the project has %d", spec.Folds, spec.Folds, max(n, 0))
	}
	type rec struct {
		subject, region string
		r               *data.Recording
	}
	var recs []rec
	wanted := map[string]bool{}
	for _, s := range spec.Subjects {
		wanted[s] = true
	}
	for _, region := range spec.Regions {
		found := false
		for _, s := range p.Subjects {
			if len(spec.Subjects) > 0 && !wanted[s.Name] {
				continue
			}
			if r := s.Region(region); r != nil {
				if r.Data == nil {
					return nil, fmt.Errorf("%s / %s came as an RDM: encoding models need the voxel (or neuron) responses", s.Name, region)
				}
				recs = append(recs, rec{s.Name, region, r.Recording})
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("no chosen subject has a region %q", region)
		}
	}
	layers := make([]*data.Layer, len(spec.Layers))
	for i, ref := range spec.Layers {
		m := p.Model(ref.Model)
		if m == nil || m.Layer(ref.Layer) == nil {
			return nil, fmt.Errorf("the project has no layer %s", ref)
		}
		if m.Layer(ref.Layer).Data == nil {
			return nil, fmt.Errorf("layer %s came as an RDM: encoding models need its activations", ref)
		}
		layers[i] = m.Layer(ref.Layer)
	}
	if rep != nil {
		rep.SetTotal(len(layers) * len(recs))
	}
	// split-half reliability per recording, once
	ceilings := make([][]float64, len(recs))
	for k, r := range recs {
		if len(r.r.Reps) >= 2 {
			c, err := encoding.SplitHalf(r.r.Reps, []encoding.Halves{encoding.EvenOddHalves(len(r.r.Reps))})
			if err != nil {
				return nil, fmt.Errorf("reliability of %s / %s: %w", r.subject, r.region, err)
			}
			ceilings[k] = c.PerTarget
		}
	}
	res := &Result{Spec: spec}
	for li, l := range layers {
		_, p := l.Data.Dims()
		var gram *mat.SymDense
		if p > n { // kernel form from the layer's Gram matrix, once per layer
			if rep != nil {
				rep.Message("Gram matrix of %s", spec.Layers[li])
			}
			var err error
			gram, err = encoding.LinearGram(ctx, l.Data, nil)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", spec.Layers[li], err)
			}
		}
		for k, r := range recs {
			if rep != nil {
				rep.Message("%s → %s / %s", spec.Layers[li], r.subject, r.region)
			}
			opt := &encoding.CVOptions{Alphas: spec.Alphas, K: spec.Folds, SkipRefit: true, SkipPredictions: true}
			var (
				cv  *encoding.CVResult
				err error
			)
			if gram != nil {
				cv, err = encoding.RidgeCVGram(ctx, gram, r.r.Data, opt, nil)
			} else {
				cv, err = encoding.RidgeCV(ctx, l.Data, r.r.Data, opt, nil)
			}
			if err != nil {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				return nil, fmt.Errorf("%s → %s / %s: %w", spec.Layers[li], r.subject, r.region, err)
			}
			f := &Fit{Layer: spec.Layers[li], Subject: r.subject, Region: r.region, CV: cv, Geometry: r.r.Geometry}
			if ceilings[k] != nil {
				f.Ceiling = ceilings[k]
				if _, err := cv.Ceil(ceilings[k]); err != nil {
					return nil, err
				}
			}
			res.Fits = append(res.Fits, f)
			if rep != nil {
				rep.Add(1)
			}
		}
	}
	return res, nil
}

// Row is one target of one fit, for the exported table.
type Row struct {
	Model, Layer, Subject, Region string
	Target                        int
	Voxel                         [3]int // −1s without geometry
	Alpha, R2, R, Ceiling, Ceiled float64
}

// Table returns one row per fit and target.
func (r *Result) Table() []Row {
	var rows []Row
	for _, f := range r.Fits {
		for j := range f.CV.R2 {
			row := Row{Model: f.Layer.Model, Layer: f.Layer.Layer, Subject: f.Subject, Region: f.Region, Target: j,
				Voxel: [3]int{-1, -1, -1}, Alpha: f.CV.Alpha[j], R2: f.CV.R2[j], R: f.CV.R[j],
				Ceiling: math.NaN(), Ceiled: math.NaN()}
			if f.Geometry != nil && f.Geometry.Voxels != nil {
				row.Voxel = f.Geometry.Voxels[j]
			}
			if f.Ceiling != nil {
				row.Ceiling, row.Ceiled = f.Ceiling[j], f.CV.Ceiled[j]
			}
			rows = append(rows, row)
		}
	}
	return rows
}
