package decode

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/job"
	"github.com/alignscope/alignscope/core/rdm"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
)

// The classifiers.
const (
	Ridge = "ridge" // kernel ridge classifier (scikit-learn RidgeClassifier)
	NCM   = "ncm"   // nearest class mean
)

// Methods lists the classifiers.
var Methods = []string{Ridge, NCM}

// DefaultFolds is the number of cross-validation folds when Options.Folds
// is 0.
const DefaultFolds = 5

// Options chooses the classifier and the cross-validation.
type Options struct {
	// Method is Ridge (default when empty) or NCM.
	Method string
	// Folds is K of the stratified K-fold (0: DefaultFolds).
	Folds int
	// Seed seeds the shuffling of the folds.
	Seed uint64
	// Alpha is the relative ridge penalty, λ = α·tr(K_c)/|T| (0: 1).
	Alpha float64
}

func (o Options) method() string {
	if o.Method == "" {
		return Ridge
	}
	return o.Method
}

func (o Options) folds() int {
	if o.Folds == 0 {
		return DefaultFolds
	}
	return o.Folds
}

func (o Options) alpha() float64 {
	if o.Alpha == 0 {
		return 1
	}
	return o.Alpha
}

// Result is a cross-validated decoding.
type Result struct {
	// Levels are the descriptor's values in order of first appearance.
	Levels []string
	// Accuracy is the fraction of stimuli predicted correctly.
	Accuracy float64
	// Chance is the accuracy of always guessing the most frequent level.
	Chance float64
	// Confusion[i][j] counts stimuli of level i predicted as level j.
	Confusion *mat.Dense
	// Predicted holds the predicted level (index into Levels) of each
	// stimulus.
	Predicted []int
	// Fold holds each stimulus's test fold.
	Fold []int
	// Method and Folds record the settings used.
	Method string
	Folds  int
}

// Plan is the validated setting of a decoding: the level of every
// stimulus and its test fold. It depends only on the labels and the
// options, so one Plan serves many kernels (the lesions of a layer).
type Plan struct {
	n      int
	levels []string
	y      []int // level index of each stimulus
	fold   []int
	k      int
	method string
	alpha  float64
	// per fold: train and test indices
	train, test [][]int
	chance      float64
}

// NewPlan validates labels (one per stimulus) and the options and deals
// the stimuli into stratified folds (see the package documentation).
func NewPlan(labels []string, opt Options) (*Plan, error) {
	method := opt.method()
	if method != Ridge && method != NCM {
		return nil, fmt.Errorf("decode: unknown classifier %q (use %s or %s)", opt.Method, Ridge, NCM)
	}
	k := opt.folds()
	if k < 2 {
		return nil, fmt.Errorf("decode: need at least 2 cross-validation folds, asked for %d", k)
	}
	if a := opt.alpha(); !(a > 0) || math.IsInf(a, 0) {
		return nil, fmt.Errorf("decode: the ridge penalty α must be positive and finite, have %g", opt.Alpha)
	}
	n := len(labels)
	idx := map[string]int{}
	var levels []string
	y := make([]int, n)
	var members [][]int
	for i, l := range labels {
		c, ok := idx[l]
		if !ok {
			c = len(levels)
			idx[l] = c
			levels = append(levels, l)
			members = append(members, nil)
		}
		y[i] = c
		members[c] = append(members[c], i)
	}
	if len(levels) < 2 {
		if n == 0 {
			return nil, fmt.Errorf("decode: no labels")
		}
		return nil, fmt.Errorf("decode: the descriptor has only one level (%q); decoding needs at least two", levels[0])
	}
	most := 0
	for c, m := range members {
		if len(m) < k {
			return nil, fmt.Errorf("decode: level %q has %d stimuli, fewer than the %d cross-validation folds; use fewer folds (at most %d)", levels[c], len(m), k, minLen(members))
		}
		most = max(most, len(m))
	}
	r := rand.New(rand.NewPCG(opt.Seed, 0x6465636f6465)) // "decode"
	fold := make([]int, n)
	t := 0
	for _, m := range members {
		sh := append([]int(nil), m...)
		r.Shuffle(len(sh), func(a, b int) { sh[a], sh[b] = sh[b], sh[a] })
		for _, i := range sh {
			fold[i] = t % k
			t++
		}
	}
	p := &Plan{n: n, levels: levels, y: y, fold: fold, k: k, method: method, alpha: opt.alpha(),
		train: make([][]int, k), test: make([][]int, k), chance: float64(most) / float64(n)}
	for i, f := range fold {
		p.test[f] = append(p.test[f], i)
		for g := 0; g < k; g++ {
			if g != f {
				p.train[g] = append(p.train[g], i)
			}
		}
	}
	return p, nil
}

func minLen(m [][]int) int {
	out := math.MaxInt
	for _, v := range m {
		out = min(out, len(v))
	}
	return out
}

// N is the number of stimuli.
func (p *Plan) N() int { return p.n }

// Chance is the accuracy of always guessing the most frequent level.
func (p *Plan) Chance() float64 { return p.chance }

// Levels returns the levels in order of first appearance.
func (p *Plan) Levels() []string { return p.levels }

// Kernel decodes with the plan from the n × n kernel k of the patterns
// (only its upper triangle is read). ctx is checked between folds.
func (p *Plan) Kernel(ctx context.Context, k mat.Symmetric) (*Result, error) {
	if k == nil || k.SymmetricDim() != p.n {
		d := 0
		if k != nil {
			d = k.SymmetricDim()
		}
		return nil, fmt.Errorf("decode: kernel is %d × %d for %d labelled stimuli", d, d, p.n)
	}
	sd, ok := k.(*mat.SymDense)
	if !ok || sd.RawSymmetric().Uplo != blas.Upper {
		sd = mat.NewSymDense(p.n, nil)
		sd.CopySym(k)
	}
	kr := upper{sd.RawSymmetric().Data, sd.RawSymmetric().Stride}
	for i := 0; i < p.n; i++ {
		for j := i; j < p.n; j++ {
			if v := kr.at(i, j); math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("decode: the patterns have non-finite values (kernel entry %d,%d is %g)", i, j, v)
			}
		}
	}
	L := len(p.levels)
	pred := make([]int, p.n)
	for f := 0; f < p.k; f++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		var err error
		switch p.method {
		case Ridge:
			err = p.ridgeFold(kr, f, pred)
		default:
			p.ncmFold(kr, f, pred)
		}
		if err != nil {
			return nil, err
		}
	}
	conf := mat.NewDense(L, L, nil)
	correct := 0
	for i, c := range pred {
		conf.Set(p.y[i], c, conf.At(p.y[i], c)+1)
		if c == p.y[i] {
			correct++
		}
	}
	return &Result{
		Levels: append([]string(nil), p.levels...), Accuracy: float64(correct) / float64(p.n),
		Chance: p.chance, Confusion: conf, Predicted: pred, Fold: append([]int(nil), p.fold...),
		Method: p.method, Folds: p.k,
	}, nil
}

// upper reads a symmetric matrix from its upper triangle.
type upper struct {
	d      []float64
	stride int
}

func (u upper) at(i, j int) float64 {
	if i > j {
		i, j = j, i
	}
	return u.d[i*u.stride+j]
}

// ridgeFold fits the kernel ridge classifier on the training stimuli of
// fold f and predicts its test stimuli into pred.
func (p *Plan) ridgeFold(k upper, f int, pred []int) error {
	tr, te := p.train[f], p.test[f]
	nt, L := len(tr), len(p.levels)
	// K_TT, centred.
	kc := mat.NewSymDense(nt, nil)
	kd := kc.RawSymmetric().Data
	colMean := make([]float64, nt)
	for a, i := range tr {
		row := kd[a*nt:]
		for b := a; b < nt; b++ {
			v := k.at(i, tr[b])
			row[b] = v
			colMean[a] += v
			if b != a {
				colMean[b] += v
			}
		}
	}
	grand := 0.0
	for a := range colMean {
		colMean[a] /= float64(nt)
		grand += colMean[a]
	}
	grand /= float64(nt)
	trace := 0.0
	for a := 0; a < nt; a++ {
		row := kd[a*nt:]
		ca := grand - colMean[a]
		for b := a; b < nt; b++ {
			row[b] += ca - colMean[b]
		}
		trace += row[a]
	}
	lambda := p.alpha * trace / float64(nt)
	if !(lambda > 0) {
		lambda = p.alpha // all training patterns equal: any positive penalty
	}
	for a := 0; a < nt; a++ {
		kd[a*nt+a] += lambda
	}
	// Centred one-hot targets.
	ybar := make([]float64, L)
	for _, i := range tr {
		ybar[p.y[i]]++
	}
	for c := range ybar {
		ybar[c] /= float64(nt)
	}
	yc := mat.NewDense(nt, L, nil)
	for a, i := range tr {
		row := yc.RawRowView(a)
		for c := range row {
			row[c] = -ybar[c]
		}
		row[p.y[i]]++
	}
	// Solve (K_c + λI)·A = Y_c by Cholesky (dpotrf, dpotrs).
	if _, ok := lapack64.Potrf(blas64.Symmetric{Uplo: blas.Upper, N: nt, Stride: nt, Data: kd}); !ok {
		return fmt.Errorf("decode: the ridge system of fold %d is not positive definite (non-finite patterns?)", f+1)
	}
	lapack64.Potrs(blas64.Triangular{Uplo: blas.Upper, Diag: blas.NonUnit, N: nt, Stride: nt, Data: kd}, yc.RawMatrix())
	A := yc
	// Centred test-train kernel.
	kt := mat.NewDense(len(te), nt, nil)
	for a, t := range te {
		row := kt.RawRowView(a)
		m := 0.0
		for b, i := range tr {
			row[b] = k.at(t, i)
			m += row[b]
		}
		m /= float64(nt)
		for b := range row {
			row[b] += grand - m - colMean[b]
		}
	}
	var yh mat.Dense
	yh.Mul(kt, A)
	for a, t := range te {
		row := yh.RawRowView(a)
		best, bv := 0, math.Inf(-1)
		for c, v := range row {
			if v+ybar[c] > bv {
				best, bv = c, v+ybar[c]
			}
		}
		pred[t] = best
	}
	return nil
}

// ncmFold predicts the test stimuli of fold f by the nearest class mean of
// the training stimuli.
func (p *Plan) ncmFold(k upper, f int, pred []int) {
	tr, te := p.train[f], p.test[f]
	L := len(p.levels)
	byClass := make([][]int, L)
	for _, i := range tr {
		byClass[p.y[i]] = append(byClass[p.y[i]], i)
	}
	q := make([]float64, L)
	for c, m := range byClass {
		s := 0.0
		for _, i := range m {
			for _, j := range m {
				s += k.at(i, j)
			}
		}
		q[c] = s / float64(len(m)*len(m))
	}
	for _, t := range te {
		best, bd := 0, math.Inf(1)
		for c, m := range byClass {
			s := 0.0
			for _, i := range m {
				s += k.at(t, i)
			}
			d := k.at(t, t) - 2*s/float64(len(m)) + q[c]
			if d < bd {
				best, bd = c, d
			}
		}
		pred[t] = best
	}
}

// Kernel decodes labels from the kernel k of the patterns (see the
// package documentation): NewPlan followed by Plan.Kernel.
func Kernel(ctx context.Context, k mat.Symmetric, labels []string, opt Options) (*Result, error) {
	p, err := NewPlan(labels, opt)
	if err != nil {
		return nil, err
	}
	return p.Kernel(ctx, k)
}

// Patterns decodes labels from the rows of x (n stimuli × p units),
// streaming column blocks to form the kernel of the row-centred patterns
// (rdm.Gram with centring); progress counts columns read.
func Patterns(ctx context.Context, x data.Matrix, labels []string, opt Options, rep *job.Reporter) (*Result, error) {
	p, err := NewPlan(labels, opt)
	if err != nil {
		return nil, err
	}
	n, _ := x.Dims()
	if n != len(labels) {
		return nil, fmt.Errorf("decode: %d labels for %d stimuli (rows)", len(labels), n)
	}
	g, _, err := rdm.Gram(ctx, x, true, rep)
	if err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	return p.Kernel(ctx, g)
}
