// Package encoding fits encoding models: regularised linear maps from a
// network layer's activations X (n stimuli × p units) to neural targets Y
// (n × t voxels, neurons or electrodes), scored by cross-validation and
// normalised by the noise ceiling of the data. The numbers match the
// field's reference implementations: himalaya (ridge and kernel ridge with
// per-target cross-validated penalties), scikit-learn (leave-one-out
// RidgeCV, PLSRegression) and Brain-Score (split-half ceiling,
// ceiling-normalised predictivity).
//
// # Ridge with fixed penalties (Ridge)
//
// With x̄, ȳ the training means, Xc = X − 1x̄ᵀ and yc_j = y_j − ȳ_j, each
// target j gets
//
//	b_j = argmin ‖Xc b − yc_j‖² + α_j‖b‖² = (XcᵀXc + α_j I)⁻¹Xcᵀyc_j
//	    = Xcᵀ(XcXcᵀ + α_j I)⁻¹yc_j,          c_j = ȳ_j − x̄ᵀb_j,
//
// and predicts ŷ_j(x) = xᵀb_j + c_j. The loss is a sum of squares, so α
// is not rescaled by n; the intercept is not penalised; features are never
// standardised. Without intercept X and y are used raw and c_j = 0
// (himalaya.ridge.Ridge, sklearn.linear_model.Ridge). When p ≤ n the
// primal form uses the thin SVD Xc = U diag(s) Vᵀ (LAPACK dgesdd):
// b_j = V diag(s/(s²+α_j)) Uᵀyc_j (himalaya ridge/_solvers.py
// solve_ridge_svd). Otherwise the kernel form uses the eigendecomposition
// of the centred linear kernel Kc = XcXcᵀ = V diag(λ) Vᵀ (LAPACK dsyevd):
// dual coefficients a_j = V diag(1/(λ+α_j)) Vᵀyc_j, b_j = Xcᵀa_j, and
// ŷ(x) = (x − x̄)ᵀXcᵀa_j + ȳ_j. Per-target penalties cost one projection
// UᵀY (or VᵀY) for all targets, scaled column by column.
//
// # Per-target penalty by K-fold cross-validation (RidgeCV)
//
// This is himalaya's solve_ridge_cv_svd and
// solve_kernel_ridge_cv_eigenvalues (ridge/_random_search.py,
// kernel_ridge/_random_search.py) with local_alpha=True:
//
//  1. Folds are scikit-learn's KFold(K, shuffle=False): fold k tests the
//     contiguous rows [start_k, stop_k), the first n mod K folds holding
//     ⌊n/K⌋+1 rows (KFold); GroupFolds makes one fold per run or session
//     label instead. Fewer stimuli than folds is an error.
//  2. Inside fold k, X_tr and Y_tr are centred on their training means and
//     ridge is fitted for every α of the grid; the test rows are predicted
//     as ŷ = ȳ_tr + (X_te − x̄_tr)b.
//  3. The fold score is minus the mean squared error over its test rows,
//     S[k, a, j] = −(1/n_k) Σ_{i∈k} (y_ij − ŷ_ij(α_a))².
//  4. m[a, j] = (1/K) Σ_k S[k, a, j] — an unweighted mean even when folds
//     differ in size — plus the tie-break slope 1e-10·ln α_a; each target
//     takes the FIRST argmax over a, so exact ties go to the larger alpha
//     (himalaya _select_best_alphas). MeanScore holds m without the slope.
//  5. Out-of-fold predictions of row i come from the fold that tests i, at
//     target j's chosen alpha.
//  6. The model is refitted on all n rows at each target's alpha.
//
// Scores of the out-of-fold predictions (all per target):
//
//	R2:         1 − Σ_i (y_i − ŷ_i)² / Σ_i (y_i − ȳ)², ȳ over all n rows
//	            (himalaya.scoring.r2_score of the stacked predictions);
//	R2FoldMean: R² inside each test fold (SStot around the fold's own
//	            mean), unweighted mean over folds;
//	R, RFoldMean: Pearson r pooled over all rows, or per fold and averaged.
//
// A target whose values are all equal has R² = 0 (himalaya's convention)
// and Pearson r NaN. Targets holding NaN or ±Inf are excluded and listed
// in CVResult.Excluded (their results are NaN, alpha index −1); features
// must be finite. In single-level CV the alpha is chosen on the same folds
// that give the predictions, so a pure-noise target can show a small
// positive R²; NestedRidgeCV gives unbiased held-out scores.
//
// # How the alpha grid is evaluated
//
// Both forms reduce to one spectral expression per fold. With W (n_tr × r)
// and R (n_te × r),
//
//	ŷ_te(α) − ȳ_tr = R diag(g_α) Wᵀ (Y_tr − 1ȳ_trᵀ)
//
// where the primal form (thin SVD of Xc_tr) has W = U, R = Xc_te V,
// g_α = s/(s²+α), and the kernel form (eigendecomposition of the doubly
// centred training kernel) has W = V, R = Kc_te,tr V, g_α = 1/(λ+α). All
// alphas and all targets are evaluated with BLAS matrix products, never
// target by target: either the stacked maps A_α = R diag(g_α) Wᵀ of every
// α (an (n_α·n_te) × n_tr matrix) multiply Y_tr, costing n_α·n_te·n_tr·t,
// or Z = Wᵀ(Y_tr − 1ȳᵀ) is formed once and the stacked R diag(g_α)
// multiply it, costing r·n_tr·t + n_α·n_te·r·t; the cheaper is used. Targets
// are processed in column blocks (about 32 MB of products at a time) and
// the squared errors of each alpha accumulated in parallel (core/job.For).
// Pooled and fold scores at the chosen alphas come from sums accumulated
// in the same pass (Σŷ, Σŷ², Σyŷ per fold), so predictions are only formed
// when asked for.
//
// The kernel form needs only the n × n Gram matrix. LinearGram streams it
// from a lazily read layer (core/data.Matrix, e.g. float32 on disk) in
// column blocks: each block holds whole columns, whose means are removed
// exactly before a BLAS rank-k update (dsyrk), so K = XcXcᵀ is column
// centred without a second pass. Fold k needs the kernel of its rows
// centred on the training mean x̄_tr, which follows from any column
// centring of K:
//
//	(x_i − x̄_tr)·(x_j − x̄_tr) = K_ij − m_i − m_j + m̄,
//	m_i = (1/n_tr) Σ_{l∈tr} K_il,  m̄ = (1/n_tr) Σ_{i∈tr} m_i,
//
// for training and test rows alike (himalaya's KernelCenterer). RidgeCVGram
// accepts such a Gram matrix directly (also core/rdm.Gram with
// centre=false); a layer of 100,000 float32 units × 1,000 stimuli then
// needs the 8 MB Gram matrix, one 16 MB column block and the targets.
//
// Fast mode (CVOptions.Fast) evaluates the stacked products in float32
// (SGEMM, twice the throughput) and bounds their rounding: a float32 dot
// product of length n_tr errs by about √n_tr·u·Σ|s||y| (statistical
// bound, Higham 2002 §3.5; u = 2⁻²⁴), so each fold's squared error carries
// at most 2√SSE·ε + ε² with ε = (4√n_tr + 8)·u·‖A_α‖_F·‖y_tr‖. Every target
// whose best score does not beat each rival by the sum of their bounds is
// re-scored in float64, and the scores at the chosen alphas, the
// predictions and R² and r are always computed in float64. Chosen alphas
// therefore equal those of the float64 path; only the off-choice entries
// of Scores carry float32 rounding.
//
// # Nested cross-validation (NestedRidgeCV)
//
// Outer contiguous folds; inside each outer training set (rows kept in
// their order and renumbered) RidgeCV with K_inner contiguous folds chooses
// each target's alpha, the model is refitted on the outer training set and
// predicts the outer test rows; scores as above on those predictions.
//
// # Leave-one-out (RidgeLOO)
//
// scikit-learn RidgeCV(alphas, alpha_per_target=True, fit_intercept=True),
// cv=None (linear_model/_ridge.py, _RidgeGCV): with the hat matrix
// H = 11ᵀ/n + U diag(s²/(s²+α)) Uᵀ of ridge with an unpenalised intercept,
// the LOO residual is e_i/(1 − h_ii) with e = y − Hy, exactly the residual
// of a refit without row i. The score is the mean squared LOO residual and
// the FIRST alpha with the smallest score wins (scikit-learn updates only
// on a strictly better score, the opposite of himalaya's tie-break).
//
// # PLS (PLS)
//
// scikit-learn PLSRegression(n_components, scale=False)
// (cross_decomposition/_pls.py): PLS2, mode A, regression deflation, on
// centred (unscaled) X and Y. Each component's x-weights w come from
// NIPALS — mirrored exactly: start from the first column of Yk with an
// entry above eps, w_old = 100, w = Xkᵀu/(uᵀu), w /= ‖w‖+eps, s = Xk w,
// c = Ykᵀs/(sᵀs), u = Yk c/(cᵀc+eps), stop when ‖w − w_old‖² < 1e-6 or Y
// has one column (at most 500 passes) — or, for ExactSVD, the leading left
// singular vector of XkᵀYk. w is flipped so its largest |entry| is
// positive; s = Xk w, p = Xkᵀs/(sᵀs), q = Ykᵀs/(sᵀs), Xk −= s pᵀ,
// Yk −= s qᵀ. The coefficients are B = W (PᵀW)⁺ Qᵀ and
// ŷ = (x − x̄)B + ȳ. This is Brain-Score's pls metric with 25 components.
//
// # Reliability and noise-ceiling normalisation
//
// Repeated data are [repetition][stimulus × target]. For a split of the
// repetitions into halves A and B, a and b are the means over each half,
// r_j = Pearson(a[:, j], b[:, j]) across stimuli and the Spearman–Brown
// correction with n = 2 is r_SB = 2r/(1+r) (no clipping; n stays 2 for
// unequal halves) — SplitHalf, with EvenOddHalves or given halves. The
// Brain-Score ceiling (InternalConsistency,
// metrics/internal_consistency/ceiling.py) is the mean over splits of the
// median over targets of r_SB (NaN skipped; even counts average the two
// middle values); the per-target ceiling is the mean over splits of r_SB.
//
// CrossRegressedCorrelation reproduces Brain-Score's regression metrics
// (metrics/regression_correlation/metric.py with CrossValidation from
// metric_helpers/transformations.py): fit on the training stimuli of each
// split, Pearson r per target over the test stimuli, median over targets,
// mean over splits = raw. Ceiled gives score_current = raw²/ceiling
// (benchmark_helpers/neural_common.py explained_variance since commit
// e376e306), score_legacy = (raw/ceiling)² (the formula behind most
// published Brain-Score numbers) and the per-target form
// mean_j (mean_s r_sj)²/ceiling_j (neuroid_wise_explained_var).
// CVResult.Ceil sets r_j²/ceiling_j per target.
//
// # Variance partitioning (VariancePartition)
//
// For feature sets A and B, cross-validated R² of ridge on A, on B and on
// [A B] give unique_A = R²_AB − R²_B, unique_B = R²_AB − R²_A and
// shared = R²_A + R²_B − R²_AB per target (Lescroart et al. 2015; de Heer
// et al. 2017).
//
// Every long computation takes a context.Context (cancellation is checked
// between blocks) and an optional *job.Reporter for progress; user input
// errors are returned, never panicked on.
package encoding
