package compare

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/alignscope/alignscope/core/job"
	"github.com/alignscope/alignscope/core/rdm"
	"gonum.org/v1/gonum/mat"
)

// Options holds the settings of the comparison measures that have any.
type Options struct {
	// SigmaK is the n × n stimulus covariance Σ_k of corr_cov and
	// cosine_cov (rsatoolbox's 2-D sigma_k: V = (CΣ_kCᵀ)∘(CΣ_kCᵀ)) and of
	// neg_riem_dist. nil means the identity.
	SigmaK *mat.Dense
	// SigmaKDiag is rsatoolbox's 1-D sigma_k (one variance per
	// condition). For corr_cov and cosine_cov it does NOT whiten with V
	// built from diag(σ): like rsatoolbox, the double-centred kernel is
	// scaled as G_ij/√(σ_iσ_j) (see the package documentation). For
	// neg_riem_dist it is used as diag(σ). At most one of SigmaK and
	// SigmaKDiag may be set.
	SigmaKDiag []float64
}

// Methods lists the comparison methods Compare accepts, by rsatoolbox
// name ("tau-b" is accepted as an alias of "kendall").
var Methods = []string{"cosine", "corr", "spearman", "rho-a", "tau-a", "kendall", "corr_cov", "cosine_cov", "bures", "bures_metric", "neg_riem_dist"}

// Compare returns the n1 × n2 matrix of similarities between the RDM
// vectors in the rows of a (n1 × m) and b (n2 × m), as rsatoolbox's
// compare(rdm1, rdm2, method, sigma_k): entry [i, j] compares a[i] with
// b[j]. See the package documentation for the methods and for how NaN
// pairs are dropped. opt may be nil.
func Compare(a, b *mat.Dense, method string, opt *Options) (*mat.Dense, error) {
	return CompareContext(context.Background(), a, b, method, opt)
}

// CompareContext is Compare with cancellation; the pairwise methods
// (tau-a, kendall, bures, bures_metric, neg_riem_dist) run their RDM pairs
// in parallel through job.For.
func CompareContext(ctx context.Context, a, b *mat.Dense, method string, opt *Options) (*mat.Dense, error) {
	if a == nil || b == nil || a.IsEmpty() || b.IsEmpty() {
		return nil, fmt.Errorf("compare: empty RDM set")
	}
	if opt == nil {
		opt = &Options{}
	}
	if opt.SigmaK != nil && opt.SigmaKDiag != nil {
		return nil, fmt.Errorf("compare: give sigma_k either as a matrix or as a vector, not both")
	}
	n1, m := a.Dims()
	n2, m2 := b.Dims()
	if m != m2 {
		return nil, fmt.Errorf("compare: RDMs of different sizes (%d and %d pairs)", m, m2)
	}
	if method == "tau-b" {
		method = "kendall"
	}
	known := false
	for _, k := range Methods {
		known = known || k == method
	}
	if !known {
		return nil, fmt.Errorf("compare: unknown method %q (want one of %s)", method, strings.Join(Methods, ", "))
	}
	obs, nObs, err := jointMask(a, b)
	if err != nil {
		return nil, err
	}
	x, y := dropPairs(a, obs, nObs), dropPairs(b, obs, nObs)
	switch method {
	case "cosine":
		return cosineRows(x, y), nil
	case "corr":
		return cosineRows(centreRows(x), centreRows(y)), nil
	case "spearman":
		return cosineRows(centreRows(rankRows(x)), centreRows(rankRows(y))), nil
	case "rho-a":
		out := mat.NewDense(n1, n2, nil)
		out.Mul(centreRows(rankRows(x)), centreRows(rankRows(y)).T())
		nf := float64(nObs)
		out.Scale(12/(nf*nf*nf-nf), out)
		return out, nil
	case "tau-a", "kendall":
		return compareTau(ctx, x, y, method == "kendall")
	case "cosine_cov", "corr_cov":
		n, err := rdm.Conditions(m)
		if err != nil {
			return nil, fmt.Errorf("compare %s: %w", method, err)
		}
		var w *Whitener
		if opt.SigmaKDiag != nil {
			w, err = newDiagWhitener(n, opt.SigmaKDiag, obs)
		} else {
			w, err = NewWhitener(n, opt.SigmaK, obs)
		}
		if err != nil {
			return nil, fmt.Errorf("compare %s: %w", method, err)
		}
		if method == "corr_cov" {
			x, y = centreRows(x), centreRows(y)
		}
		return cosineRows(w.featureRows(x), w.featureRows(y)), nil
	}
	// bures, bures_metric, neg_riem_dist work on full matrices.
	if nObs != m {
		return nil, fmt.Errorf("compare %s: the RDMs have %d NaN pairs; this method needs complete RDMs", method, m-nObs)
	}
	n, err := rdm.Conditions(m)
	if err != nil {
		return nil, fmt.Errorf("compare %s: %w", method, err)
	}
	switch method {
	case "bures", "bures_metric":
		return compareBures(ctx, x, y, n, method == "bures_metric")
	default:
		sk, err := sigmaMatrix(n, opt)
		if err != nil {
			return nil, fmt.Errorf("compare %s: %w", method, err)
		}
		return compareRiemann(ctx, x, y, n, sk)
	}
}

// jointMask returns the pairs that are non-NaN in every RDM of a and of b,
// and their count. It is an error when the two sets have different NaN
// masks (rsatoolbox raises ValueError) or when no pair is left.
func jointMask(a, b *mat.Dense) ([]bool, int, error) {
	_, m := a.Dims()
	okA, okB := setMask(a), setMask(b)
	n := 0
	for k := 0; k < m; k++ {
		if okA[k] != okB[k] {
			return nil, 0, fmt.Errorf("compare: the two RDM sets have NaN at different pairs (pair %d is NaN in only one set); both sets need the same missing pairs", k)
		}
		if okA[k] {
			n++
		}
	}
	if n == 0 {
		return nil, 0, fmt.Errorf("compare: every pair is NaN in some RDM; nothing left to compare")
	}
	return okA, n, nil
}

// setMask marks the columns of s without NaN in any row.
func setMask(s *mat.Dense) []bool {
	r, m := s.Dims()
	ok := make([]bool, m)
	for k := range ok {
		ok[k] = true
	}
	for i := 0; i < r; i++ {
		for k, v := range s.RawRowView(i) {
			if math.IsNaN(v) {
				ok[k] = false
			}
		}
	}
	return ok
}

// dropPairs returns the columns of s marked in obs (a copy).
func dropPairs(s *mat.Dense, obs []bool, nObs int) *mat.Dense {
	r, _ := s.Dims()
	out := mat.NewDense(r, nObs, nil)
	for i := 0; i < r; i++ {
		dst := out.RawRowView(i)[:0]
		for k, v := range s.RawRowView(i) {
			if obs[k] {
				dst = append(dst, v)
			}
		}
	}
	return out
}

// centreRows subtracts each row's mean (a copy).
func centreRows(s *mat.Dense) *mat.Dense {
	r, c := s.Dims()
	out := mat.NewDense(r, c, nil)
	for i := 0; i < r; i++ {
		src := s.RawRowView(i)
		mean := 0.0
		for _, v := range src {
			mean += v
		}
		mean /= float64(c)
		dst := out.RawRowView(i)
		for k, v := range src {
			dst[k] = v - mean
		}
	}
	return out
}

// rankRows replaces each row by its average ranks.
func rankRows(s *mat.Dense) *mat.Dense {
	r, c := s.Dims()
	out := mat.NewDense(r, c, nil)
	for i := 0; i < r; i++ {
		copy(out.RawRowView(i), rdm.Rank(s.RawRowView(i), rdm.TiesAverage))
	}
	return out
}

// cosineRows returns the cosines between the rows of x and of y; a pair
// with a zero-norm row gets 0 (rsatoolbox _cosine).
func cosineRows(x, y *mat.Dense) *mat.Dense {
	n1, _ := x.Dims()
	n2, _ := y.Dims()
	out := mat.NewDense(n1, n2, nil)
	out.Mul(x, y.T())
	nx, ny := rowNorms(x), rowNorms(y)
	for i := 0; i < n1; i++ {
		row := out.RawRowView(i)
		for j := range row {
			if nx[i] > 0 && ny[j] > 0 {
				row[j] /= nx[i] * ny[j]
			} else {
				row[j] = 0
			}
		}
	}
	return out
}

func rowNorms(s *mat.Dense) []float64 {
	r, _ := s.Dims()
	out := make([]float64, r)
	for i := range out {
		row := s.RawRowView(i)
		ss := 0.0
		for _, v := range row {
			ss += v * v
		}
		out[i] = math.Sqrt(ss)
	}
	return out
}

// sigmaMatrix returns Σ_k as an n × n matrix (identity when unset).
func sigmaMatrix(n int, opt *Options) (*mat.SymDense, error) {
	s := mat.NewSymDense(n, nil)
	switch {
	case opt.SigmaKDiag != nil:
		if len(opt.SigmaKDiag) != n {
			return nil, fmt.Errorf("sigma_k has %d values for %d conditions", len(opt.SigmaKDiag), n)
		}
		for i, v := range opt.SigmaKDiag {
			s.SetSym(i, i, v)
		}
	case opt.SigmaK != nil:
		r, c := opt.SigmaK.Dims()
		if r != n || c != n {
			return nil, fmt.Errorf("sigma_k is %d × %d for %d conditions", r, c, n)
		}
		for i := 0; i < n; i++ {
			for j := i; j < n; j++ {
				s.SetSym(i, j, (opt.SigmaK.At(i, j)+opt.SigmaK.At(j, i))/2)
			}
		}
	default:
		for i := 0; i < n; i++ {
			s.SetSym(i, i, 1)
		}
	}
	return s, nil
}

// pairwise fills out[i, j] = fn(i, j) for all pairs, in parallel when the
// work is large enough to pay for it. cost is the work of one pair, in
// arbitrary units comparable to floating-point operations.
func pairwise(ctx context.Context, out *mat.Dense, cost float64, fn func(i, j int) (float64, error)) error {
	n1, n2 := out.Dims()
	run := func(k int) error {
		v, err := fn(k/n2, k%n2)
		if err != nil {
			return err
		}
		out.Set(k/n2, k%n2, v)
		return nil
	}
	if float64(n1*n2)*cost < 2e5 {
		for k := 0; k < n1*n2; k++ {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := run(k); err != nil {
				return err
			}
		}
		return nil
	}
	return job.For(ctx, n1*n2, run)
}
