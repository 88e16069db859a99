// Package extract runs a network (core/network) over a set of stimulus
// images (io/images) and writes the chosen layers' activations to a
// folder, the form in which a model extracted inside Alignscope is stored
// and loaded back (io/loader.LoadModelDir):
//
//	LABEL.npy    one C-order float32 array per layer, shape
//	             (n images, …the layer's per-image shape), e.g.
//	             64 × 32 × 8 × 8; written row by row as the batches
//	             arrive, so a layer never has to fit in memory
//	stimuli.tsv  the stimulus table (names and descriptors), whose row
//	             order is the row order of every .npy
//	layers.tsv   one row per layer: file, tensor (the ONNX tensor name),
//	             label (the layer's name in the project), op (the ONNX
//	             operator) and shape (per image, "32x8x8")
//
// File names come from the layers' labels with characters outside
// [A-Za-z0-9._-] replaced by "_", made unique ("stimuli" and "layers"
// are reserved). Everything is written under temporary ".part" names and
// renamed only when all layers are complete, layers.tsv last; on error or
// cancellation the temporary files are removed and a folder that ToDir
// created is removed again if it is empty, so a failed extraction leaves
// nothing behind. Files of the same names from an earlier extraction in
// the folder are replaced.
//
// Progress counts images × layers: each batch of m images adds m for
// every layer as its rows are written.
package extract
