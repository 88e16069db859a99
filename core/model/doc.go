// Package model holds RDM models and the functions that fit their
// parameters θ to data RDMs, as rsatoolbox's model module
// (model/model.py, model/fitter.py, util/pooling.py).
//
// RDMs are condensed vectors over n conditions (upper triangle, row-major,
// i < j; length m = n(n−1)/2). A model holds k component RDM vectors
// r_1 … r_k (rows of a k × m matrix) and predicts an RDM from θ:
//
//	Fixed        pred = r (the mean of the RDMs it was built from); no θ
//	Weighted     pred(θ) = Σ_k θ_k r_k                 (ModelWeighted)
//	Select       pred(θ) = r_θ, θ an index             (ModelSelect)
//	Interpolate  pred(θ) = Σ_k max(θ_k, 0) r_k          (ModelInterpolate)
//
// Fitting maximises the mean similarity s̄(θ) = mean_d compare(pred(θ), D_d)
// over the data RDMs D_1 … D_N, with a comparison method of
// core/compare ("cosine", "corr", "spearman", …).
//
// # FitRegress (fit_regress)
//
// The closed-form least-squares fit of a Weighted model, exact for the
// cosine family:
//
//  1. Pool the data into one RDM y (util/pooling.py::pool_rdm):
//     cosine: each D_d is divided by its RMS √(nanmean D_d²), then
//     averaged; corr: each D_d is z-scored (nanmean, nanstd with ddof 0),
//     averaged, then y ← y − min y + 0.01; cosine_cov: each D_d is divided
//     by √(D_dᵀ V⁻¹ D_d), then averaged; corr_cov: each D_d is centred,
//     then as cosine_cov, then y ← y − min y + 0.01. Positions where the
//     first data RDM is NaN stay NaN.
//  2. X is the k × m matrix of components. For corr and corr_cov its rows
//     are centred; for corr_cov y is centred too.
//  3. W = I for cosine and corr, W = V⁻¹ for the _cov methods.
//  4. θ solves (X W Xᵀ + λ I) θ = X W y, λ the ridge weight.
//  5. θ is scaled to unit Euclidean norm (θ = 0 is returned as is).
//
// Pairs that are NaN are left out (components and the pooled data must be
// NaN at the same pairs); V is then restricted to the remaining pairs.
//
// # The RDM covariance V of the _cov methods
//
// V is the covariance of the RDM entries under i.i.d. pattern noise with
// stimulus covariance Σ_k (identity by default; util/matrix.py::get_v):
// with C the pairwise contrast matrix (row (i,j) has +1 at i and −1 at j),
// Ξ = C Σ_k Cᵀ and V = Ξ ∘ Ξ (m × m). V is never formed: for RDM vectors
// a, b with hollow symmetric matrices A, B,
//
//	aᵀ V⁻¹ b = ¼ tr(P A P B),   P = Σ_k⁻¹ − Σ_k⁻¹11ᵀΣ_k⁻¹ / (1ᵀΣ_k⁻¹1),
//
// so V⁻¹a is the condensed upper triangle of ½ P A P, an O(n³) product
// (for Σ_k = I, P is the centring matrix H and aᵀV⁻¹b = ⟨G_a, G_b⟩_F with
// G = H(−A/2)H, the kernel form of rsatoolbox's _cov_weighting). When pairs
// are excluded (NaN), the inverse of V restricted to the kept pairs o is
// the Schur complement W_oo − W_on W_nn⁻¹ W_no of W = V⁻¹, where W_nn is
// small (one row and column per excluded pair). rsatoolbox solves these
// systems with conjugate gradients (relative residual 1e-5), so its _cov
// fits differ from these exact ones by about 1e-6.
//
// # FitRegressNN (fit_regress_nn)
//
// The same objective under θ ≥ 0: minimise ½θᵀQθ − cᵀθ with
// Q = X W Xᵀ + λI and c = X W y, by the Lawson–Hanson active-set algorithm
// in its normal-equation form (Bro & de Jong 1997, as rsatoolbox's
// _nn_least_squares); see NNLS. θ is then scaled to unit norm.
//
// # FitOptimize (fit_optimize)
//
// Maximises s̄(θ) − λ‖θ‖² over θ ∈ ℝᵏ (θ is the weight vector itself, no
// reparameterisation) by BFGS (central finite-difference gradients, stop at
// ‖∇‖∞ < 1e-6 as scipy's tol=1e-6) from 2k random starts θ₀ ~ U[0,1)ᵏ drawn
// from a seeded PCG; the best start wins and θ is
// scaled to unit norm. FitOptimizePositive (fit_optimize_positive)
// optimises over φ with θ = φ∘φ ≥ 0, starting from 0 (evaluated only), one
// random start and the k starts e_i + 0.001.
//
// # FitInterpolate (fit_interpolate)
//
// For each neighbouring pair (k, k+1), a bounded Brent search (scipy's
// minimize_scalar(method='bounded'), xatol 1e-5) finds w ∈ [0,1]
// maximising s̄ of w·r_k + (1−w)·r_{k+1}; the pair with the best value wins
// and θ has w and 1−w at positions k and k+1, zero elsewhere.
//
// # FitSelect (fit_select)
//
// Returns the index of the component with the highest mean similarity
// (the first one on ties).
package model
