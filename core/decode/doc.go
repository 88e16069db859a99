// Package decode is a behaviour-like readout of a representation:
// cross-validated linear decoding of a stimulus descriptor (category,
// animacy, …) from a layer's activation patterns, with its confusion
// matrix.
//
// # Patterns and kernel
//
// Every classifier here needs the patterns only through their linear
// kernel K = X̃·X̃ᵀ (n × n), where X̃ is the n × p layer with each
// stimulus pattern's mean over units removed (x̃_i = x_i − x̄_i·1, the
// centring of correlation RDMs, so that one Gram matrix serves both an
// RDM and the readout — core/lesion downdates it to lesion units without
// re-reading the layer). The cost is O(n³) per fold whatever the number
// of units p.
//
// # Classifiers
//
// ridge (default) is scikit-learn's RidgeClassifier (one-vs-rest
// least-squares regression on one-hot targets with an intercept, the
// predicted level being the arg-max) in its dual (kernel) form. On the
// training stimuli T, with H = I − 11ᵀ/|T| the centring matrix,
//
//	K_c = H·K_TT·H,   Y_c = H·Y,   A = (K_c + λI)⁻¹·Y_c
//	ŷ(t) = ȳ + (K_tT − k̄_t·1ᵀ − 1·k̄_Tᵀ + k̄)·A
//
// where k̄_t is the mean of K_tT, k̄_T the column means of K_TT and k̄ its
// grand mean; this equals the primal ridge fit on the centred patterns.
// The penalty is relative to the data, λ = α·tr(K_c)/|T| (α = Alpha,
// default 1: the mean squared norm of a centred training pattern), so
// the classifier does not change when the activations are rescaled.
// Coding the targets as ±1 instead of 0/1, as scikit-learn does, gives the
// same arg-max.
//
// ncm is the nearest class mean (Euclidean) classifier:
//
//	ĉ(t) = argmin_c K_tt − 2·mean_{i∈c} K_ti + mean_{i,j∈c} K_ij
//
// Ties go to the level that appears first.
//
// # Cross-validation
//
// Stratified K-fold (K = Folds, default 5), seeded: the stimuli of each
// level are shuffled (math/rand/v2 PCG, seed Seed) and dealt in turn to
// folds 0, 1, …, K−1, continuing the count from one level to the next,
// so every fold holds each level in proportion and fold sizes differ by
// at most one. Each stimulus is predicted once, by the classifier trained
// on the other folds. Accuracy is the fraction predicted correctly; the
// confusion matrix counts stimuli by true level (rows) and predicted
// level (columns), levels in order of first appearance.
//
// A descriptor with one level, a level with fewer stimuli than folds,
// labels of the wrong length or a kernel with non-finite entries are
// errors.
package decode
