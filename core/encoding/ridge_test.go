package encoding

import (
	"context"
	"testing"

	"github.com/alignscope/alignscope/core/data"
	"gonum.org/v1/gonum/mat"
)

func TestRidgeMatchesNormalEquations(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		n, p int
		form Form
	}{
		{"primal", 40, 10, Auto},
		{"kernel", 30, 60, Auto},
		{"primal-forced-kernel", 40, 10, Kernel},
		{"kernel-forced-primal", 30, 60, Primal},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x, y := randData(tc.n, tc.p, 4, 1)
			xt, _ := randData(7, tc.p, 1, 2)
			alphas := []float64{0.5, 3, 30, 300}
			m, err := Ridge(ctx, data.Dense{M: x}, data.Dense{M: y}, alphas, &RidgeOptions{Form: tc.form}, nil)
			if err != nil {
				t.Fatal(err)
			}
			coef, err := m.Coefficients(ctx)
			if err != nil {
				t.Fatal(err)
			}
			pred, err := m.Predict(ctx, data.Dense{M: xt})
			if err != nil {
				t.Fatal(err)
			}
			for j, a := range alphas {
				b, c := refRidge(x, mat.Col(nil, j, y), a)
				checkClose(t, "coef", mat.Col(nil, j, coef), b, 1e-9)
				checkClose(t, "intercept", []float64{m.Intercept[j]}, []float64{c}, 1e-9)
				want := make([]float64, 7)
				for i := range want {
					want[i] = c + mat.Dot(mat.NewVecDense(len(b), b), xt.RowView(i))
				}
				checkClose(t, "pred", mat.Col(nil, j, pred), want, 1e-9)
			}
		})
	}
}

func TestRidgeNoIntercept(t *testing.T) {
	ctx := context.Background()
	x, y := randData(25, 8, 2, 3)
	for _, form := range []Form{Primal, Kernel} {
		m, err := Ridge(ctx, data.Dense{M: x}, data.Dense{M: y}, []float64{2}, &RidgeOptions{NoIntercept: true, Form: form}, nil)
		if err != nil {
			t.Fatal(err)
		}
		coef, err := m.Coefficients(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// (XᵀX + 2I) b = Xᵀy on raw X.
		var a mat.Dense
		a.Mul(x.T(), x)
		for k := 0; k < 8; k++ {
			a.Set(k, k, a.At(k, k)+2)
		}
		var rhs, want mat.Dense
		rhs.Mul(x.T(), y)
		if err := want.Solve(&a, &rhs); err != nil {
			t.Fatal(err)
		}
		for j := 0; j < 2; j++ {
			checkClose(t, form.String(), mat.Col(nil, j, coef), mat.Col(nil, j, &want), 1e-9)
			if m.Intercept[j] != 0 {
				t.Errorf("intercept %v without intercept", m.Intercept[j])
			}
		}
	}
}

func TestRidgeErrors(t *testing.T) {
	ctx := context.Background()
	x, y := randData(10, 3, 2, 1)
	bad := mat.DenseCopyOf(y)
	bad.Set(2, 1, nan())
	for name, f := range map[string]func() error{
		"alphas count": func() error {
			_, err := Ridge(ctx, data.Dense{M: x}, data.Dense{M: y}, []float64{1, 2, 3}, nil, nil)
			return err
		},
		"negative alpha": func() error {
			_, err := Ridge(ctx, data.Dense{M: x}, data.Dense{M: y}, []float64{-1}, nil, nil)
			return err
		},
		"rows": func() error {
			_, err := Ridge(ctx, data.Dense{M: x}, data.Dense{M: mat.NewDense(9, 2, nil)}, []float64{1}, nil, nil)
			return err
		},
		"nan": func() error {
			_, err := Ridge(ctx, data.Dense{M: x}, data.Dense{M: bad}, []float64{1}, nil, nil)
			return err
		},
	} {
		if f() == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestPredictGram(t *testing.T) {
	ctx := context.Background()
	x, y := randData(30, 50, 3, 5)
	xt, _ := randData(6, 50, 1, 6)
	k, err := LinearGram(ctx, data.Dense{M: x}, nil)
	if err != nil {
		t.Fatal(err)
	}
	opt := &CVOptions{Alphas: DefaultAlphas(-1, 3, 5), K: 3}
	rg, err := RidgeCVGram(ctx, k, data.Dense{M: y}, opt, nil)
	if err != nil {
		t.Fatal(err)
	}
	rx, err := RidgeCV(ctx, data.Dense{M: x}, data.Dense{M: y}, opt, nil)
	if err != nil {
		t.Fatal(err)
	}
	kx, err := CrossGram(ctx, data.Dense{M: xt}, data.Dense{M: x}, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	pg, err := rg.Model.PredictGram(kx)
	if err != nil {
		t.Fatal(err)
	}
	px, err := rx.Model.Predict(ctx, data.Dense{M: xt})
	if err != nil {
		t.Fatal(err)
	}
	checkClose(t, "PredictGram", pg.RawMatrix().Data, px.RawMatrix().Data, 1e-9)
	if _, err := rg.Model.Predict(ctx, data.Dense{M: xt}); err == nil {
		t.Error("Predict on a Gram fit: no error")
	}
}
