package mds

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/alignscope/alignscope/core/job"
	"github.com/alignscope/alignscope/core/rdm"
	"gonum.org/v1/gonum/mat"
)

// seedStream is the second PCG word of SMACOF's random starts.
const seedStream = 0x736d61636f66 // "smacof"

// Options are the settings of SMACOF. A nil *Options means the defaults.
type Options struct {
	// Dim is the embedding dimension (default 2).
	Dim int
	// MaxIter bounds the iterations of each start (default 300, as
	// scikit-learn).
	MaxIter int
	// Tol stops a start when the relative stress decrease of one
	// iteration, (σ_prev − σ)/σ_prev, is below it (default 1e-6).
	Tol float64
	// Seed seeds the random start configurations (uniform in [0,1)).
	Seed uint64
	// Starts is the number of random starts (default 1); the one with the
	// lowest final stress wins (the first on ties). Ignored with Init.
	Starts int
	// Init is an n × Dim start configuration (for example Classical's X)
	// used instead of random starts.
	Init *mat.Dense
	// Weights are optional non-negative weights w_ij, one per pair in RDM
	// order (nil: all 1). Pairs with NaN dissimilarity get weight 0.
	Weights []float64
}

func (o *Options) withDefaults() Options {
	var d Options
	if o != nil {
		d = *o
	}
	if d.Dim == 0 {
		d.Dim = 2
	}
	if d.MaxIter <= 0 {
		d.MaxIter = 300
	}
	if d.Tol <= 0 {
		d.Tol = 1e-6
	}
	if d.Starts <= 0 {
		d.Starts = 1
	}
	if d.Init != nil {
		d.Starts = 1
	}
	return d
}

// problem is one SMACOF problem: dissimilarities, weights and V⁺.
type problem struct {
	n, dim int
	delta  []float64 // NaN pairs hold 0 (weight 0)
	w      []float64 // nil: unit weights
	vplus  *mat.Dense
	eta2   float64 // Σ w δ²
}

func newProblem(r *rdm.RDM, o Options) (*problem, error) {
	delta, err := dissimilarities(r, o.Dim)
	if err != nil {
		return nil, err
	}
	p := &problem{n: r.N, dim: o.Dim, delta: delta}
	var w []float64
	if o.Weights != nil {
		if len(o.Weights) != len(delta) {
			return nil, fmt.Errorf("mds: %d weights for %d pairs", len(o.Weights), len(delta))
		}
		w = make([]float64, len(delta))
		for k, v := range o.Weights {
			if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
				i, j := pairOf(r.N, k)
				return nil, fmt.Errorf("mds: weight of conditions %d and %d is %v; weights must be finite and ≥ 0", i, j, v)
			}
			w[k] = v
		}
	}
	for k, d := range delta {
		if math.IsNaN(d) {
			if w == nil {
				w = make([]float64, len(delta))
				for i := range w {
					w[i] = 1
				}
			}
			w[k] = 0
			delta[k] = 0
		}
	}
	p.w = w
	_, p.eta2 = stress(delta, w, make([]float64, len(delta)))
	if w != nil {
		if err := p.laplacianInverse(); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// laplacianInverse sets V⁺ = (V + 11ᵀ/n)⁻¹ − 11ᵀ/n for the weighted
// Laplacian V, after checking that the weighted pairs connect every
// condition.
func (p *problem) laplacianInverse() error {
	n := p.n
	parent := make([]int, n)
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	v := mat.NewSymDense(n, nil)
	k := 0
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			if wk := p.w[k]; wk > 0 {
				parent[find(i)] = find(j)
				v.SetSym(i, j, v.At(i, j)-wk)
				v.SetSym(i, i, v.At(i, i)+wk)
				v.SetSym(j, j, v.At(j, j)+wk)
			}
			k++
		}
	}
	for i := 1; i < n; i++ {
		if find(i) != find(0) {
			return fmt.Errorf("mds: conditions %d and 0 are not linked by any pair with a dissimilarity (NaN or zero weights split the RDM)", i)
		}
	}
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			v.SetSym(i, j, v.At(i, j)+1/float64(n))
		}
	}
	var ch mat.Cholesky
	if !ch.Factorize(v) {
		return errors.New("mds: the weight Laplacian is singular")
	}
	var inv mat.SymDense
	if err := ch.InverseTo(&inv); err != nil {
		return fmt.Errorf("mds: %w", err)
	}
	p.vplus = mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			p.vplus.Set(i, j, inv.At(i, j)-1/float64(n))
		}
	}
	return nil
}

// dist fills d with the condensed distances of x (n × dim, row-major).
func (p *problem) dist(d, x []float64) {
	n, dim := p.n, p.dim
	k := 0
	for i := 0; i < n; i++ {
		xi := x[i*dim : (i+1)*dim]
		for j := i + 1; j < n; j++ {
			xj := x[j*dim : (j+1)*dim]
			s := 0.0
			for c := range xi {
				t := xi[c] - xj[c]
				s += t * t
			}
			d[k] = math.Sqrt(s)
			k++
		}
	}
}

// guttman sets out = V⁺ B(x) x given the distances d of x; tmp is n × dim
// scratch.
func (p *problem) guttman(out, tmp, x, d []float64) {
	n, dim := p.n, p.dim
	bx := tmp
	if p.vplus == nil {
		bx = out
	}
	for i := range bx {
		bx[i] = 0
	}
	// (B x)_i = Σ_{j≠i} w_ij δ_ij / d_ij · (x_i − x_j).
	k := 0
	for i := 0; i < n; i++ {
		xi := x[i*dim : (i+1)*dim]
		bi := bx[i*dim : (i+1)*dim]
		for j := i + 1; j < n; j++ {
			if d[k] > 0 && p.delta[k] > 0 {
				f := p.delta[k] / d[k]
				if p.w != nil {
					f *= p.w[k]
				}
				xj := x[j*dim : (j+1)*dim]
				bj := bx[j*dim : (j+1)*dim]
				for c := range xi {
					t := f * (xi[c] - xj[c])
					bi[c] += t
					bj[c] -= t
				}
			}
			k++
		}
	}
	if p.vplus == nil {
		for i := range out {
			out[i] /= float64(n)
		}
		return
	}
	o := mat.NewDense(n, dim, out)
	o.Mul(p.vplus, mat.NewDense(n, dim, bx))
}

// run iterates SMACOF from x0 (n × dim, row-major; modified).
func (p *problem) run(ctx context.Context, x0 []float64, o Options, rep *job.Reporter) ([]float64, []float64, error) {
	// Centre the start (SMACOF keeps the centroid fixed).
	centre(x0, p.n, p.dim)
	x, next := x0, make([]float64, len(x0))
	tmp := make([]float64, len(x0))
	d := make([]float64, len(p.delta))
	p.dist(d, x)
	s, _ := stress(p.delta, p.w, d)
	hist := []float64{s}
	for it := 1; it <= o.MaxIter; it++ {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		if s <= 1e-30*p.eta2 {
			break
		}
		p.guttman(next, tmp, x, d)
		x, next = next, x
		p.dist(d, x)
		sNew, _ := stress(p.delta, p.w, d)
		hist = append(hist, sNew)
		if rep != nil {
			rep.Add(1)
		}
		dec := s - sNew
		s = sNew
		if dec < o.Tol*(s+dec) {
			break
		}
	}
	return x, hist, nil
}

func centre(x []float64, n, dim int) {
	for c := 0; c < dim; c++ {
		m := 0.0
		for i := 0; i < n; i++ {
			m += x[i*dim+c]
		}
		m /= float64(n)
		for i := 0; i < n; i++ {
			x[i*dim+c] -= m
		}
	}
}

// SMACOF returns the metric MDS embedding of r that minimises the raw
// stress by SMACOF iterations (see the package documentation), from
// opt.Starts seeded random starts run in parallel (job.For) or from
// opt.Init. ctx cancels; rep (may be nil) counts iterations.
func SMACOF(ctx context.Context, r *rdm.RDM, opt *Options, rep *job.Reporter) (*Result, error) {
	o := opt.withDefaults()
	p, err := newProblem(r, o)
	if err != nil {
		return nil, err
	}
	n, dim := p.n, p.dim
	starts := make([][]float64, o.Starts)
	if o.Init != nil {
		rows, cols := o.Init.Dims()
		if rows != n || cols != dim {
			return nil, fmt.Errorf("mds: start configuration is %d × %d, want %d × %d", rows, cols, n, dim)
		}
		starts[0] = make([]float64, n*dim)
		for i := 0; i < n; i++ {
			for c := 0; c < dim; c++ {
				v := o.Init.At(i, c)
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return nil, fmt.Errorf("mds: start configuration has a non-finite value at (%d, %d)", i, c)
				}
				starts[0][i*dim+c] = v
			}
		}
	} else {
		for s := range starts {
			rng := rand.New(rand.NewPCG(o.Seed, seedStream+uint64(s)))
			starts[s] = make([]float64, n*dim)
			for i := range starts[s] {
				starts[s][i] = rng.Float64()
			}
		}
	}
	if rep != nil {
		rep.SetTotal(o.Starts * o.MaxIter)
	}
	xs := make([][]float64, o.Starts)
	hs := make([][]float64, o.Starts)
	err = job.For(ctx, o.Starts, func(s int) error {
		x, h, err := p.run(ctx, starts[s], o, rep)
		xs[s], hs[s] = x, h
		return err
	})
	if err != nil {
		return nil, err
	}
	if rep != nil {
		rep.Set(o.Starts * o.MaxIter)
	}
	best := 0
	for s := 1; s < o.Starts; s++ {
		if hs[s][len(hs[s])-1] < hs[best][len(hs[best])-1] {
			best = s
		}
	}
	var w []float64
	if p.w != nil {
		w = p.w
	}
	res := finish(mat.NewDense(n, dim, xs[best]), p.delta, w)
	res.Iter = len(hs[best]) - 1
	res.History = hs[best]
	return res, nil
}
