package encoding

import (
	"context"
	"fmt"
	"math"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/job"
	"gonum.org/v1/gonum/mat"
)

// LOOResult is the outcome of RidgeLOO.
type LOOResult struct {
	Alphas []float64
	// AlphaIndex and Alpha are the chosen alpha of each target.
	AlphaIndex []int
	Alpha      []float64
	// MSE (len(Alphas) × t) is the mean squared leave-one-out residual.
	MSE *mat.Dense
	// Predictions (n × t) are the leave-one-out predictions at the chosen
	// alphas.
	Predictions *mat.Dense
	// R2 and R score Predictions against the targets (R2 with SStot
	// around the mean of all rows).
	R2, R []float64
	// Model is the fit on all rows at the chosen alphas.
	Model *Model
}

// RidgeLOO chooses a ridge alpha per target by exact leave-one-out
// cross-validation, as scikit-learn's RidgeCV(alphas, alpha_per_target=True,
// fit_intercept=True) with cv=None (_RidgeGCV). With Xc = U·diag(s)·Vᵀ the
// thin SVD of the centred features, the hat matrix of ridge with an
// unpenalised intercept is H = 11ᵀ/n + U·diag(s²/(s²+α))·Uᵀ, and the
// leave-one-out residual of row i is e_i/(1 − h_ii), e = y − H·y; this
// equals refitting without row i. The score of alpha a for target j is the
// mean over rows of the squared residuals, MSE[a, j]. The chosen alpha is
// the FIRST minimum in the given order (scikit-learn updates only on a
// strictly better score — the opposite tie-break of RidgeCV's K-fold
// himalaya semantics). Targets and features must be finite.
func RidgeLOO(ctx context.Context, X, Y data.Matrix, alphas []float64, rep *job.Reporter) (*LOOResult, error) {
	n, p, t, err := checkXY(X, Y)
	if err != nil {
		return nil, err
	}
	if err := checkAlphas(alphas); err != nil {
		return nil, err
	}
	if n < 3 {
		return nil, fmt.Errorf("leave-one-out needs at least 3 stimuli, have %d", n)
	}
	xm, err := data.ReadAll(X)
	if err != nil {
		return nil, fmt.Errorf("read features: %w", err)
	}
	ym, err := data.ReadAll(Y)
	if err != nil {
		return nil, fmt.Errorf("read targets: %w", err)
	}
	x, y := xm.RawMatrix().Data, ym.RawMatrix().Data
	if bad := countNonFinite(x); bad > 0 {
		return nil, fmt.Errorf("features hold %d NaN or infinite values", bad)
	}
	if bad := countNonFinite(y); bad > 0 {
		return nil, fmt.Errorf("targets hold %d NaN or infinite values", bad)
	}
	all := allRows(n)
	xmean, err := colMeans(ctx, x, p, all)
	if err != nil {
		return nil, err
	}
	ymean, err := colMeans(ctx, y, t, all)
	if err != nil {
		return nil, err
	}
	xc := make([]float64, n*p)
	for i := 0; i < n; i++ {
		for j := 0; j < p; j++ {
			xc[i*p+j] = x[i*p+j] - xmean[j]
		}
	}
	yc := make([]float64, n*t)
	for i := 0; i < n; i++ {
		for j := 0; j < t; j++ {
			yc[i*t+j] = y[i*t+j] - ymean[j]
		}
	}
	u, s, _, err := svdThin(n, p, xc)
	if err != nil {
		return nil, err
	}
	r := len(s)
	z := make([]float64, r*t)
	gemm(true, false, r, t, n, 1, u, r, yc, t, 0, z, t)
	nA := len(alphas)
	mse := make([]float64, nA*t)
	best := make([]int, t)
	bestMSE := make([]float64, t)
	for j := range bestMSE {
		bestMSE[j] = math.Inf(1)
	}
	pred := make([]float64, n*t)
	fz := make([]float64, r*t)
	fit := make([]float64, n*t)
	h := make([]float64, n)
	f := make([]float64, r)
	pr := progress{rep}
	pr.total(nA)
	for a, alpha := range alphas {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for k, sv := range s {
			f[k] = sv * sv / (sv*sv + alpha)
		}
		for k := 0; k < r; k++ {
			for j := 0; j < t; j++ {
				fz[k*t+j] = f[k] * z[k*t+j]
			}
		}
		gemm(false, false, n, t, r, 1, u, r, fz, t, 0, fit, t)
		for i := 0; i < n; i++ {
			hi := 1 / float64(n)
			for k, v := range u[i*r : (i+1)*r] {
				hi += v * v * f[k]
			}
			h[i] = hi
		}
		row := mse[a*t : (a+1)*t]
		for i := 0; i < n; i++ {
			for j := 0; j < t; j++ {
				e := (yc[i*t+j] - fit[i*t+j]) / (1 - h[i])
				row[j] += e * e
			}
		}
		for j := range row {
			row[j] /= float64(n)
			if row[j] < bestMSE[j] {
				bestMSE[j], best[j] = row[j], a
				for i := 0; i < n; i++ {
					e := (yc[i*t+j] - fit[i*t+j]) / (1 - h[i])
					pred[i*t+j] = y[i*t+j] - e
				}
			}
		}
		pr.add(1)
	}
	res := &LOOResult{Alphas: append([]float64(nil), alphas...), AlphaIndex: best, Alpha: make([]float64, t),
		MSE: mat.NewDense(nA, t, mse), Predictions: mat.NewDense(n, t, pred)}
	for j, b := range best {
		res.Alpha[j] = alphas[b]
	}
	if res.R2, err = R2(ym, res.Predictions); err != nil {
		return nil, err
	}
	if res.R, err = Pearson(ym, res.Predictions); err != nil {
		return nil, err
	}
	if res.Model, err = fitPrimal(ctx, x, n, p, y, t, res.Alpha, true); err != nil {
		return nil, err
	}
	return res, nil
}
