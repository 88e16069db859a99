package noise

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func randResiduals(r *rand.Rand, n, p int) *mat.Dense {
	a := mat.NewDense(p, p, nil)
	a.Apply(func(i, j int, _ float64) float64 {
		v := r.NormFloat64() / math.Sqrt(float64(p))
		if i == j {
			v += 0.5 + 1.5*r.Float64()
		}
		return v
	}, a)
	x := mat.NewDense(n, p, nil)
	x.Apply(func(_, _ int, _ float64) float64 { return r.NormFloat64() }, x)
	var out mat.Dense
	out.Mul(x, a)
	for j := 0; j < p; j++ { // column offsets: Covariance must remove them
		off := 3 * r.NormFloat64()
		for i := 0; i < n; i++ {
			out.Set(i, j, out.At(i, j)+off)
		}
	}
	return &out
}

// refCov computes the estimators by explicit loops from the definitions
// in doc.go.
func refCov(x *mat.Dense, method Method, dof int) *mat.Dense {
	n, p := x.Dims()
	r := mat.DenseCopyOf(x)
	for j := 0; j < p; j++ {
		var m float64
		for i := 0; i < n; i++ {
			m += r.At(i, j)
		}
		m /= float64(n)
		for i := 0; i < n; i++ {
			r.Set(i, j, r.At(i, j)-m)
		}
	}
	if dof <= 0 {
		dof = n - 1
	}
	fn, fd := float64(n), float64(dof)
	xtx := mat.NewDense(p, p, nil)
	q := mat.NewDense(p, p, nil)
	for a := 0; a < p; a++ {
		for b := 0; b < p; b++ {
			var s, s2 float64
			for t := 0; t < n; t++ {
				u, v := r.At(t, a), r.At(t, b)
				s += u * v
				s2 += u * u * v * v
			}
			xtx.Set(a, b, s)
			q.Set(a, b, s2)
		}
	}
	out := mat.NewDense(p, p, nil)
	switch method {
	case Full:
		out.Scale(1/fd, xtx)
	case Diag:
		for i := 0; i < p; i++ {
			out.Set(i, i, xtx.At(i, i)/fd)
		}
	case ShrinkageEye:
		var s mat.Dense
		s.Scale(1/fn, xtx)
		var b2, d2, m float64
		for i := 0; i < p; i++ {
			m += s.At(i, i) / float64(p)
		}
		for i := 0; i < p; i++ {
			for j := 0; j < p; j++ {
				b2 += (q.At(i, j)/fn - s.At(i, j)*s.At(i, j)) / fn
				e := s.At(i, j)
				if i == j {
					e -= m
				}
				d2 += e * e
			}
		}
		b2 = math.Min(b2, d2)
		for i := 0; i < p; i++ {
			for j := 0; j < p; j++ {
				v := (d2 - b2) / d2 * s.At(i, j)
				if i == j {
					v += b2 / d2 * m
				}
				out.Set(i, j, v*fn/fd)
			}
		}
	case ShrinkageDiag:
		var num, den float64
		v := func(i int) float64 { return xtx.At(i, i) / fd }
		for i := 0; i < p; i++ {
			for j := 0; j < p; j++ {
				if i == j {
					continue
				}
				rb := xtx.At(i, j) / math.Sqrt(v(i)*v(j)) / (fn - 1)
				rb2 := q.At(i, j) / (v(i) * v(j)) / (fn - 1)
				num += fn / (fd * fd) * (rb2 - rb*rb)
				den += rb * rb
			}
		}
		lam := math.Max(0, math.Min(1, num/den))
		for i := 0; i < p; i++ {
			for j := 0; j < p; j++ {
				s := xtx.At(i, j) / fd
				if i != j {
					s *= 1 - lam
				}
				out.Set(i, j, s)
			}
		}
	}
	return out
}

func TestCovarianceByDefinition(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, sz := range []struct{ n, p, dof int }{{40, 10, 0}, {40, 10, 30}, {12, 5, 0}, {8, 15, 0}} {
		x := randResiduals(r, sz.n, sz.p)
		for _, m := range Methods {
			got, err := Covariance(x, m, sz.dof)
			if err != nil {
				t.Fatalf("%s %v: %v", m, sz, err)
			}
			if want := refCov(x, m, sz.dof); !mat.EqualApprox(got, want, 1e-12) {
				t.Fatalf("%s %v: covariance differs from the definition", m, sz)
			}
			if m == Full && sz.n <= sz.p {
				continue // singular
			}
			prec, err := Precision(x, m, sz.dof)
			if err != nil {
				t.Fatalf("%s %v: precision: %v", m, sz, err)
			}
			var id mat.Dense
			id.Mul(prec, got)
			for i := 0; i < sz.p; i++ {
				for j := 0; j < sz.p; j++ {
					want := 0.0
					if i == j {
						want = 1
					}
					if math.Abs(id.At(i, j)-want) > 1e-9 {
						t.Fatalf("%s %v: P·Σ is not the identity", m, sz)
					}
				}
			}
		}
	}
}

func TestCovarianceFromMeasurements(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const nc, reps, p = 5, 4, 6
	conds := make([]float64, nc*reps)
	for i := range conds {
		conds[i] = float64((i * 7) % nc)
	}
	x := randResiduals(r, nc*reps, p)
	// Residuals about the condition means, in any row order.
	res := mat.NewDense(nc*reps, p, nil)
	for j := 0; j < p; j++ {
		for k := 0; k < nc; k++ {
			var m float64
			for i, c := range conds {
				if int(c) == k {
					m += x.At(i, j) / reps
				}
			}
			for i, c := range conds {
				if int(c) == k {
					res.Set(i, j, x.At(i, j)-m)
				}
			}
		}
	}
	for _, m := range Methods {
		got, err := CovarianceFromMeasurements(x, conds, m)
		if err != nil {
			t.Fatal(err)
		}
		if want := refCov(res, m, (nc-1)*reps); !mat.EqualApprox(got, want, 1e-12) {
			t.Fatalf("%s: differs from the definition", m)
		}
	}
	if _, err := CovarianceFromMeasurements(x, conds[:len(conds)-1], ShrinkageDiag); err == nil {
		t.Error("wrong label count: no error")
	}
	uneven := append([]float64(nil), conds...)
	uneven[0] = 99
	if _, err := CovarianceFromMeasurements(x, uneven, ShrinkageDiag); err == nil || !strings.Contains(err.Error(), "same number of repetitions") {
		t.Errorf("unequal repetitions: %v", err)
	}
}

func TestSigmaK(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	const nc, nf, p = 4, 3, 5
	var conds, folds []float64
	for f := 0; f < nf; f++ {
		for k := 0; k < nc; k++ {
			conds = append(conds, float64(nc-k))
			folds = append(folds, float64(f))
		}
	}
	x := randResiduals(r, nc*nf, p)
	d := mat.NewDiagDense(p, []float64{1, 4, 9, 0.25, 1})
	for _, prec := range []mat.Matrix{nil, d} {
		got, labels, err := SigmaK(x, conds, folds, prec)
		if err != nil {
			t.Fatal(err)
		}
		if labels[0] != 1 || labels[nc-1] != nc {
			t.Fatalf("labels %v not ascending", labels)
		}
		w := mat.DenseCopyOf(x)
		if prec != nil {
			for i := 0; i < nc*nf; i++ {
				for j := 0; j < p; j++ {
					w.Set(i, j, w.At(i, j)*math.Sqrt(d.At(j, j)))
				}
			}
		}
		// U_k and U_fk: with one observation per fold, U_fk is that row.
		want := mat.NewDense(nc, nc, nil)
		for a := 0; a < nc; a++ {
			for b := 0; b < nc; b++ {
				var s float64
				for f := 0; f < nf; f++ {
					for j := 0; j < p; j++ {
						ra, rb := f*nc+(nc-1-a), f*nc+(nc-1-b) // label a+1 sits at k = nc−1−a
						var ua, ub float64
						for g := 0; g < nf; g++ {
							ua += w.At(g*nc+(nc-1-a), j) / nf
							ub += w.At(g*nc+(nc-1-b), j) / nf
						}
						s += (w.At(ra, j) - ua) * (w.At(rb, j) - ub)
					}
				}
				want.Set(a, b, s/(nf-1)/p)
			}
		}
		if !mat.EqualApprox(got, want, 1e-12) {
			t.Fatalf("Σ_k differs from the definition:\n%v\n%v", mat.Formatted(got), mat.Formatted(want))
		}
	}
	if _, _, err := SigmaK(x, conds, make([]float64, len(conds)), nil); err == nil {
		t.Error("one fold: no error")
	}
}

func TestErrors(t *testing.T) {
	x := mat.NewDense(4, 2, []float64{1, 2, 3, 4, 5, 6, 7, 9})
	if _, err := Covariance(x, "ledoit", 0); err == nil || !strings.Contains(err.Error(), "unknown covariance estimator") {
		t.Errorf("unknown method: %v", err)
	}
	if _, err := Covariance(mat.NewDense(1, 3, nil), Full, 0); err == nil {
		t.Error("one row: no error")
	}
	nan := mat.NewDense(3, 2, []float64{1, math.NaN(), 3, 4, 5, 6})
	if _, err := Covariance(nan, Full, 0); err == nil || !strings.Contains(err.Error(), "finite") {
		t.Errorf("NaN residual: %v", err)
	}
	constant := mat.NewDense(3, 2, []float64{1, 2, 1, 3, 1, 5})
	if _, err := Covariance(constant, ShrinkageDiag, 0); err == nil || !strings.Contains(err.Error(), "no variance") {
		t.Errorf("constant channel: %v", err)
	}
	wide := mat.NewDense(3, 5, []float64{1, 2, 3, 4, 5, 2, 1, 0, 3, 3, 0, 0, 1, 2, 9})
	if _, err := Precision(wide, Full, 0); err == nil || !strings.Contains(err.Error(), "shrinkage") {
		t.Errorf("singular full covariance: %v", err)
	}
	if _, err := Precision(wide, ShrinkageDiag, 0); err != nil {
		t.Errorf("shrinkage precision of wide residuals: %v", err)
	}
}
