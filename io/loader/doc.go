// Package loader turns user files into the project's core/data types: a
// model's layers, a subject's region recordings, the stimulus table with
// thumbnails, or a whole data folder.
//
// Arrays stay on disk: a layer or recording is a lazy view (io/npy) that
// the analyses read in column blocks, so opening a file reads only headers.
//
// A data folder (the built-in demo uses it) holds
//
//	stimuli.tsv (or .csv)     first column names, other columns descriptors
//	images/NAME.png|jpg       optional thumbnail per stimulus
//	models/MODEL.npz|npy      one model per file, one array per layer,
//	                          shape (n, …unit shape)
//	recordings/SUBJECT.npz    one subject per file, one array per region,
//	                          shape (n, v) or (repetitions, n, v)
//	atlas.nii.gz + atlas.tsv  optional: an integer atlas on a voxel grid and
//	                          its label table (index, region name); a
//	                          region's channels are then the atlas voxels
//	                          of that region in storage order (i fastest),
//	                          which places them on brain maps
//	anat.nii.gz               optional background image for the maps
//
// Brain recordings can also come as NIfTI files (LoadNIfTI): a 4-D beta
// series, one volume per stimulus (or stimulus × repetition), with an
// integer atlas and its labels, or a mask; see nifti.go.
package loader
