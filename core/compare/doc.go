// Package compare measures the agreement of RDMs, as rsatoolbox's
// rdm/compare.py::compare(rdm1, rdm2, method, sigma_k), and pools RDMs for
// noise ceilings (util/inference_util.py::pool_rdm).
//
// Compare takes two stacks of RDM vectors (rows, upper triangle row-major,
// n(n−1)/2 pairs over n conditions) and returns the n1 × n2 matrix of
// similarities, entry [i, j] comparing a[i] with b[j].
//
// # Missing pairs
//
// A pair (column) that is NaN in any RDM of a set is dropped from both
// sets (rsatoolbox _parse_input_rdms). The two sets must have the same
// NaN pairs; otherwise Compare returns an error, as rsatoolbox raises
// ValueError. Below, a and b are the remaining vectors and m their length.
//
// # Methods
//
//	cosine       a·b / (‖a‖‖b‖); 0 when either norm is 0
//	corr         cosine of a − ā and b − b̄; a constant vector gives 0
//	spearman     corr of the average ranks (scipy rankdata); constant → 0
//	rho-a        12 Σ_k (r_k − r̄)(s_k − s̄) / (m³ − m) with average ranks:
//	             Spearman without the tie correction
//	tau-a        (C − D) / (m(m−1)/2), C and D the concordant and
//	             discordant pairs of entries (ties count as neither),
//	             clipped to [−1, 1]; constant → 0
//	kendall      tau-b (scipy.stats.kendalltau): (C − D)/√((n₀−n₁)(n₀−n₂)),
//	(tau-b)      n₀ = m(m−1)/2, n₁, n₂ the pairs tied in a, in b;
//	             a constant vector gives NaN
//	cosine_cov   aᵀV⁻¹b / √(aᵀV⁻¹a · bᵀV⁻¹b), V = Ξ∘Ξ, Ξ = CΣ_kCᵀ (C the
//	             pairwise contrasts), restricted to the remaining pairs
//	corr_cov     cosine_cov of a − ā and b − b̄
//	bures        Σ √max(eig(A^{1/2}BA^{1/2}), 0) / √(tr A · tr B) with the
//	             double-centred kernels A, B = H(−D/2)H, H = I − 11ᵀ/n
//	bures_metric tr A + tr B − 2 Σ √max(eig(A^{1/2}BA^{1/2}), 0), the
//	             squared Bures distance (0 for identical kernels)
//	neg_riem_dist −min_θ √(Σ log² λ), λ the generalised eigenvalues of
//	             (e^{θ₁}G₁ + e^{θ₂}Σ̂, G₂) with G from condition 0 as the
//	             reference (G_ii = d_0i, G_ij = (d_0i + d_0j − d_ij)/2) and
//	             Σ̂ = PΣ_kPᵀ, P = [−1 | I]; minimised like scipy's default
//	             Nelder–Mead from θ = (0, 0)
//
// bures, bures_metric and neg_riem_dist need complete RDMs (no NaN);
// bures is NaN when a kernel is zero (an all-zero RDM), and neg_riem_dist
// needs the second set's G positive definite (rsatoolbox's scipy call
// raises otherwise).
//
// # Whitened measures
//
// V is never inverted. For Σ_k = I the V⁻¹ inner product is the Frobenius
// product of the minimum-norm kernels g* with distances a (with no missing
// pair, g* = H(−D/2)H: rsatoolbox's fast path); a full Σ_k adds an
// (n + q)-dimensional solve for q missing pairs (see Whitener). For 92
// conditions this costs a few n³ operations per RDM instead of a 4186² V.
// rsatoolbox's 1-D sigma_k is a different computation, kept for parity:
// the identity g* scaled to g*_ij/√(σ_iσ_j) (Options.SigmaKDiag). A 2-D
// Σ_k is solved exactly; rsatoolbox uses conjugate gradients (relative
// residual 1e-5), which differ from the exact value by about 1e-6.
//
// # Cost
//
// tau-a and kendall use Knight's O(m log m) algorithm (merge-sort
// inversion counting after a sort by a then b); a pair of 500 000-entry
// vectors takes about 0.1 s. Rank orders are computed once per RDM.
package compare
