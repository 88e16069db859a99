// Package voxelwise runs the encoding analysis behind the Encoding page:
// every chosen layer predicts every voxel (or neuron) of every chosen
// subject × region with ridge regression, one penalty per target chosen by
// K-fold cross-validation (core/encoding, himalaya semantics).
//
// For each layer × recording it keeps the cross-validated R² and Pearson r
// per target, the chosen penalties, and — when the recording has
// repetitions — the split-half reliability of each target (Spearman–Brown
// corrected, even vs odd repetitions) and the noise-ceiling-normalised
// score r² / ceiling (Brain-Score's explained variance). From those it
// derives the maps the page draws: the score map of one fit, the best
// layer per voxel (argmax of the score over layers), the per-layer score
// distributions and the layer profile (median score over voxels against
// layer, with the median ceiling).
//
// A layer wider than it has stimuli is solved in kernel form from its
// Gram matrix, computed once per layer from streamed column blocks, so a
// layer larger than memory works.
package voxelwise
