package compare

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestRank(t *testing.T) {
	got := Rank([]float64{10, 20, 10, 5, 20, 20})
	want := []float64{2.5, 5, 2.5, 1, 5, 5}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("Rank = %v want %v", got, want)
		}
	}
}

func TestSpearmanPearson(t *testing.T) {
	tests := []struct {
		name   string
		a, b   []float64
		sp, pe float64
	}{
		{"monotone", []float64{1, 2, 3, 4}, []float64{1, 4, 9, 16}, 1, 0.9843740386976969},
		{"reversed", []float64{1, 2, 3}, []float64{3, 2, 1}, -1, -1},
		{"nan dropped", []float64{1, math.NaN(), 2, 3}, []float64{2, 5, 4, 6}, 1, 1},
	}
	for _, tt := range tests {
		if got := Spearman(tt.a, tt.b); math.Abs(got-tt.sp) > 1e-12 {
			t.Errorf("%s: Spearman = %v want %v", tt.name, got, tt.sp)
		}
		if got := Pearson(tt.a, tt.b); math.Abs(got-tt.pe) > 1e-12 {
			t.Errorf("%s: Pearson = %v want %v", tt.name, got, tt.pe)
		}
	}
}

func same(a, b float64, tol float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Abs(a-b) <= tol
}

// TestHandComputed checks every vector measure on cases small enough to
// count by hand.
func TestHandComputed(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name         string
		a, b         []float64
		tauA, tauB   float64
		rhoA         float64
		cos, corr, s float64 // cosine, corr, spearman as Compare gives them
	}{
		// Pairs (0,1) C, (0,2) C, (1,2) D: C−D = 1 of 3.
		{"one swap", []float64{1, 2, 3}, []float64{1, 3, 2}, 1.0 / 3, 1.0 / 3, 0.5, 13.0 / 14, 0.5, 0.5},
		// (0,1) tied in a, (0,2) C, (1,2) tied in b: τa = 1/3, τb = 1/√(2·2).
		{"ties", []float64{1, 1, 2}, []float64{1, 2, 2}, 1.0 / 3, 0.5, 12 * 0.75 / 24, 7 / math.Sqrt(6*9), 0.5, 0.5},
		{"reversed", []float64{1, 2, 3, 4}, []float64{4, 3, 2, 1}, -1, -1, -1, 20 / 30.0, -1, -1},
		// A constant vector: τa 0, τb NaN (scipy), cosine-type measures 0.
		{"constant", []float64{2, 2, 2}, []float64{1, 2, 3}, 0, nan, 0, 12 / (math.Sqrt(12) * math.Sqrt(14)), 0, 0},
		{"zero", []float64{0, 0, 0}, []float64{1, 2, 3}, 0, nan, 0, 0, 0, 0},
		{"too short", []float64{1}, []float64{2}, nan, nan, nan, 1, 0, 0},
	}
	for _, tt := range tests {
		if got := TauA(tt.a, tt.b); !same(got, tt.tauA, 1e-15) {
			t.Errorf("%s: TauA = %v want %v", tt.name, got, tt.tauA)
		}
		if got := TauB(tt.a, tt.b); !same(got, tt.tauB, 1e-15) {
			t.Errorf("%s: TauB = %v want %v", tt.name, got, tt.tauB)
		}
		if got := RhoA(tt.a, tt.b); !same(got, tt.rhoA, 1e-15) {
			t.Errorf("%s: RhoA = %v want %v", tt.name, got, tt.rhoA)
		}
		a := mat.NewDense(1, len(tt.a), tt.a)
		b := mat.NewDense(1, len(tt.b), tt.b)
		for _, c := range []struct {
			method string
			want   float64
		}{{"cosine", tt.cos}, {"corr", tt.corr}, {"spearman", tt.s}, {"tau-a", tt.tauA}, {"kendall", tt.tauB}, {"tau-b", tt.tauB}, {"rho-a", tt.rhoA}} {
			got, err := Compare(a, b, c.method, nil)
			if err != nil {
				t.Fatalf("%s %s: %v", tt.name, c.method, err)
			}
			if g := got.At(0, 0); !same(g, c.want, 1e-15) {
				t.Errorf("%s: Compare %s = %v want %v", tt.name, c.method, g, c.want)
			}
		}
	}
}

// bruteTau counts concordant and discordant pairs in O(n²).
func bruteTau(a, b []float64) (tauA, tauB float64) {
	n := len(a)
	var s, ta, tb float64
	sign := func(x float64) float64 {
		switch {
		case x > 0:
			return 1
		case x < 0:
			return -1
		}
		return 0
	}
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			sa, sb := sign(a[i]-a[j]), sign(b[i]-b[j])
			s += sa * sb
			if sa == 0 {
				ta++
			}
			if sb == 0 {
				tb++
			}
		}
	}
	n0 := float64(n*(n-1)) / 2
	return s / n0, s / math.Sqrt((n0-ta)*(n0-tb))
}

func TestTauMatchesBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 200; trial++ {
		n := 2 + r.IntN(300)
		levels := 1 + r.IntN(20) // few levels: many ties
		a := make([]float64, n)
		b := make([]float64, n)
		for i := range a {
			a[i] = float64(r.IntN(levels))
			if trial%2 == 0 {
				b[i] = r.NormFloat64()
			} else {
				b[i] = float64(r.IntN(levels))
			}
		}
		wa, wb := bruteTau(a, b)
		if got := TauA(a, b); !same(got, wa, 1e-12) {
			t.Fatalf("trial %d: TauA = %v, brute force %v", trial, got, wa)
		}
		if got := TauB(a, b); !same(got, wb, 1e-12) {
			t.Fatalf("trial %d: TauB = %v, brute force %v", trial, got, wb)
		}
	}
}

// TestTauRadixPath covers the radix sort used for long vectors (≥ 512
// entries): negative values, ±0, ±Inf and heavy ties.
func TestTauRadixPath(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	n := 1500
	a := make([]float64, n)
	b := make([]float64, n)
	special := []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), -1e300, 1e-300}
	for i := range a {
		a[i] = float64(r.IntN(40)-20) / 4
		b[i] = r.NormFloat64() * 1e3
		if r.IntN(10) == 0 {
			a[i] = special[r.IntN(len(special))]
			b[i] = special[r.IntN(len(special))]
		}
	}
	wa, wb := bruteTau(a, b)
	if got := TauA(a, b); !same(got, wa, 1e-12) {
		t.Fatalf("TauA = %v, brute force %v", got, wa)
	}
	if got := TauB(a, b); !same(got, wb, 1e-12) {
		t.Fatalf("TauB = %v, brute force %v", got, wb)
	}
	order := make([]int32, n)
	sortOrder(b, order)
	for k := 1; k < n; k++ {
		if b[order[k-1]] > b[order[k]] {
			t.Fatalf("sortOrder: %v before %v", b[order[k-1]], b[order[k]])
		}
	}
}

func TestCountInversions(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 2, 15, 16, 17, 33, 100, 1000} {
		v := make([]float64, n)
		for i := range v {
			v[i] = float64(r.IntN(7))
		}
		var want int64
		for i := 0; i < n; i++ {
			for j := i + 1; j < n; j++ {
				if v[i] > v[j] {
					want++
				}
			}
		}
		got := countInversions(v, make([]float64, n))
		if got != want {
			t.Fatalf("n=%d: %d inversions, want %d", n, got, want)
		}
		for i := 1; i < n; i++ {
			if v[i-1] > v[i] {
				t.Fatalf("n=%d: not sorted", n)
			}
		}
	}
}

func TestCompareNaNAndErrors(t *testing.T) {
	nan := math.NaN()
	a := mat.NewDense(2, 3, []float64{1, 2, nan, 3, 1, nan})
	b := mat.NewDense(1, 3, []float64{2, 4, nan})
	got, err := Compare(a, b, "corr", nil)
	if err != nil {
		t.Fatal(err)
	}
	// Only pairs 0 and 1 remain: corr(1,2 | 2,4) = 1, corr(3,1 | 2,4) = −1.
	if !same(got.At(0, 0), 1, 1e-15) || !same(got.At(1, 0), -1, 1e-15) {
		t.Fatalf("corr with NaN pair = %v", mat.Formatted(got))
	}
	// A pair NaN in any RDM of a set is dropped from both sets.
	a2 := mat.NewDense(2, 3, []float64{1, 2, nan, nan, 1, 5})
	b2 := mat.NewDense(1, 3, []float64{nan, 4, nan})
	if got, err := Compare(a2, b2, "cosine", nil); err != nil || got.At(0, 0) != 1 {
		t.Fatalf("joint NaN mask: %v, %v", got, err)
	}
	for _, tt := range []struct {
		name   string
		a, b   *mat.Dense
		method string
		msg    string
	}{
		{"sizes", mat.NewDense(1, 3, nil), mat.NewDense(1, 6, nil), "cosine", "different sizes"},
		{"method", mat.NewDense(1, 3, nil), mat.NewDense(1, 3, nil), "euclid", "unknown method"},
		{"masks", a, mat.NewDense(1, 3, []float64{1, nan, 2}), "cosine", "different pairs"},
		{"all nan", mat.NewDense(1, 3, []float64{nan, nan, nan}), mat.NewDense(1, 3, []float64{nan, nan, nan}), "cosine", "every pair"},
		{"not an rdm", mat.NewDense(1, 4, []float64{1, 2, 3, 4}), mat.NewDense(1, 4, []float64{1, 2, 3, 4}), "cosine_cov", "not the length"},
		{"bures nan", a, mat.NewDense(1, 3, []float64{1, 2, nan}), "bures", "NaN"},
	} {
		_, err := Compare(tt.a, tt.b, tt.method, nil)
		if err == nil || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.msg)
		}
	}
	if _, err := Compare(mat.NewDense(1, 3, nil), mat.NewDense(1, 3, nil), "cosine_cov", &Options{SigmaKDiag: []float64{1, 2}}); err == nil {
		t.Error("1-D sigma_k of the wrong length accepted")
	}
	if _, err := Compare(mat.NewDense(1, 3, nil), mat.NewDense(1, 3, nil), "cosine_cov", &Options{SigmaK: mat.NewDense(3, 3, []float64{1, 2, 0, 2, 1, 0, 0, 0, 1})}); err == nil {
		t.Error("indefinite sigma_k accepted")
	}
}

// contrastV builds V = (CΣCᵀ)∘(CΣCᵀ) densely (the definition).
func contrastV(n int, sigma *mat.SymDense) *mat.SymDense {
	type pr struct{ i, j int }
	var ps []pr
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			ps = append(ps, pr{i, j})
		}
	}
	v := mat.NewSymDense(len(ps), nil)
	for a, p := range ps {
		for b, q := range ps {
			xi := sigma.At(p.i, q.i) - sigma.At(p.i, q.j) - sigma.At(p.j, q.i) + sigma.At(p.j, q.j)
			v.SetSym(a, b, xi*xi)
		}
	}
	return v
}

// restrictedInner returns aᵀV_oo⁻¹b by a dense solve.
func restrictedInner(v *mat.SymDense, obs []bool, a, b []float64) float64 {
	var idx []int
	for k, o := range obs {
		if o {
			idx = append(idx, k)
		}
	}
	vo := mat.NewSymDense(len(idx), nil)
	for x, i := range idx {
		for y, j := range idx {
			vo.SetSym(x, y, v.At(i, j))
		}
	}
	ao := mat.NewVecDense(len(idx), nil)
	bo := mat.NewVecDense(len(idx), nil)
	for x, i := range idx {
		ao.SetVec(x, a[i])
		bo.SetVec(x, b[i])
	}
	var sol mat.VecDense
	if err := sol.SolveVec(vo, bo); err != nil {
		panic(err)
	}
	return mat.Dot(ao, &sol)
}

// TestWhitenerMatchesDenseV checks aᵀV_oo⁻¹b against the definition for
// the identity and a full Σ_k, with and without missing pairs, including
// the dense fallback (most pairs missing).
func TestWhitenerMatchesDenseV(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	n := 7
	m := n * (n - 1) / 2
	randVec := func() []float64 {
		v := make([]float64, m)
		for k := range v {
			v[k] = r.Float64() * 3
		}
		return v
	}
	x := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			x.Set(i, j, r.NormFloat64())
		}
	}
	full := mat.NewSymDense(n, nil)
	full.SymOuterK(1.0/float64(n), x)
	for i := 0; i < n; i++ {
		full.SetSym(i, i, full.At(i, i)+0.5)
	}
	eye := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		eye.SetSym(i, i, 1)
	}
	for _, sig := range []struct {
		name string
		s    *mat.SymDense
	}{{"identity", eye}, {"full", full}} {
		v := contrastV(n, sig.s)
		for _, nMiss := range []int{0, 1, 4, 15} {
			obs := make([]bool, m)
			for k := range obs {
				obs[k] = true
			}
			for _, k := range r.Perm(m)[:nMiss] {
				obs[k] = false
			}
			var sk *mat.Dense
			if sig.name == "full" {
				sk = mat.DenseCopyOf(sig.s)
			}
			w, err := NewWhitener(n, sk, obs)
			if err != nil {
				t.Fatal(err)
			}
			for trial := 0; trial < 3; trial++ {
				a, b := randVec(), randVec()
				got, err := w.Inner(a, b)
				if err != nil {
					t.Fatal(err)
				}
				want := restrictedInner(v, obs, a, b)
				if math.Abs(got-want) > 1e-10*math.Abs(want) {
					t.Errorf("%s, %d missing (dense V path %v): aᵀV⁻¹b = %.15g, dense solve %.15g", sig.name, nMiss, w.useV, got, want)
				}
			}
		}
	}
}

// TestDiagSigmaQuirk checks rsatoolbox's 1-D sigma_k path: the Frobenius
// cosine of S^{-1/2} H(−D/2)H S^{-1/2}, which is not V-whitening.
func TestDiagSigmaQuirk(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	n := 5
	sig := []float64{0.5, 1, 2, 1.5, 0.8}
	vecs := mat.NewDense(2, 10, nil)
	for k := 0; k < 20; k++ {
		vecs.RawMatrix().Data[k] = r.Float64()
	}
	got, err := Compare(vecs.Slice(0, 1, 0, 10).(*mat.Dense), vecs.Slice(1, 2, 0, 10).(*mat.Dense), "cosine_cov", &Options{SigmaKDiag: sig})
	if err != nil {
		t.Fatal(err)
	}
	scaled := func(v []float64) []float64 {
		g := Kernel(v, n)
		f := make([]float64, 0, n*n)
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				f = append(f, g.At(i, j)/math.Sqrt(sig[i]*sig[j]))
			}
		}
		return f
	}
	fa, fb := scaled(vecs.RawRowView(0)), scaled(vecs.RawRowView(1))
	var ab, aa, bb float64
	for k := range fa {
		ab += fa[k] * fb[k]
		aa += fa[k] * fa[k]
		bb += fb[k] * fb[k]
	}
	if want := ab / math.Sqrt(aa*bb); math.Abs(got.At(0, 0)-want) > 1e-13 {
		t.Fatalf("1-D sigma_k cosine_cov = %v want %v", got.At(0, 0), want)
	}
}

func TestBuresIdentical(t *testing.T) {
	// Squared distances of 4 points in the plane: G is PSD of rank 2.
	pts := [][2]float64{{0, 0}, {1, 0}, {0, 2}, {3, 1}}
	var v []float64
	for i := range pts {
		for j := i + 1; j < len(pts); j++ {
			dx, dy := pts[i][0]-pts[j][0], pts[i][1]-pts[j][1]
			v = append(v, dx*dx+dy*dy)
		}
	}
	a := mat.NewDense(1, len(v), v)
	b := mat.NewDense(1, len(v), nil)
	b.Scale(4, a)
	sim, err := Compare(a, b, "bures", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !same(sim.At(0, 0), 1, 1e-7) {
		t.Errorf("bures of proportional RDMs = %v, want 1", sim.At(0, 0))
	}
	dist, err := Compare(a, a, "bures_metric", nil)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(dist.At(0, 0)) > 1e-6 {
		t.Errorf("squared Bures distance of an RDM to itself = %v, want 0", dist.At(0, 0))
	}
	// The distance of A to 4A is tr A + 4 tr A − 2·2 tr A = tr A.
	d4, _ := Compare(a, b, "bures_metric", nil)
	if tr := mat.Trace(Kernel(v, 4)); !same(d4.At(0, 0), tr, 1e-6) {
		t.Errorf("bures_metric(A, 4A) = %v, want tr A = %v", d4.At(0, 0), tr)
	}
}

func TestNegRiemIdentical(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	n, p := 6, 8
	x := mat.NewDense(n, p, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < p; j++ {
			x.Set(i, j, r.NormFloat64())
		}
	}
	var v []float64
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			d := 0.0
			for k := 0; k < p; k++ {
				d += (x.At(i, k) - x.At(j, k)) * (x.At(i, k) - x.At(j, k))
			}
			v = append(v, d)
		}
	}
	a := mat.NewDense(1, len(v), v)
	got, err := Compare(a, a, "neg_riem_dist", nil)
	if err != nil {
		t.Fatal(err)
	}
	// G₁ = G₂ makes every eigenvalue e^{θ₁} + e^{θ₂}λ(Σ̂, G) > 1 for θ = 0;
	// the minimum pushes θ₂ → −∞ and θ₁ → 0, so the distance is small.
	if d := -got.At(0, 0); !(d >= 0 && d < 0.05) {
		t.Errorf("neg_riem_dist of an RDM with itself = %v, want a distance near 0", got.At(0, 0))
	}
}

func TestNelderMeadQuadratic(t *testing.T) {
	f := func(x []float64) float64 { return (x[0]-1)*(x[0]-1) + 10*(x[1]+2)*(x[1]+2) }
	x, fx := NelderMead(f, []float64{0, 0}, 1e-8, 1e-12, 2000)
	if math.Abs(x[0]-1) > 1e-4 || math.Abs(x[1]+2) > 1e-4 || fx > 1e-8 {
		t.Fatalf("NelderMead = %v (f %v)", x, fx)
	}
}

func TestPool(t *testing.T) {
	nan := math.NaN()
	rdms := mat.NewDense(2, 3, []float64{1, 2, nan, 3, 6, nan})
	got, err := Pool(rdms, "cosine")
	if err != nil {
		t.Fatal(err)
	}
	// Both rows scale to [1, 2]/√2.5.
	if !same(got[0], 1/math.Sqrt(2.5), 1e-15) || !same(got[1], 2/math.Sqrt(2.5), 1e-15) || !math.IsNaN(got[2]) {
		t.Fatalf("Pool cosine = %v", got)
	}
	got, _ = Pool(mat.NewDense(2, 3, []float64{1, 2, 3, 30, 10, 20}), "spearman")
	if got[0] != 2 || got[1] != 1.5 || got[2] != 2.5 {
		t.Fatalf("Pool spearman = %v", got)
	}
	got, _ = Pool(mat.NewDense(1, 3, []float64{1, 2, 3}), "corr")
	if !same(got[0], 0, 1e-15) || !same(got[2], 2*math.Sqrt(1.5), 1e-12) {
		t.Fatalf("Pool corr = %v", got)
	}
	if _, err := Pool(rdms, "nope"); err == nil {
		t.Fatal("unknown pooling method accepted")
	}
}

func TestCancel(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	a := mat.NewDense(20, 4186, nil)
	for i := range a.RawMatrix().Data {
		a.RawMatrix().Data[i] = r.Float64()
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := CompareContext(ctx, a, a, "tau-a", nil); err == nil {
		t.Fatal("cancelled comparison returned no error")
	}
}

// TestCov92Fast checks that cosine_cov on 92-condition RDMs (4186 pairs)
// with missing pairs and a full Σ_k is quick (V is never inverted).
func TestCov92Fast(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	n := 92
	m := n * (n - 1) / 2
	a := mat.NewDense(4, m, nil)
	for i := range a.RawMatrix().Data {
		a.RawMatrix().Data[i] = r.Float64()
	}
	for i := 0; i < 4; i++ {
		for _, k := range []int{5, 700, 4000} {
			a.Set(i, k, math.NaN())
		}
	}
	x := mat.NewDense(n, n, nil)
	for i := range x.RawMatrix().Data {
		x.RawMatrix().Data[i] = r.NormFloat64()
	}
	var s mat.Dense
	s.Mul(x, x.T())
	for i := 0; i < n; i++ {
		s.Set(i, i, s.At(i, i)+float64(n))
	}
	for _, opt := range []*Options{nil, {SigmaK: &s}} {
		got, err := Compare(a, a, "corr_cov", opt)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 4; i++ {
			if !same(got.At(i, i), 1, 1e-12) {
				t.Fatalf("self-similarity %v", got.At(i, i))
			}
		}
	}
}

func BenchmarkTauA500k(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	const m = 500_000
	x := make([]float64, m)
	y := make([]float64, m)
	for i := range x {
		x[i] = math.Round(r.NormFloat64()*100) / 100 // ties
		y[i] = x[i] + r.NormFloat64()
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		TauA(x, y)
	}
}

func BenchmarkCompareCosineCov92(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	m := 92 * 91 / 2
	a := mat.NewDense(8, m, nil)
	for i := range a.RawMatrix().Data {
		a.RawMatrix().Data[i] = r.Float64()
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Compare(a, a, "cosine_cov", nil); err != nil {
			b.Fatal(err)
		}
	}
}

func ExampleCompare() {
	models := mat.NewDense(2, 6, []float64{
		0, 1, 1, 1, 1, 0, // categorical: {0,1} vs {2,3}
		1, 2, 3, 1, 2, 1, // graded
	})
	data := mat.NewDense(1, 6, []float64{0.1, 0.9, 1.2, 0.8, 1.1, 0.2})
	for _, method := range []string{"corr", "spearman", "tau-a"} {
		sim, err := Compare(models, data, method, nil)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%-8s %.3f %.3f\n", method, sim.At(0, 0), sim.At(1, 0))
	}
	// Output:
	// corr     0.950 0.813
	// spearman 0.828 0.926
	// tau-a    0.533 0.733
}

func ExampleTauA() {
	// Pairs of entries: (0,1) concordant, (0,2) concordant, (1,2) discordant.
	fmt.Printf("%.4f\n", TauA([]float64{1, 2, 3}, []float64{1, 3, 2}))
	// Output: 0.3333
}

func ExamplePool() {
	rdms := mat.NewDense(2, 3, []float64{
		1, 2, 3,
		10, 30, 20,
	})
	avg, _ := Pool(rdms, "spearman") // mean ranks
	fmt.Println(avg)
	// Output: [1 2.5 2.5]
}
