// Package lesion runs in silico lesions on a layer's stored activations:
// it silences sets of units and measures what changes — the layer's RSA
// agreement with brain regions, its encoding score for them, and a
// behaviour-like readout (decoding a stimulus descriptor, core/decode) —
// for a targeted plan against a null band of random lesions of the same
// size.
//
// # Plans
//
// A Plan orders the units of an n × p layer (or the channels of a C×H×W
// layer, channel c being units c·HW … (c+1)·HW − 1) from most to least
// targeted; the lesion at fraction f silences the first k = ⌊f·G + ½⌋ of
// the G groups (List: exactly the listed units). Plans: Random (seeded
// permutation), Selective (per-unit d′ or Welch t of a descriptor
// contrast — two levels, or one level against the rest — or one-way F
// over all levels; by |statistic|, most or least selective first),
// Variance (highest variance first), RankedChannels and RandomChannels,
// Weights (largest |encoding weight| first), List (user-picked units),
// and Ranked for any per-unit score.
//
// A silenced unit is set to 0 (Zero) or to its mean over stimuli (Mean).
//
// # Lesioned Gram matrix
//
// Correlation RDMs and the decoder need only the centred Gram matrix
// G = Xc·Xcᵀ, Xc the layer with each stimulus pattern's mean over the p
// units removed (μ the row means). Write x_u for the n-vector of unit u.
// Silencing a set S replaces x_u (u ∈ S) by a value v_u (0, or m_u·1 with
// m_u the unit's mean); the row means become μ_L = μ − w/p with
// w = Σ_{u∈S}(x_u − v_u). With Z_c = [x_u − μ]_{u∈S} and
// V = [v_u − μ]_{u∈S},
//
//	X_L,c = Xc − (Z_c − V)·E_Sᵀ + (w/p)·1ᵀ
//	G_L   = G − Z_c·Z_cᵀ + V·Vᵀ − w·wᵀ/p
//
// (E_S selects the columns of S; the cross terms cancel because the rows
// of Xc sum to zero). V·Vᵀ has rank ≤ 2 and a closed form:
//
//	Zero: V·Vᵀ = |S|·μμᵀ,                         w = Σ_{u∈S} x_u
//	Mean: V·Vᵀ = Σm_u²·11ᵀ − Σm_u·(1μᵀ + μ1ᵀ) + |S|·μμᵀ,
//	      w = Σ_{u∈S} x_u − Σ_{u∈S} m_u·1
//
// With Mean the centred Gram of the silenced units (x_u − m_u 1 around
// the row means) drops out and only these rank-2 terms remain. So a
// lesion costs one rank-|S| update (dsyrk) of the silenced columns, read
// from the layer (data.Matrix.ReadColumns over coalesced runs of units),
// never a recomputation from scratch. When more units are silenced than
// kept, G − Z_c·Z_cᵀ is computed as the kept units' Z_c·Z_cᵀ instead, so
// no lesion reads more than about half of the layer; silencing every
// unit is set exactly (all patterns 0, or all equal to the unit means).
// A lesioned pattern is taken as constant (undefined correlation
// distances, NaN as in core/rdm) when its centred sum of squares is below
// 10⁻¹⁰ of the sum of squares of the values it was formed from.
//
// A curve's lesions are nested: along one order, the lesion at the next
// fraction adds the units between two counts, so each order's units are
// read once, in "bins" between consecutive counts (from the front for
// counts up to G/2, from the back for larger counts, whose kept units are
// summed). Random orders are processed in batches that share one pass
// over the layer; Spec.MemoryBudget bounds the n × n accumulators of a
// batch. Lesions are then scored in parallel (job.For).
//
// # Effects
//
// RSA: the correlation-distance RDM of the lesioned layer is compared
// with each subject's RDM of a region (core/compare method, spearman by
// default) and the score is the mean over subjects; the region's noise
// ceiling is core/inference.NoiseCeiling (leave one subject out; for
// cosine, corr, spearman and rho-a on RDMs without NaN it is computed from
// the precomputed transformed RDMs instead — the same numbers). Pairs
// that are NaN in some subject's RDM are left out of every comparison
// (rsatoolbox's rule); pairs that become NaN in the lesioned RDM (a
// stimulus whose remaining pattern is constant) are left out of that
// lesion's comparison, on both sides. A layer with every unit zeroed has
// no defined RDM and scores NaN. For cosine, corr, spearman and rho-a the
// subjects' transformed RDMs are precomputed and the lesioned RDM is
// ranked once (a linear-time bucket sort) for all regions.
//
// Decoding: core/decode on the lesioned G_L (ridge or nearest class
// mean, stratified K-fold), accuracy and confusion matrix.
//
// Encoding: kernel ridge (core/encoding.RidgeCVGram, per-voxel penalty by
// cross-validation) from the lesioned layer to each subject's recording
// of the region, re-fitted for every lesion on the kernel
// X_L·X_Lᵀ ≅ G_L + p·μ̃_L μ̃_Lᵀ (μ̃_L the centred lesioned row means; the
// terms dropped are removed by the per-fold centring); the score is the
// median over voxels of the out-of-fold Pearson r, averaged over
// subjects.
//
// # Curves, null band and p-values
//
// For each fraction the change of every score, lesioned − intact, is
// reported for the targeted plan and for Draws random lesions of as many
// groups (random units, or random channels for a channel plan; draw d
// uses the PCG stream (Seed, d+1), so results do not depend on
// scheduling). The null band is the median and the 2.5 % and 97.5 %
// quantiles of the random changes (numpy's linear rule). The p-value of
// "the targeted lesion hurts more than a random one" is
//
//	p = (1 + #{d : c_d ≤ t}) / (1 + D)
//
// with t the targeted change, c_d the random ones and D the number of
// draws: small when the targeted lesion lowers the score more than almost
// every random lesion; ties count against the targeted lesion (so p = 1
// at 0 % and 100 %, where all lesions coincide). Result.Table gives
// the effect sizes: change, excess over the null median, and
// z = (t − mean c)/sd c.
//
// By default the random lesions' rank-k products are formed in float32
// and summed in float64 every 16 384 units (Spec.Exact turns this
// off): relative error of order 10⁻⁶ in their Gram matrices, far below
// the Monte-Carlo error of a 100-draw band (activations too large or too
// small for float32 fall back to float64); targeted lesions are always
// float64.
package lesion
