// Package images reads stimulus images: a folder of PNG and JPEG files,
// one per stimulus, for running a network over the stimuli (package
// core/network) and for thumbnails.
//
// Matching. A file's stimulus name is its base name without the
// extension (.png, .jpg, .jpeg, any case): face_01.png is stimulus
// "face_01". Given a stimulus table, ReadDir returns one image per listed
// stimulus, in table order; a stimulus without an image is an error that
// names the missing ones, and files not in the table are ignored (and
// counted). Without a table, the stimulus list is built from the file
// names in byte-wise sorted order. Other files and sub-folders are
// ignored; two files with the same stimulus name (a.png and a.jpg) are an
// error.
//
// Colour. Every image is converted to opaque 8-bit RGB (*image.RGBA with
// alpha 255) by one rule, the one of PIL's Image.convert("RGB") that
// PyTorch pipelines use: grey (8 or 16 bit) gives R = G = B; an alpha
// channel is dropped, keeping the colour channels as stored
// (non-premultiplied; transparent areas are not composited on a
// background); 16-bit channels keep their high byte; paletted images take
// their palette colours; JPEG's Y′CbCr is converted by Go's image/color
// (within one level of libjpeg's conversion).
//
// Sizes may differ between images: the network's preprocessing (resize
// and centre crop, network.Preprocess) brings them to one size.
package images
