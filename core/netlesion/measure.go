package netlesion

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/alignscope/alignscope/core/compare"
	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/decode"
	"github.com/alignscope/alignscope/core/encoding"
	"github.com/alignscope/alignscope/core/inference"
	"github.com/alignscope/alignscope/core/job"
	"github.com/alignscope/alignscope/core/lesion"
	"github.com/alignscope/alignscope/core/network"
	"github.com/alignscope/alignscope/core/rdm"
	"gonum.org/v1/gonum/mat"
)

// activations holds one forward pass: for each extracted tensor (setup
// order), one row per stimulus.
type activations [][][]float32

// evaluator runs the masked network.
type evaluator struct {
	st  *setup
	net *network.Net
	in  *network.Inputs
	rep *job.Reporter
}

// forward sets the mask and runs the inputs, returning the extracted
// tensors.
func (e *evaluator) forward(ctx context.Context, keep, fill []float32) (activations, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := e.net.SetMask(keep, fill); err != nil {
		return nil, err
	}
	acts, err := e.extract(ctx, e.st.extract)
	if err != nil {
		return nil, err
	}
	if e.rep != nil {
		e.rep.Add(1)
	}
	return acts, nil
}

func (e *evaluator) extract(ctx context.Context, names []string) (activations, error) {
	n := e.in.N
	acts := make(activations, len(names))
	for i := range acts {
		acts[i] = make([][]float32, n)
	}
	pos := make(map[string]int, len(names))
	for i, nm := range names {
		pos[nm] = i
	}
	err := network.ExtractInputs(ctx, e.net, e.in, names, func(layer string, first int, _ []int, rows [][]float32) error {
		copy(acts[pos[layer]][first:], rows)
		return nil
	}, nil)
	if err != nil {
		return nil, err
	}
	return acts, nil
}

// unitMeans returns the mean over stimuli of every unit of the node in
// the intact network (the fill of lesion.Mean).
func (e *evaluator) unitMeans(ctx context.Context, p int) ([]float32, error) {
	if err := e.net.SetMask(keepOf(p, nil), nil); err != nil {
		return nil, err
	}
	acts, err := e.extract(ctx, []string{e.st.node.Name})
	if err != nil {
		return nil, err
	}
	sum := make([]float64, p)
	for _, row := range acts[0] {
		for u, v := range row {
			sum[u] += float64(v)
		}
	}
	out := make([]float32, p)
	for u, s := range sum {
		out[u] = float32(s / float64(len(acts[0])))
	}
	return out, nil
}

// rows is a data.Matrix over float32 rows (one per stimulus).
type rows [][]float32

func (r rows) Dims() (int, int) {
	if len(r) == 0 {
		return 0, 0
	}
	return len(r), len(r[0])
}

func (r rows) ReadColumns(j0, j1 int, dst []float64) error {
	if err := data.CheckBlock(r, j0, j1, dst); err != nil {
		return err
	}
	w := j1 - j0
	for i, row := range r {
		d := dst[i*w : (i+1)*w]
		for k, v := range row[j0:j1] {
			d[k] = float64(v)
		}
	}
	return nil
}

// rsaRegion scores layer RDMs against one region.
type rsaRegion struct {
	name   string
	method string
	rdms   *mat.Dense
	valid  []bool // pairs without NaN in any subject RDM
	nValid int
	picked *mat.Dense // the subjects' RDMs over the valid pairs
	// ranked holds the rows of picked ranked (spearman only): spearman
	// is the corr of the ranks, so the subjects are ranked once.
	ranked   *mat.Dense
	ceil     inference.Ceiling
	ceilNote string
}

func newRSARegion(r lesion.Region, method string, n int) (*rsaRegion, error) {
	if r.RDMs == nil || r.RDMs.IsEmpty() {
		return nil, fmt.Errorf("region %s has no RDMs", r.Name)
	}
	s, m := r.RDMs.Dims()
	if m != rdm.Pairs(n) {
		return nil, fmt.Errorf("region %s: RDMs have %d pairs, but the %d stimuli make %d", r.Name, m, n, rdm.Pairs(n))
	}
	if r.Subjects != nil && len(r.Subjects) != s {
		return nil, fmt.Errorf("region %s: %d subject names for %d RDMs", r.Name, len(r.Subjects), s)
	}
	rg := &rsaRegion{name: r.Name, method: method, rdms: r.RDMs, valid: make([]bool, m)}
	for k := range rg.valid {
		rg.valid[k] = true
	}
	for i := 0; i < s; i++ {
		for k, v := range r.RDMs.RawRowView(i) {
			if math.IsNaN(v) {
				rg.valid[k] = false
			}
		}
	}
	for _, ok := range rg.valid {
		if ok {
			rg.nValid++
		}
	}
	if rg.nValid < 2 {
		return nil, fmt.Errorf("region %s: fewer than 2 pairs are defined in every subject's RDM", r.Name)
	}
	rg.picked = pickCols(r.RDMs, rg.valid, rg.nValid)
	if method == "spearman" {
		rg.ranked = mat.NewDense(s, rg.nValid, nil)
		for i := 0; i < s; i++ {
			rg.ranked.SetRow(i, compare.Rank(rg.picked.RawRowView(i)))
		}
	}
	rg.ceil = inference.Ceiling{Lower: math.NaN(), Upper: math.NaN()}
	if s < 2 {
		rg.ceilNote = "one RDM: no noise ceiling"
	} else if c, err := inference.NoiseCeiling(r.RDMs, method, nil); err != nil {
		rg.ceilNote = err.Error()
	} else {
		rg.ceil = c
	}
	return rg, nil
}

// pickCols returns the columns of x marked in ok.
func pickCols(x *mat.Dense, ok []bool, count int) *mat.Dense {
	r, _ := x.Dims()
	out := mat.NewDense(r, count, nil)
	for i := 0; i < r; i++ {
		dst := out.RawRowView(i)[:0]
		for k, v := range x.RawRowView(i) {
			if ok[k] {
				dst = append(dst, v)
			}
		}
	}
	return out
}

// score is the mean over subjects of compare(vec, subject RDM) over the
// pairs defined in every subject RDM and in vec (NaN with fewer than 2).
// ranks (may be nil) are vec's ranks when vec has no NaN, shared by the
// regions (spearman).
func (rg *rsaRegion) score(ctx context.Context, vec, ranks []float64) (float64, error) {
	ok, left := rg.valid, rg.nValid
	subj := rg.picked
	method := rg.method
	if rg.ranked != nil {
		subj, method = rg.ranked, "corr"
	}
	for k, v := range vec {
		if rg.valid[k] && math.IsNaN(v) {
			// A lesioned pattern became constant: drop its pairs on both
			// sides.
			ok = make([]bool, len(vec))
			left = 0
			for j, x := range vec {
				ok[j] = rg.valid[j] && !math.IsNaN(x)
				if ok[j] {
					left++
				}
			}
			if left < 2 {
				return math.NaN(), nil
			}
			subj, method = pickCols(rg.rdms, ok, left), rg.method
			break
		}
	}
	var a *mat.Dense
	switch {
	case method == rg.method:
		a = pickCols(mat.NewDense(1, len(vec), vec), ok, left)
	case ranks != nil && left == len(vec):
		a = mat.NewDense(1, left, ranks)
	default:
		a = pickCols(mat.NewDense(1, len(vec), vec), ok, left)
		a.SetRow(0, compare.Rank(a.RawRowView(0)))
	}
	c, err := compare.CompareContext(ctx, a, subj, method, nil)
	if err != nil {
		return math.NaN(), fmt.Errorf("region %s: %w", rg.name, err)
	}
	total := 0.0
	row := c.RawRowView(0)
	for _, v := range row {
		total += v
	}
	return total / float64(len(row)), nil
}

// encRegion scores a layer's kernel by encoding one region.
type encRegion struct {
	name string
	ys   []data.Matrix
	opt  *encoding.CVOptions // nil: default alphas scaled per layer
}

func newEncRegion(r lesion.EncodingRegion, n int) (*encRegion, error) {
	if len(r.Recordings) == 0 {
		return nil, fmt.Errorf("encoding region %s has no recordings", r.Name)
	}
	er := &encRegion{name: r.Name, opt: r.Options}
	for s, y := range r.Recordings {
		if y == nil {
			return nil, fmt.Errorf("encoding region %s: recording %d is missing", r.Name, s+1)
		}
		ny, v := y.Dims()
		if ny != n {
			return nil, fmt.Errorf("encoding region %s: recording %d has %d stimuli, the images %d", r.Name, s+1, ny, n)
		}
		if v < 1 {
			return nil, fmt.Errorf("encoding region %s: recording %d has no voxels", r.Name, s+1)
		}
		m, err := data.ReadAll(y)
		if err != nil {
			return nil, fmt.Errorf("encoding region %s: %w", r.Name, err)
		}
		er.ys = append(er.ys, data.Dense{M: m})
	}
	return er, nil
}

// score is the mean over subjects of the median over voxels of the
// out-of-fold r of kernel ridge on k.
func (er *encRegion) score(ctx context.Context, k *mat.SymDense, opt encoding.CVOptions) (float64, error) {
	total := 0.0
	for s, y := range er.ys {
		o := opt
		res, err := encoding.RidgeCVGram(ctx, k, y, &o, nil)
		if err != nil {
			return math.NaN(), fmt.Errorf("encoding region %s, subject %d: %w", er.name, s+1, err)
		}
		total += encoding.Median(res.R)
	}
	return total / float64(len(er.ys)), nil
}

// effectDef says what effect k of a Result measures.
type effectDef struct {
	layer               network.Node
	name, kind, measure string
	region              *rsaRegion
}

// measures scores one forward pass.
type measures struct {
	st      *setup
	regions []*rsaRegion
	encs    []*encRegion
	encOpt  [][]encoding.CVOptions // per layer and encoding region
	dec     *decode.Plan
	effects []effectDef
	// intactTop is the intact network's arg-max output per stimulus.
	intactTop []int
}

func newMeasures(st *setup) (*measures, error) {
	s := &st.spec
	n := s.Inputs.N
	ms := &measures{st: st}
	known := st.method == "tau-b"
	for _, k := range compare.Methods {
		known = known || k == st.method
	}
	if !known {
		return nil, fmt.Errorf("unknown RDM comparison %q", st.method)
	}
	for _, r := range s.Regions {
		rg, err := newRSARegion(r, st.method, n)
		if err != nil {
			return nil, err
		}
		ms.regions = append(ms.regions, rg)
	}
	for _, r := range s.Encoding {
		er, err := newEncRegion(r, n)
		if err != nil {
			return nil, err
		}
		ms.encs = append(ms.encs, er)
	}
	if s.Readout != nil {
		var err error
		if ms.dec, err = decode.NewPlan(s.Readout.Labels, s.Readout.Options); err != nil {
			return nil, fmt.Errorf("decoding %q: %w", s.Readout.Descriptor, err)
		}
	}
	if len(ms.regions)+len(ms.encs) > 0 {
		for _, l := range st.layers {
			for _, rg := range ms.regions {
				ms.effects = append(ms.effects, effectDef{layer: l, name: rg.name, kind: "rsa", measure: st.method, region: rg})
			}
			for _, er := range ms.encs {
				ms.effects = append(ms.effects, effectDef{layer: l, name: "encoding " + er.name, kind: "encoding", measure: "median r"})
			}
		}
	}
	if st.output != "" {
		nd, _ := s.Net.Resolve(st.output)
		ms.effects = append(ms.effects, effectDef{layer: nd, name: "top-1 agreement", kind: "top1", measure: "agreement"})
	}
	if ms.dec != nil {
		nd, _ := s.Net.Resolve(st.readout)
		ms.effects = append(ms.effects, effectDef{layer: nd, name: "decoding " + s.Readout.Descriptor, kind: "decoding", measure: "accuracy"})
	}
	return ms, nil
}

// setIntact records what the measures need from the intact network: its
// top-1 outputs and the encoding penalties.
func (ms *measures) setIntact(ctx context.Context, acts activations) error {
	st := ms.st
	for li, r := range acts {
		for i, row := range r {
			for _, v := range row {
				if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
					return fmt.Errorf("the intact network gives a non-finite value in %q for image %d", st.extract[li], i+1)
				}
			}
		}
	}
	if st.output != "" {
		ms.intactTop = argmax(acts[st.index[st.output]])
	}
	if len(ms.encs) == 0 {
		return nil
	}
	ms.encOpt = make([][]encoding.CVOptions, len(st.layers))
	for li, l := range st.layers {
		var scale float64
		for _, er := range ms.encs {
			var opt encoding.CVOptions
			if er.opt != nil {
				opt = *er.opt
			} else {
				if scale == 0 {
					k, err := encoding.LinearGram(ctx, rows(acts[st.index[l.Name]]), nil)
					if err != nil {
						return fmt.Errorf("layer %q: %w", l.Label, err)
					}
					tr := 0.0
					for i := 0; i < k.SymmetricDim(); i++ {
						tr += k.At(i, i)
					}
					scale = tr / float64(k.SymmetricDim())
					if !(scale > 0) {
						scale = 1
					}
				}
				for _, a := range lesion.DefaultEncodingAlphas {
					opt.Alphas = append(opt.Alphas, a*scale)
				}
			}
			opt.SkipRefit, opt.SkipPredictions = true, true
			ms.encOpt[li] = append(ms.encOpt[li], opt)
		}
	}
	return nil
}

// argmax returns the index of the largest value of each row (the first
// on ties).
func argmax(r [][]float32) []int {
	out := make([]int, len(r))
	for i, row := range r {
		best := 0
		for u, v := range row {
			if v > row[best] {
				best = u
			}
		}
		out[i] = best
	}
	return out
}

// score returns every effect's score for one forward pass, in effects
// order.
func (ms *measures) score(ctx context.Context, acts activations) ([]float64, error) {
	st := ms.st
	out := make([]float64, 0, len(ms.effects))
	if len(ms.regions)+len(ms.encs) > 0 {
		for li, l := range st.layers {
			x := rows(acts[st.index[l.Name]])
			if len(ms.regions) > 0 {
				r, err := rdm.Correlation(ctx, x, nil)
				if err != nil {
					return nil, fmt.Errorf("layer %q: %w", l.Label, err)
				}
				var ranks []float64
				if st.method == "spearman" && !slices.ContainsFunc(r.Vec, math.IsNaN) {
					ranks = compare.Rank(r.Vec)
				}
				for _, rg := range ms.regions {
					v, err := rg.score(ctx, r.Vec, ranks)
					if err != nil {
						return nil, fmt.Errorf("layer %q: %w", l.Label, err)
					}
					out = append(out, v)
				}
			}
			if len(ms.encs) > 0 {
				k, err := encoding.LinearGram(ctx, x, nil)
				if err != nil {
					return nil, fmt.Errorf("layer %q: %w", l.Label, err)
				}
				for ei, er := range ms.encs {
					v, err := er.score(ctx, k, ms.encOpt[li][ei])
					if err != nil {
						return nil, fmt.Errorf("layer %q: %w", l.Label, err)
					}
					out = append(out, v)
				}
			}
		}
	}
	if st.output != "" {
		top := argmax(acts[st.index[st.output]])
		same := 0
		for i, c := range top {
			if c == ms.intactTop[i] {
				same++
			}
		}
		out = append(out, float64(same)/float64(len(top)))
	}
	if ms.dec != nil {
		g, _, err := rdm.Gram(ctx, rows(acts[st.index[st.readout]]), true, nil)
		if err != nil {
			return nil, fmt.Errorf("decoding: %w", err)
		}
		res, err := ms.dec.Kernel(ctx, g)
		if err != nil {
			return nil, fmt.Errorf("decoding %q: %w", st.spec.Readout.Descriptor, err)
		}
		out = append(out, res.Accuracy)
	}
	return out, nil
}

// pipeline scores forward passes on a goroutine of its own, so that a
// lesion's measures are computed while the next lesion's forward pass
// runs. At most two passes' activations are held: the one being scored
// and the next (submit waits for the scorer).
type pipeline struct {
	ms     *measures
	ctx    context.Context
	cancel context.CancelFunc
	jobs   chan scoreJob
	done   chan struct{}
	mu     sync.Mutex
	err    error
}

type scoreJob struct {
	acts activations
	dst  *[]float64
}

// newPipeline starts the scoring goroutine. Its context is cancelled
// when scoring fails, which also stops the forward passes run with it.
func newPipeline(ctx context.Context, ms *measures) *pipeline {
	ctx, cancel := context.WithCancel(ctx)
	pl := &pipeline{ms: ms, ctx: ctx, cancel: cancel, jobs: make(chan scoreJob), done: make(chan struct{})}
	go func() {
		defer close(pl.done)
		for j := range pl.jobs {
			if pl.failed() {
				continue
			}
			s, err := ms.score(ctx, j.acts)
			if err != nil {
				pl.fail(err)
				continue
			}
			*j.dst = s
		}
	}()
	return pl
}

func (pl *pipeline) failed() bool {
	pl.mu.Lock()
	defer pl.mu.Unlock()
	return pl.err != nil
}

func (pl *pipeline) fail(err error) {
	pl.mu.Lock()
	if pl.err == nil {
		pl.err = err
	}
	pl.mu.Unlock()
	pl.cancel()
}

func (pl *pipeline) submit(acts activations, dst *[]float64) {
	pl.jobs <- scoreJob{acts, dst}
}

// wait stops the pipeline once every submitted pass is scored and
// returns the first scoring error.
func (pl *pipeline) wait() error {
	close(pl.jobs)
	<-pl.done
	pl.cancel()
	pl.mu.Lock()
	defer pl.mu.Unlock()
	return pl.err
}
