// Package noise estimates the noise covariance Σ over measurement channels
// and its inverse, the precision P = Σ⁻¹, that whiten patterns for the
// mahalanobis and crossnobis RDMs; and Σ_k, the noise covariance of
// condition patterns (rsatoolbox data/noise.py).
//
// Estimators from residuals R (n × p). The column means of R are always
// subtracted first; dof defaults to n − 1; XtX = RᵀR and
// Q = (R∘R)ᵀ(R∘R), i.e. Q_ij = Σ_t r_ti² r_tj².
//
//	full            Σ = XtX/dof
//	diag            Σ = diag(diag(XtX)/dof)
//	shrinkage_eye   Ledoit–Wolf shrinkage towards m·I (_covariance_eye):
//	                S = XtX/n, m = tr(S)/p, d² = ‖S − mI‖²_F,
//	                b² = min(Σ_ij (Q_ij/n − S_ij²)/n, d²),
//	                Σ = ((b²/d²)·m·I + ((d² − b²)/d²)·S)·n/dof
//	shrinkage_diag  Schäfer–Strimmer shrinkage towards the diagonal
//	                (_covariance_diag): S = XtX/dof, v = diag(S),
//	                r̄_ij = XtX_ij/√(v_i v_j)/(n−1), r̄2_ij = Q_ij/(v_i v_j)/(n−1),
//	                var̂ = n/dof²·(r̄2 − r̄²),
//	                λ = clip(Σ_{i≠j} var̂_ij / Σ_{i≠j} r̄_ij², 0, 1),
//	                Σ = S with its off-diagonal entries multiplied by 1 − λ
//
// The n − 1 (not dof) in r̄ and r̄2 is rsatoolbox's. Precision inverts the
// covariance (np.linalg.inv in prec_from_residuals).
//
// From repeated measurements (cov_from_measurements): every condition
// needs the same number r of repetitions; each observation has its
// condition's mean subtracted (rows holding a NaN are then dropped) and the
// estimator runs on those n = n_cond·r rows without another column
// centring, with rsatoolbox's dof = (n_cond − 1)·r.
//
// Σ_k (sigmak_from_measurements): the data are whitened, W = X·P^{1/2}
// (P = I by default), U holds the condition means of W and U_f those
// within fold f; Σ_k = Σ_f (U_f − U)(U_f − U)ᵀ / (n_f − 1) / p, where n_f
// counts the folds in which both conditions of a cell occur (the number
// of folds for balanced data).
package noise
