// Package npy reads NumPy .npy and .npz files lazily, as column-block
// matrices, and writes .npy and uncompressed .npz files.
//
// Open (or OpenReaderAt, OpenFS for embedded files) reads only the headers
// and returns a File listing its Arrays: one for .npy, the archive order
// for .npz (keys without ".npy"). The kind is decided by the first bytes,
// "\x93NUMPY" for .npy and "PK" for a zip, not by the extension. Header
// versions 1.0, 2.0 and 3.0 are read by a small validating parser of the
// Python dictionary {'descr': …, 'fortran_order': …, 'shape': …}.
//
// An Array of shape (n, d1, …, dk) is seen as the n × p matrix
// X = x.reshape(n, -1), p = d1·…·dk, through Array.Matrix, a View that
// implements data.Matrix: ReadColumns(j0, j1, dst) converts columns
// [j0, j1) to float64 in row-major order. A 1-D array is n × 1; a 0-D
// array is an error. For arrays of three or more dimensions r × n × …,
// Array.Sub(i) is the n × p slab i (repetition i of a recording), also
// read lazily.
//
// Element types read: float16/32/64, int8/16/32/64, uint8/16/32/64 and
// bool, little- or big-endian, C or Fortran order. Complex, object,
// string and structured arrays are described but not read as numbers
// (Array.Err, or an error from Open for a .npy file); a 1-D string array
// can be read with Array.Strings.
//
// Reading. Data of .npy files and of uncompressed .npz members (np.savez)
// are never loaded whole: ReadColumns issues io.ReaderAt reads at the data
// offset (zip.File.DataOffset for .npz members) plus the computed element
// offsets. In C order a block costs one read per row (or one read per run
// of rows when the block covers most of each row); in Fortran order a run
// of adjacent columns is one contiguous read. Members of
// np.savez_compressed archives cannot be read in place: such a member is
// decompressed into memory once, on its first ReadColumns, and then
// served from memory, so a compressed layer costs its full size in RAM.
// Save large layers with np.save or np.savez instead.
//
// Errors. Opening checks everything it can from the header and the file
// size — empty file, directory, bad signature, unparsable header,
// negative or overflowing shape, unsupported dtype, data shorter than the
// shape — and returns an error that names the file and says what to do.
// No input makes the package panic.
//
// Writing. WriteNPY and the streaming Writer write C-order '<f4' or '<f8'
// arrays with numpy's 64-byte-aligned header; NPZWriter writes stored
// (uncompressed) .npz archives with fixed timestamps, byte-for-byte
// reproducible.
package npy
