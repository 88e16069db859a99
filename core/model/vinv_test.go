package model

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// denseV builds V = Ξ∘Ξ, Ξ = C Σ Cᵀ explicitly (rsatoolbox get_v).
func denseV(n int, sigma mat.Matrix) *mat.Dense {
	ii, jj := pairIndices(n)
	m := len(ii)
	c := mat.NewDense(m, n, nil)
	for p := range ii {
		c.Set(p, ii[p], 1)
		c.Set(p, jj[p], -1)
	}
	if sigma == nil {
		d := mat.NewDiagDense(n, nil)
		for i := 0; i < n; i++ {
			d.SetDiag(i, 1)
		}
		sigma = d
	}
	var cs, xi mat.Dense
	cs.Mul(c, sigma)
	xi.Mul(&cs, c.T())
	xi.MulElem(&xi, &xi)
	return &xi
}

func TestVInvMatchesDenseV(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const n = 6
	m := n * (n - 1) / 2
	a := mat.NewDense(n, n, nil)
	for i := range n * n {
		a.RawMatrix().Data[i] = rng.NormFloat64()
	}
	var spd mat.Dense
	spd.Mul(a, a.T())
	for i := 0; i < n; i++ {
		spd.Set(i, i, spd.At(i, i)+1)
	}
	someNaN := make([]bool, m)
	for j := range someNaN {
		someNaN[j] = j != 2 && j != 7 && j != 11
	}
	for _, tc := range []struct {
		name  string
		sigma mat.Matrix
		ok    []bool
	}{
		{"identity", nil, nil},
		{"sigma", &spd, nil},
		{"identity, 3 pairs left out", nil, someNaN},
		{"sigma, 3 pairs left out", &spd, someNaN},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vi, err := newVInv(n, tc.sigma, tc.ok)
			if err != nil {
				t.Fatal(err)
			}
			v := denseV(n, tc.sigma)
			var keep []int
			for j := 0; j < m; j++ {
				if tc.ok == nil || tc.ok[j] {
					keep = append(keep, j)
				}
			}
			voo := mat.NewDense(len(keep), len(keep), nil)
			for x, j := range keep {
				for y, l := range keep {
					voo.Set(x, y, v.At(j, l))
				}
			}
			b := make([]float64, len(keep))
			for i := range b {
				b[i] = rng.Float64()
			}
			var want mat.VecDense
			if err := want.SolveVec(voo, mat.NewVecDense(len(b), b)); err != nil {
				t.Fatal(err)
			}
			got, err := vi.Apply(b)
			if err != nil {
				t.Fatal(err)
			}
			for i := range got {
				if d := math.Abs(got[i] - want.AtVec(i)); d > 1e-9*(1+math.Abs(want.AtVec(i))) {
					t.Fatalf("[%d] = %g, want %g", i, got[i], want.AtVec(i))
				}
			}
		})
	}
}

func TestVInvErrors(t *testing.T) {
	if _, err := newVInv(4, mat.NewDense(3, 3, nil), nil); err == nil {
		t.Error("wrong Σ_k size: no error")
	}
	if _, err := newVInv(4, mat.NewDense(4, 4, nil), nil); err == nil {
		t.Error("singular Σ_k: no error")
	}
	if _, err := newVInv(4, nil, make([]bool, 6)); err == nil {
		t.Error("every pair excluded: no error")
	}
}
