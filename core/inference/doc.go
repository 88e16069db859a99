// Package inference is statistical inference on RDM comparisons: noise
// ceilings, the evaluation of fixed models, bootstrap resampling of
// stimuli and subjects with the corrected dual bootstrap, permutation
// tests, t-tests and percentile tests of models against zero, against the
// noise ceiling and against each other, and multiple-comparison
// correction. It follows rsatoolbox (inference/evaluate.py,
// inference/noise_ceiling.py, inference/bootstrap.py,
// util/inference_util.py). RDMs are the rows of a *mat.Dense, condensed
// upper triangles as in core/rdm, and every comparison is
// core/compare.Compare.
//
// # Noise ceiling
//
// For data RDMs d_1 … d_S in groups g (one RDM per group by default),
// NoiseCeiling is rsatoolbox's leave-one-group-out boot_noise_ceiling:
//
//	lower = mean_g mean_{s∈g} compare(pool(d_t : t ∉ g), d_s)
//	upper = mean_g mean_{s∈g} compare(pool(d_1 … d_S), d_s)
//
// where pool (compare.Pool, rsatoolbox pool_rdm) averages the RDMs after
// the normalisation that suits the method (÷RMS for cosine, z-score for
// corr, ranks for the rank methods). With the folds of KFoldRDM it is
// cv_noise_ceiling.
//
// # Fixed models
//
// EvalFixed gives e_ks = compare(model_k, d_s), the ceiling, and
// V = cov(e, ddof 0)/S (eval_fixed). Its Result treats subjects as the
// random factor: Var(ē_k) = V_kk·S/(S−1) = var₁(e_k)/S, t-tests with S−1
// degrees of freedom.
//
// # Bootstrap
//
// Evaluate resamples subjects (groups of data RDMs), stimuli (groups of
// conditions; the copies of a condition are compared with nothing, as
// rsatoolbox's NaN self-dissimilarities), or both, N times in parallel,
// each sample from its own generator seeded from (seed, sample index).
// In every sample b it records the mean score of each model over the
// sampled data RDMs and the sample's noise ceiling; samples with fewer
// than 3 distinct stimuli are dropped. With Σ the covariance over samples
// of (scores, lower, upper), the variances of a score, of a difference of
// two scores and of a score minus the lower ceiling are
//
//	v_k = Σ_kk,   v_kl = Σ_kk + Σ_ll − 2Σ_kl,   v_k,nc = Σ_kk − 2Σ_k,lo + Σ_lo,lo
//
// scaled by n/(n−1) for the n resampled units (extract_variances). The
// dual bootstrap evaluates the same draws three ways — both factors (b),
// subjects only (r), stimuli only (p) — and combines, with
// a = n_r/(n_r−1) and c = n_p/(n_p−1) (Schütt et al. 2023,
// _dual_bootstrap),
//
//	v = a·v_r + c·v_p − a·c·(v_b − v_r − v_p),  clipped to [max(a·v_r, c·v_p), v_b].
//
// # Tests
//
// With T ~ t(dof), rsatoolbox's t-tests are p₀ = P(T > ē/√v) (one-sided,
// score > 0), p_nc = 2P(T > |ē − lower|/√v_nc) and p_kl = 2P(T > |ē_k −
// ē_l|/√v_kl) (two-sided); the percentile tests count bootstrap samples on
// the wrong side. Confidence intervals are the 2.5 and 97.5 % percentiles
// of the bootstrap samples. FDR (Benjamini–Hochberg) and Bonferroni
// correct the pairwise p-values. PermutationTest is the condition-label
// randomisation test of a model against 0 (Nili et al. 2014).
package inference
