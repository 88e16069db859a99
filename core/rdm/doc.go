// Package rdm computes representational dissimilarity matrices (RDMs) with
// the definitions of rsatoolbox (rdm/calc.py, rdm/calc_unbalanced.py).
//
// An RDM over n conditions is stored condensed: the upper triangle,
// row-major, i < j (the scipy squareform and rsatoolbox order), n(n−1)/2
// values.
//
// # Calc
//
// Calc (rsatoolbox calc_rdm) first averages the observations (rows) of
// each condition label, m_k being the plain mean of its rows; the RDM rows
// then follow ascending label order (RDM.Labels). Without labels each row
// is a condition, in row order. With p channels (columns):
//
//	euclidean    d_ij = ‖m_i − m_j‖² / p
//	correlation  d_ij = 1 − r(m_i, m_j), Pearson r over the channels
//	mahalanobis  d_ij = (m_i − m_j)ᵀ P (m_i − m_j) / p, P the noise
//	             precision (identity when not given: euclidean)
//	poisson      d_ij = Σ_c (q_ic − q_jc)(log q_ic − log q_jc) / p with
//	             q = (m + λw)/(1 + w), prior λ = 1, w = 0.1 by default
//	crossnobis   for each fold f (ascending fold labels) the test means t_k
//	             of the rows in f and the training means s_k of all other
//	             rows pooled give d_f(i,j) = (s_i − s_j)ᵀ P (t_i − t_j)/p;
//	             d = mean_f d_f, which can be negative. Every condition
//	             must occur in every fold. Without fold labels the k-th
//	             occurrence of each label is fold k (DefaultFolds).
//	crossnobis with one precision per fold (FoldPrecisions):
//	             d = mean over folds a < b of (u^a_i − u^a_j)ᵀ P_ab (u^b_i − u^b_j)/p
//	             with u^f the means of fold f and
//	             P_ab = inv((inv(P_a) + inv(P_b))/2)
//	poisson_cv   rsatoolbox keeps only the last fold: with t the rates of
//	             the last fold's means and s those of all other rows,
//	             d_ij = (s_i − s_j)·(log t_i − log t_j)/p
//
// RemoveMean subtracts each pattern's mean over channels first (euclidean,
// mahalanobis, crossnobis; correlation always does, Poisson never).
// CalcMovie computes one RDM per time point of observations × channels ×
// time data, optionally averaged over time bins (calc_rdm_movie).
// CalcUnbalanced (calc_rdm_unbalanced) works on individual observations,
// tolerates NaN values and unequal repetitions, and keeps conditions in
// order of first appearance; see its documentation.
//
// # Large layers
//
// All of Calc's measures without a precision need only n × n products of
// the condition means, G = M·Mᵀ (or S·Tᵀ, Q·log(Q)ᵀ), which are summed
// over column blocks of the data: the data are streamed through the
// data.Matrix interface, a background goroutine reading the next block
// (about 16 MiB of float64) while the current one is multiplied in float64
// by BLAS (dsyrk, dgemm), so a layer larger than memory works and its
// activations may be float32 on disk. For euclidean, mahalanobis and
// crossnobis each block's column means are subtracted first: distances
// between differences of patterns do not change and the products lose
// less to rounding. A precision mixes all channels, so mahalanobis and
// crossnobis with a precision read the data whole.
//
// Row means (correlation, RemoveMean) are removed in the same pass: each
// row a is shifted by c_a, the mean of its values in the first block, and
// the running sums r_a = Σ_j (x_aj − c_a) correct every product exactly,
//
//	(L − μ_L 1ᵀ)(R − μ_R 1ᵀ)ᵀ = L·Rᵀ − (L1)(R1)ᵀ/p,
//
// L and R being (averages of) shifted rows. The correction multiplies the
// rounding error of a row's centred products by at most
// 1 + ρ_a, ρ_a = (r_a²/p)/Σ_j(x_aj − x̄_a)², and since c_a is the mean of w
// of the row's p values, ρ_a ≤ p/w (Cauchy–Schwarz): below 100 for a
// 200 000-unit layer in 2 000-column blocks. A second pass with the exact
// means is made only when some ρ_a exceeds 10⁴. Gram exposes the streamed
// (optionally centred) Gram matrix itself.
//
// # Errors and NaN
//
// Unknown methods, labels of the wrong length or not finite, fewer than 2
// conditions, a precision of the wrong size, fold labels for a measure
// without cross-validation, a condition missing from a fold, unequal
// repetitions without fold labels, and negative Poisson counts are
// errors. NaN values in the data propagate to the dissimilarities of the
// affected conditions, and a constant pattern has NaN correlation
// distances, as in rsatoolbox.
package rdm
