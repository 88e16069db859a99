// Package nifti reads and writes NIfTI images (fMRI beta maps, atlases,
// anatomical scans), reads atlas label tables, and reads the coordinates
// of electrophysiology channels.
//
// # Reading
//
// Open reads NIfTI-1 (348-byte header) and NIfTI-2 (540-byte header)
// files, little- or big-endian (told by the header size field), as .nii,
// .nii.gz (gzip is recognised by its first bytes) or an .hdr/.img pair.
// OpenFS reads from an fs.FS (such as the embedded demo), OpenBytes
// from memory, and ReadHeader only the header. Up to five axes are read: x, y, z, then t and u, so a 4-D
// image holds Volumes() = dim4·dim5 volumes of nx·ny·nz voxels; axes 6
// and 7 must have size 1.
//
// Stored types read: uint8, int8, int16, uint16, int32, uint32, int64,
// uint64, float32 and float64. Other datatype codes (binary, complex,
// RGB, float128) give an error naming the code and how to convert the
// file. Every value read is scaled,
//
//	value = stored · scl_slope + scl_inter
//
// unless scl_slope is 0 (or not finite), as the standard prescribes.
//
// Values are read on demand: Volume(t) reads one 3-D volume, EachVolume
// streams the volumes in order (Mean uses it), and Series(rows, voxels)
// is a data.Matrix of volumes × voxels read in column blocks, one ReadAt
// per run of nearby voxels per volume. An uncompressed .nii is read in
// place through io.ReaderAt and never loaded whole. A .nii.gz cannot be
// read at random, so Open decompresses it once into memory: a compressed
// 4-D image costs its full uncompressed size in RAM (gunzip large
// series first).
//
// # Geometry
//
// The voxel-to-world affine (Header.Affine, and data.Volume.Affine of
// every volume read) is chosen as NIfTI and nibabel do:
//
//   - the sform rows srow_x, srow_y, srow_z when sform_code > 0;
//   - else the qform when qform_code > 0: with quaternion (b, c, d),
//     a = √(1 − b² − c² − d²), rotation R (nifti_quatern_to_mat44),
//     voxel sizes pixdim[1..3] and qfac = pixdim[0] (−1 flips k),
//     affine = [R·diag(dx, dy, qfac·dz) | qoffset];
//   - else diag(pixdim[1..3]) without offset (the standard's "method 1";
//     nibabel centres such images instead).
//
// # Writing
//
// Write stores a data.Volume as a 3-D float32 NIfTI-1 image (.nii, or
// .nii.gz by extension) with the geometry of a reference header — its
// qform, sform, voxel sizes and units copied — so that a map overlays the
// data it came from in any viewer. WriteWith also writes integer types
// (for atlases). Files are replaced atomically (temporary file in the same
// folder, then rename), and .nii.gz output is byte-reproducible (fixed
// compression level, no name, zero time).
//
// # Atlas labels
//
// ParseLabels reads the names of an atlas's values from a TSV/CSV table
// (index and name columns, header optional, BIDS dseg.tsv included), an
// FSL atlas XML file, or plain "index name" lines (FreeSurfer colour
// tables). AtlasRegions splits a label image into regions: voxels with
// the same whole-number value ≥ 1, in storage order (i fastest). An atlas
// value without a name is an error; a name without voxels is a warning.
//
// # Channel coordinates
//
// ParseUnits reads electrophysiology channel positions from a CSV/TSV
// table with x, y, z columns (and an optional name column), one line per
// channel in the recording's channel order.
//
// Every error names the file and says what to do; no input makes the
// package panic (FuzzOpen, FuzzLabels, FuzzUnits).
package nifti
