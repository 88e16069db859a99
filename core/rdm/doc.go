// Package rdm computes representational dissimilarity matrices (RDMs).
//
// An RDM over n stimuli is stored condensed: the upper triangle, row-major,
// i < j (the scipy squareform and rsatoolbox order), n(n−1)/2 values.
//
// Distances follow rsatoolbox (rdm/calc.py) for patterns m_i ∈ ℝᵖ:
//
//	euclidean    d_ij = ‖m_i − m_j‖² / p
//	correlation  d_ij = 1 − r(m_i, m_j), Pearson r over the p channels
//
// Both need only the n × n Gram matrix G = X·Xᵀ, which is accumulated from
// streamed column blocks of X with a BLAS rank-k update, so a layer larger
// than memory works: ‖m_i − m_j‖² = G_ii + G_jj − 2G_ij, and for
// correlation the rows are first centred (two passes over the data).
package rdm
