// Package netlesion runs propagated lesions: it silences units (or
// channels) of one node of a network by graph surgery (core/network's
// Mask), re-runs the network on the stimulus images, and measures how the
// lesion changes every later layer's agreement with brain regions and
// the network's output — for a targeted lesion plan against a null band
// of random lesions of the same size.
//
// core/lesion lesions a stored layer and measures that same layer; here
// the lesion travels through the rest of the network, so a layer after
// the masked node changes in ways no algebra on stored activations can
// give. Plans, fills, the p-value and the shape of the results are
// core/lesion's, so both kinds of curve are drawn the same way.
//
// # The lesion
//
// A Plan (core/lesion: Random, Ranked, RankedChannels, RandomChannels,
// Variance, Weights, List, …) orders the G groups of the masked node's p
// units (single units, or its channels, channel c holding units
// c·HW … (c+1)·HW − 1 of a C×H×W node). At fraction f the first
// k = ⌊f·G + ½⌋ groups are silenced (a List plan: exactly its units). The
// node's output y becomes, per unit u,
//
//	y'_u = keep_u · y_u + (1 − keep_u) · fill_u,   keep_u = 0 if u is silenced, else 1
//
// with fill_u = 0 (lesion.Zero) or the unit's mean over the stimuli of
// the intact network (lesion.Mean; for a channel plan each unit of the
// channel gets its own mean, as in core/lesion). One masked copy of the
// network is compiled once; every lesion only changes keep and fill
// (network.Net.SetMask) and re-runs the images in batches.
//
// # Measures
//
// For every later layer L (Spec.Layers; default: every node computed from
// the masked one, network.Net.Downstream) with activations X_L (n stimuli
// × p_L units):
//
// RSA: the correlation-distance RDM d_ij = 1 − r(x_i, x_j) of X_L
// (core/rdm.Correlation; a stimulus whose pattern became constant gives
// NaN) is compared with each subject's RDM of a region (core/compare,
// method Spec.Compare, spearman by default), and the score is the mean
// over subjects,
//
//	rsa(L, R) = (1/S) Σ_s compare(RDM(X_L), RDM_s(R)).
//
// Pairs that are NaN in some subject's RDM are left out of every
// comparison (rsatoolbox's rule); pairs that are NaN in the layer's RDM
// are left out of that lesion's comparison, on both sides; with fewer
// than 2 pairs left the score is NaN. The region's noise ceiling is
// core/inference.NoiseCeiling (leave one subject out); it needs 2
// subjects.
//
// Encoding (Spec.Encoding, optional and costly): kernel ridge
// (core/encoding.RidgeCVGram) on the column-centred linear kernel of X_L,
// re-fitted for every lesion, scored by the median over voxels of the
// out-of-fold Pearson r, averaged over subjects — core/lesion's encoding
// effect, with the penalty grid lesion.DefaultEncodingAlphas scaled by
// the intact layer's tr(K_c)/n unless the region gives options.
//
// On the output (the network's first graph output, the logits):
//
// Top-1 agreement with the intact network (Spec.Top1): the fraction of
// stimuli whose arg-max output unit is the intact network's,
//
//	top1 = (1/n) Σ_i [argmax_u y_L,iu = argmax_u y_0,iu]
//
// (1 for the intact network; ties go to the first unit).
//
// Decoding (Spec.Readout): core/decode (ridge or nearest class mean,
// stratified K-fold) of a stimulus descriptor from the kernel of the
// row-centred patterns of the readout layer — by default the logits,
// Spec.ReadoutLayer (e.g. the penultimate layer) otherwise — the
// accuracy being the score, as core/lesion's decoding effect.
//
// # Curves, null band and p-values
//
// Every change is lesioned − intact (negative: the lesion hurt). For each
// fraction the targeted lesion's change t is set against D = Spec.Draws
// random lesions of as many groups: draw d silences the first k groups of
// a permutation, drawn from the PCG stream (Seed, d+1), of the plan's
// groups sorted by their first unit — core/lesion's scheme, so the random
// lesions of a draw are nested along the fractions and do not depend on
// the ranking. The null band is the median and the 2.5 % and 97.5 %
// quantiles of the random changes c_d (numpy's linear rule), and
//
//	p = (1 + #{d : c_d ≤ t}) / (1 + D)
//
// (lesion.PValue): small when the targeted lesion lowers the score more
// than almost every random lesion of the same size.
//
// A lesion of k = 0 groups is the intact network (its changes are exactly
// 0, with no forward pass) and one of k = G groups is the same for every
// draw (run once).
//
// # Cost
//
// Each lesion is one forward pass of the n images (everything before the
// masked node is recomputed too): 1 + (1 + Draws) · F passes for F
// fractions with 0 < k < G, plus one per fraction with k = G and one for
// the unit means of lesion.Mean. The forward passes run the network's
// batches on up to GOMAXPROCS goroutines; the measures of one lesion are
// computed while the next lesion's forward pass runs, so the activations
// of two passes are held at once: 2 · n · Σ_L p_L float32 values over the
// measured layers (choose Spec.Layers on a large network: the default,
// every node after the masked one, includes pre-activations and
// reshapes).
//
// Lesioned gives the masked network of one targeted lesion, to extract,
// export or re-analyse its activations.
package netlesion
