// Package data is Alignscope's project model: one stimulus set and the
// matrices measured over it.
//
// Every matrix of a project has one row per stimulus, in the order of the
// project's Stimuli. A Model holds Layers (n stimuli × p units, with the unit
// shape such as C×H×W), a Subject holds Regions whose Recording is n × v
// (voxels or neurons), optionally with r repetitions. Matrices are read
// lazily through the Matrix interface in column blocks, so a layer larger
// than memory can be used by algorithms that need only n × n products.
//
// Adding anything whose stimulus count or names disagree with the project is
// an error (*MismatchError) that names the source file, what was expected
// and what was found; a failed Add leaves the project as it was.
package data
