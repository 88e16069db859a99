// Package mds embeds the conditions of an RDM as points in a plane (or any
// low dimension) for display: classical (Torgerson) scaling and SMACOF
// metric MDS, as used by rsatoolbox's vis/scatter_plot.py (which calls
// scikit-learn's SMACOF) to show an RDM on the RSA page.
//
// The dissimilarities δ_ij of the RDM are taken as distances. RDMs of
// squared distances (rsatoolbox's euclidean and mahalanobis RDMs) are best
// square-rooted first. Negative dissimilarities (possible for crossnobis
// estimates) are treated as 0.
//
// # Classical scaling
//
// With Δ² the matrix of squared dissimilarities and H = I − 11ᵀ/n, the
// double-centred B = −½ H Δ² H is the Gram matrix of a centred
// configuration when δ is Euclidean. Its eigen-decomposition
// B = U Λ Uᵀ (λ₁ ≥ λ₂ ≥ …) gives X = U_d diag(√max(λ,0)) — the best rank-d
// fit of B (Torgerson 1952; Gower 1966). The sign of each eigenvector is
// fixed so that its entry of largest magnitude (the first such) is
// positive, so the output is deterministic. Classical scaling needs every
// dissimilarity: NaN is an error.
//
// # SMACOF
//
// SMACOF (de Leeuw 1977; Borg & Groenen, Modern Multidimensional Scaling,
// 2005, ch. 8) minimises the raw stress
//
//	σ(X) = Σ_{i<j} w_ij (δ_ij − d_ij(X))²,   d_ij(X) = ‖x_i − x_j‖,
//
// by iterating the Guttman transform X ← V⁺ B(X) X, with
// b_ij = −w_ij δ_ij / d_ij(X) (0 when d_ij = 0), b_ii = −Σ_{j≠i} b_ij, and V
// the weighted Laplacian (v_ij = −w_ij, v_ii = Σ_j w_ij). With unit weights
// V⁺ = I/n (centred X). Each step cannot increase σ (majorisation), so the
// stress history is non-increasing. Pairs whose dissimilarity is NaN get
// weight 0 (they must not split the conditions into unconnected groups).
// Iteration stops when the relative decrease (σ_prev − σ)/σ_prev falls
// below Tol, when σ/Σ w δ² < 1e-30, or after MaxIter steps. The start is a
// seeded uniform random configuration (as scikit-learn), or one supplied
// by the caller, such as the classical solution. Several starts may run in
// parallel; the lowest stress wins.
//
// Both methods return the configuration centred and rotated to its
// principal axes (largest variance first, signs as above), which changes
// no distance but makes plots of similar RDMs look alike.
package mds
