package rsa

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/inference"
	"github.com/alignscope/alignscope/core/job"
	"github.com/alignscope/alignscope/core/rdm"
)

// LayerRef names a layer of a model.
type LayerRef = data.LayerRef

// Spec is everything a user chooses for one analysis.
type Spec struct {
	Layers   []LayerRef
	Regions  []string
	Subjects []string // nil: every subject with the region
	// Distance is the RDM measure: "correlation" or "euclidean".
	Distance string
	// Compare is the RDM comparison measure of core/compare.
	Compare string
	Scheme  inference.Scheme
	Samples int
	Seed    uint64
	// Correction of the pairwise tests: "fdr" or "bonferroni".
	Correction string
}

// Key identifies the spec, for caching results.
func (s Spec) Key() string {
	var b strings.Builder
	for _, l := range s.Layers {
		b.WriteString(l.String() + ",")
	}
	fmt.Fprintf(&b, "|%s|%s|%s|%s|%d|%d|%d|%s", strings.Join(s.Regions, ","), strings.Join(s.Subjects, ","),
		s.Distance, s.Compare, s.Scheme, s.Samples, s.Seed, s.Correction)
	return b.String()
}

// RegionResult is the evaluation of every layer against one region.
type RegionResult struct {
	Region   string
	Subjects []string   // the subjects whose RDMs entered, in order
	Data     []*rdm.RDM // one RDM per subject
	Eval     *inference.Result
	// Err is set when this region could not be evaluated (e.g. one
	// subject and a scheme that needs several); other regions still are.
	Err error
}

// PCorrected returns the corrected pairwise p-values for the spec's
// correction.
func (r *RegionResult) PCorrected(correction string) *mat.SymDense {
	if r.Eval == nil {
		return nil
	}
	if correction == "bonferroni" {
		return r.Eval.PPairBonferroni
	}
	return r.Eval.PPairFDR
}

// Result is a finished analysis.
type Result struct {
	Spec    Spec
	N       int        // stimuli
	Models  []*rdm.RDM // one per Spec.Layers entry
	Regions []*RegionResult
}

// Region returns the result of region name, or nil.
func (r *Result) Region(name string) *RegionResult {
	for _, rr := range r.Regions {
		if rr.Region == name {
			return rr
		}
	}
	return nil
}

func calcRDM(ctx context.Context, m data.Matrix, distance string) (*rdm.RDM, error) {
	switch distance {
	case "correlation":
		return rdm.Correlation(ctx, m, nil)
	case "euclidean":
		return rdm.Euclidean(ctx, m, nil)
	}
	return nil, fmt.Errorf("unknown RDM distance %q (use correlation or euclidean)", distance)
}

// Run computes the analysis. Progress counts RDMs, then regions.
func Run(ctx context.Context, p *data.Project, spec Spec, rep *job.Reporter) (*Result, error) {
	if len(spec.Layers) == 0 {
		return nil, errors.New("choose at least one model layer")
	}
	if len(spec.Regions) == 0 {
		return nil, errors.New("choose at least one brain region")
	}
	n := p.NStimuli()
	if n < 3 {
		return nil, fmt.Errorf("RSA needs at least 3 stimuli, the project has %d", max(n, 0))
	}
	type recRef struct {
		subject, region string
		m               data.Matrix
		pre             []float64 // precomputed RDM
	}
	var recs []recRef
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
				recs = append(recs, recRef{s.Name, region, r.Data, r.RDM})
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("no chosen subject has a region %q", region)
		}
	}
	layers := make([]data.Matrix, len(spec.Layers))
	preLayers := make([][]float64, len(spec.Layers))
	for i, ref := range spec.Layers {
		m := p.Model(ref.Model)
		if m == nil || m.Layer(ref.Layer) == nil {
			return nil, fmt.Errorf("the project has no layer %s", ref)
		}
		layers[i], preLayers[i] = m.Layer(ref.Layer).Data, m.Layer(ref.Layer).RDM
	}
	total := len(layers) + len(recs) + len(spec.Regions)
	if rep != nil {
		rep.SetTotal(total)
	}
	res := &Result{Spec: spec, N: n, Models: make([]*rdm.RDM, len(layers))}
	// RDMs: one job.For over layers and recordings; each RDM streams its
	// matrix and uses BLAS, so two at a time keep the cores busy.
	all := make([]*rdm.RDM, len(layers)+len(recs))
	err := job.For(ctx, len(all), func(k int) error {
		var (
			m    data.Matrix
			pre  []float64
			name string
		)
		if k < len(layers) {
			m, pre, name = layers[k], preLayers[k], spec.Layers[k].String()
		} else {
			r := recs[k-len(layers)]
			m, pre, name = r.m, r.pre, r.subject+"/"+r.region
		}
		if pre != nil { // a precomputed RDM is used as it is
			all[k] = &rdm.RDM{N: n, Vec: pre, Method: "precomputed"}
			if rep != nil {
				rep.Add(1)
			}
			return nil
		}
		d, err := calcRDM(ctx, m, spec.Distance)
		if err != nil {
			return fmt.Errorf("RDM of %s: %w", name, err)
		}
		all[k] = d
		if rep != nil {
			rep.Add(1)
			rep.Message("RDM of %s", name)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	copy(res.Models, all[:len(layers)])
	models := stack(res.Models)
	for _, region := range spec.Regions {
		rr := &RegionResult{Region: region}
		for k, r := range recs {
			if r.region == region {
				rr.Subjects = append(rr.Subjects, r.subject)
				rr.Data = append(rr.Data, all[len(layers)+k])
			}
		}
		if rep != nil {
			rep.Message("evaluating models against %s", region)
		}
		ev, err := inference.Evaluate(ctx, models, stack(rr.Data), inference.Options{
			Method: spec.Compare, Scheme: spec.Scheme, N: spec.Samples, Seed: spec.Seed,
		}, nil)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			rr.Err = err
		}
		rr.Eval = ev
		res.Regions = append(res.Regions, rr)
		if rep != nil {
			rep.Add(1)
		}
	}
	return res, nil
}

// stack puts RDM vectors into the rows of a matrix.
func stack(rs []*rdm.RDM) *mat.Dense {
	m := mat.NewDense(len(rs), len(rs[0].Vec), nil)
	for i, r := range rs {
		m.SetRow(i, r.Vec)
	}
	return m
}

// RegionRDMs returns the RDM of region for each chosen subject that has it
// (all subjects when subjects is nil), stacked in the rows of a matrix,
// with the subjects' names: the brain data other analyses (lesions)
// compare a layer against. Precomputed RDMs are used as they are.
func RegionRDMs(ctx context.Context, p *data.Project, region string, subjects []string, distance string) (*mat.Dense, []string, error) {
	wanted := map[string]bool{}
	for _, s := range subjects {
		wanted[s] = true
	}
	var rdms []*rdm.RDM
	var names []string
	for _, s := range p.Subjects {
		if len(subjects) > 0 && !wanted[s.Name] {
			continue
		}
		r := s.Region(region)
		if r == nil {
			continue
		}
		var d *rdm.RDM
		if r.RDM != nil {
			d = &rdm.RDM{N: r.NStimuli(), Vec: r.RDM}
		} else {
			var err error
			if d, err = calcRDM(ctx, r.Data, distance); err != nil {
				return nil, nil, fmt.Errorf("RDM of %s / %s: %w", s.Name, region, err)
			}
		}
		rdms = append(rdms, d)
		names = append(names, s.Name)
	}
	if len(rdms) == 0 {
		return nil, nil, fmt.Errorf("no chosen subject has a region %q", region)
	}
	return stack(rdms), names, nil
}
