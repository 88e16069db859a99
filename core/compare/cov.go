package compare

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// Whitener computes the inner products aᵀV⁻¹b of RDM vectors in the
// metric of their covariance V = Ξ∘Ξ, Ξ = CΣ_kCᵀ (rsatoolbox
// util/matrix.py::get_v; C is the pairwise contrast matrix with +1 at i
// and −1 at j on the row of pair (i, j)), restricted to the observed
// pairs. It maps each RDM vector a to features f(a) with
// f(a)·f(b) = aᵀV_oo⁻¹b, so cosine_cov is the cosine of the features.
//
// V is m × m (m = n(n−1)/2: 4186 for 92 conditions) and is never formed
// in the usual case. Writing d_ij = g_ii + g_jj − 2g_ij = K(g) for a
// symmetric n × n matrix g, V = K S Kᵀ with S(g) = Σ_k g Σ_k, so
//
//	aᵀV⁻¹a = min { tr(P g P g) : K_o(g) = a },  P = Σ_k⁻¹,
//
// the minimum over all kernels g whose observed distances are a. The
// minimiser g* = g₀ + Σ_u θ_u z_u adds to g₀ = −D/2 (missing entries 0) a
// combination of the null space of K_o: z_k = 1e_kᵀ + e_k1ᵀ (k < n) and
// E_ij + E_ji for each missing pair; θ solves an (n + q) × (n + q)
// system, q the number of missing pairs. Then aᵀV⁻¹b = ⟨L⁻¹g*_aL⁻ᵀ,
// L⁻¹g*_bL⁻ᵀ⟩_F with Σ_k = LLᵀ. For Σ_k = I the system reduces to n × n
// and, with no missing pair, g* = H(−D/2)H, rsatoolbox's double-centred
// fast path (_cov_weighting). With a full Σ_k and so many missing pairs
// that n + q exceeds the observed pairs, V_oo itself is built and
// Cholesky-factored instead. A Whitener is read-only once made and may be
// shared between goroutines.
type Whitener struct {
	n, m, nObs int
	obs        []bool   // per pair; all true when nothing is missing
	pos        []int    // index of observed pair k among the observed, or −1
	missing    [][2]int // condition pairs that are not observed
	diag       []float64

	l     blas64.Triangular // Σ_k = LLᵀ (2-D Σ_k only)
	p     *mat.SymDense     // Σ_k⁻¹ (2-D Σ_k only)
	sys   mat.Cholesky      // normal equations of θ
	dense blas64.Triangular // Cholesky factor of V_oo when used instead
	useV  bool
}

// NewWhitener prepares the V⁻¹ metric of RDMs over n conditions with
// stimulus covariance sigmaK (n × n, symmetric positive definite; nil for
// the identity) for the pairs marked in observed (len n(n−1)/2; nil for
// all).
func NewWhitener(n int, sigmaK *mat.Dense, observed []bool) (*Whitener, error) {
	w, err := newWhitener(n, observed)
	if err != nil {
		return nil, err
	}
	if sigmaK == nil {
		w.factorIdentity()
		return w, nil
	}
	r, c := sigmaK.Dims()
	if r != n || c != n {
		return nil, fmt.Errorf("sigma_k is %d × %d for %d conditions", r, c, n)
	}
	s := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			a, b := sigmaK.At(i, j), sigmaK.At(j, i)
			if math.Abs(a-b) > 1e-8*(math.Abs(a)+math.Abs(b)) {
				return nil, fmt.Errorf("sigma_k is not symmetric (entries %d,%d and %d,%d: %g and %g)", i, j, j, i, a, b)
			}
			s.SetSym(i, j, (a+b)/2)
		}
	}
	var chol mat.Cholesky
	if !chol.Factorize(s) {
		return nil, fmt.Errorf("sigma_k is not positive definite")
	}
	if len(w.missing) > w.nObs-n {
		return w, w.factorDense(s)
	}
	var lt mat.TriDense
	chol.LTo(&lt)
	w.l = lt.RawTriangular()
	w.p = mat.NewSymDense(n, nil)
	if err := chol.InverseTo(w.p); err != nil {
		return nil, fmt.Errorf("sigma_k: %w", err)
	}
	return w, w.factorGeneral()
}

// newDiagWhitener prepares rsatoolbox's 1-D sigma_k path: the identity
// minimiser g* (the double-centred kernel when nothing is missing) scaled
// to g*_ij/√(σ_iσ_j). This is not V-whitening with diag(σ).
func newDiagWhitener(n int, sigma []float64, observed []bool) (*Whitener, error) {
	if len(sigma) != n {
		return nil, fmt.Errorf("sigma_k has %d values for %d conditions", len(sigma), n)
	}
	for i, v := range sigma {
		if !(v > 0) || math.IsInf(v, 1) {
			return nil, fmt.Errorf("sigma_k[%d] = %g; the variances must be positive and finite", i, v)
		}
	}
	w, err := newWhitener(n, observed)
	if err != nil {
		return nil, err
	}
	w.diag = sigma
	w.factorIdentity()
	return w, nil
}

func newWhitener(n int, observed []bool) (*Whitener, error) {
	if n < 2 {
		return nil, fmt.Errorf("need at least 2 conditions, have %d", n)
	}
	m := n * (n - 1) / 2
	if observed == nil {
		observed = make([]bool, m)
		for k := range observed {
			observed[k] = true
		}
	}
	if len(observed) != m {
		return nil, fmt.Errorf("pair mask has %d entries for %d conditions (%d pairs)", len(observed), n, m)
	}
	w := &Whitener{n: n, m: m, obs: observed, pos: make([]int, m)}
	k := 0
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			if observed[k] {
				w.pos[k] = w.nObs
				w.nObs++
			} else {
				w.pos[k] = -1
				w.missing = append(w.missing, [2]int{i, j})
			}
			k++
		}
	}
	if w.nObs == 0 {
		return nil, fmt.Errorf("no observed pair")
	}
	return w, nil
}

// factorIdentity factors the n × n system of θ for Σ_k = I, the
// z-block's Schur complement (the missing-pair block is 2I):
//
//	S_kl/2 = (n − miss_k)δ_kl + 1 − [pair (k,l) missing]
func (w *Whitener) factorIdentity() {
	n := w.n
	s := mat.NewSymDense(n, nil)
	for k := 0; k < n; k++ {
		for l := k; l < n; l++ {
			s.SetSym(k, l, 1)
		}
		s.SetSym(k, k, float64(n+1))
	}
	for _, p := range w.missing {
		i, j := p[0], p[1]
		s.SetSym(i, i, s.At(i, i)-1)
		s.SetSym(j, j, s.At(j, j)-1)
		s.SetSym(i, j, 0)
	}
	// Positive definite: the z_k are independent and the metric is.
	w.sys.Factorize(s)
}

// factorGeneral factors the (n+q) × (n+q) system for a 2-D Σ_k:
//
//	M[z_k, z_l] = 2(s P_kl + w_k w_l)
//	M[z_k, y_ij] = 2(w_i P_kj + w_j P_ki)
//	M[y_ij, y_kl] = 2(P_ik P_jl + P_il P_jk)
//
// with w = P1 and s = 1ᵀP1.
func (w *Whitener) factorGeneral() error {
	n, q := w.n, len(w.missing)
	p := w.p
	wv := make([]float64, n)
	s := 0.0
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			wv[i] += p.At(i, j)
		}
		s += wv[i]
	}
	m := mat.NewSymDense(n+q, nil)
	for k := 0; k < n; k++ {
		for l := k; l < n; l++ {
			m.SetSym(k, l, 2*(s*p.At(k, l)+wv[k]*wv[l]))
		}
		for u, pr := range w.missing {
			i, j := pr[0], pr[1]
			m.SetSym(k, n+u, 2*(wv[i]*p.At(k, j)+wv[j]*p.At(k, i)))
		}
	}
	for u, pu := range w.missing {
		for v := u; v < q; v++ {
			pv := w.missing[v]
			i, j, k, l := pu[0], pu[1], pv[0], pv[1]
			m.SetSym(n+u, n+v, 2*(p.At(i, k)*p.At(j, l)+p.At(i, l)*p.At(j, k)))
		}
	}
	if !w.sys.Factorize(m) {
		return fmt.Errorf("the RDM covariance V is numerically singular for this sigma_k")
	}
	return nil
}

// factorDense builds V_oo = (Ξ∘Ξ)_oo and factors it.
func (w *Whitener) factorDense(s *mat.SymDense) error {
	type pair struct{ i, j int }
	pairs := make([]pair, 0, w.nObs)
	k := 0
	for i := 0; i < w.n; i++ {
		for j := i + 1; j < w.n; j++ {
			if w.obs[k] {
				pairs = append(pairs, pair{i, j})
			}
			k++
		}
	}
	v := mat.NewSymDense(len(pairs), nil)
	for a, pa := range pairs {
		for b := a; b < len(pairs); b++ {
			pb := pairs[b]
			xi := s.At(pa.i, pb.i) - s.At(pa.i, pb.j) - s.At(pa.j, pb.i) + s.At(pa.j, pb.j)
			v.SetSym(a, b, xi*xi)
		}
	}
	var c mat.Cholesky
	if !c.Factorize(v) {
		return fmt.Errorf("the RDM covariance V is numerically singular for this sigma_k")
	}
	var lt mat.TriDense
	c.LTo(&lt)
	w.dense, w.useV = lt.RawTriangular(), true
	return nil
}

// Dim is the length of the feature vectors.
func (w *Whitener) Dim() int {
	if w.useV {
		return w.nObs
	}
	return w.n * w.n
}

// Features returns f(v) with f(a)·f(b) = aᵀV_oo⁻¹b, for an RDM vector v
// of all n(n−1)/2 pairs (entries of unobserved pairs are ignored).
func (w *Whitener) Features(v []float64) ([]float64, error) {
	if len(v) != w.m {
		return nil, fmt.Errorf("RDM vector has %d values, want %d", len(v), w.m)
	}
	vo := make([]float64, 0, w.nObs)
	for k, x := range v {
		if w.obs[k] {
			vo = append(vo, x)
		}
	}
	return w.features(vo), nil
}

// Inner returns aᵀV_oo⁻¹b for two RDM vectors of all pairs.
func (w *Whitener) Inner(a, b []float64) (float64, error) {
	fa, err := w.Features(a)
	if err != nil {
		return 0, err
	}
	fb, err := w.Features(b)
	if err != nil {
		return 0, err
	}
	s := 0.0
	for k := range fa {
		s += fa[k] * fb[k]
	}
	return s, nil
}

// featureRows maps every row (observed pairs only) to its features.
func (w *Whitener) featureRows(x *mat.Dense) *mat.Dense {
	r, _ := x.Dims()
	out := mat.NewDense(r, w.Dim(), nil)
	for i := 0; i < r; i++ {
		copy(out.RawRowView(i), w.features(x.RawRowView(i)))
	}
	return out
}

// features maps the observed values vo (in pair order) to features.
func (w *Whitener) features(vo []float64) []float64 {
	if w.useV {
		f := append([]float64(nil), vo...)
		blas64.Trsv(blas.NoTrans, w.dense, blas64.Vector{N: len(f), Inc: 1, Data: f})
		return f
	}
	n := w.n
	g := make([]float64, n*n) // g₀ = −D/2, missing entries 0
	for i, k := 0, 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			if p := w.pos[k]; p >= 0 {
				g[i*n+j] = -vo[p] / 2
				g[j*n+i] = g[i*n+j]
			}
			k++
		}
	}
	var theta []float64
	if w.p == nil {
		// (S/2)θ = −Σ_b g₀_kb.
		r := mat.NewVecDense(n, nil)
		for k := 0; k < n; k++ {
			s := 0.0
			for _, x := range g[k*n : (k+1)*n] {
				s += x
			}
			r.SetVec(k, -s)
		}
		var th mat.VecDense
		if err := w.sys.SolveVecTo(&th, r); err != nil && !isCondition(err) {
			panic(err)
		}
		theta = th.RawVector().Data
	} else {
		theta = w.solveGeneral(g)
	}
	for a := 0; a < n; a++ {
		for b := 0; b < n; b++ {
			g[a*n+b] += theta[a] + theta[b]
		}
	}
	for u, pr := range w.missing {
		i, j := pr[0], pr[1]
		if w.p == nil {
			g[i*n+j], g[j*n+i] = 0, 0 // exact optimum for Σ_k = I
		} else {
			g[i*n+j] += theta[n+u]
			g[j*n+i] = g[i*n+j]
		}
	}
	switch {
	case w.diag != nil:
		for a := 0; a < n; a++ {
			for b := 0; b < n; b++ {
				g[a*n+b] /= math.Sqrt(w.diag[a] * w.diag[b])
			}
		}
	case w.p != nil:
		// F = L⁻¹ g L⁻ᵀ = L⁻¹ (L⁻¹ g)ᵀ for symmetric g.
		gm := blas64.General{Rows: n, Cols: n, Stride: n, Data: g}
		blas64.Trsm(blas.Left, blas.NoTrans, 1, w.l, gm)
		t := make([]float64, n*n)
		for a := 0; a < n; a++ {
			for b := 0; b < n; b++ {
				t[b*n+a] = g[a*n+b]
			}
		}
		tm := blas64.General{Rows: n, Cols: n, Stride: n, Data: t}
		blas64.Trsm(blas.Left, blas.NoTrans, 1, w.l, tm)
		g = t
	}
	return g
}

// solveGeneral returns θ = −M⁻¹r for g₀ (2-D Σ_k), with Q = P g₀ P,
// r[z_k] = 2(Q1)_k and r[y_ij] = 2Q_ij.
func (w *Whitener) solveGeneral(g []float64) []float64 {
	n, q := w.n, len(w.missing)
	g0 := mat.NewDense(n, n, g)
	var t, qm mat.Dense
	t.Mul(w.p, g0)
	qm.Mul(&t, w.p)
	r := mat.NewVecDense(n+q, nil)
	for k := 0; k < n; k++ {
		s := 0.0
		for _, x := range qm.RawRowView(k) {
			s += x
		}
		r.SetVec(k, -2*s)
	}
	for u, pr := range w.missing {
		r.SetVec(n+u, -2*qm.At(pr[0], pr[1]))
	}
	var th mat.VecDense
	if err := w.sys.SolveVecTo(&th, r); err != nil && !isCondition(err) {
		panic(err)
	}
	return th.RawVector().Data
}

// isCondition reports whether err is only gonum's ill-conditioning
// warning (the solution is still returned).
func isCondition(err error) bool {
	_, ok := err.(mat.Condition)
	return ok
}
