package network

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"math"
)

// Preprocess turns an image into the network's input, as torchvision's
// usual evaluation transform
//
//	Resize(Resize) → CenterCrop(Crop) → ToTensor() → Normalize(Mean, Std)
//
// It is stored as the side-car JSON of a model (MODEL.json beside
// MODEL.onnx): {"resize": 256, "crop": 224, "mean": [0.485, 0.456, 0.406],
// "std": [0.229, 0.224, 0.225]}.
type Preprocess struct {
	// Resize scales the image so that its shorter side is Resize pixels
	// (the longer one int(Resize·long/short), as torchvision); 0 keeps
	// the size.
	Resize int `json:"resize"`
	// Crop cuts the central Crop×Crop square (torchvision's CenterCrop:
	// offset round((size − Crop)/2), zero padding when the image is
	// smaller); 0 keeps the whole image.
	Crop int `json:"crop"`
	// Mean and Std normalize each channel of the [0, 1] pixel values:
	// x = (v − Mean[c]) / Std[c].
	Mean []float64 `json:"mean"`
	Std  []float64 `json:"std"`
}

// ImageNet normalization (torchvision's models).
var (
	ImageNetMean = []float64{0.485, 0.456, 0.406}
	ImageNetStd  = []float64{0.229, 0.224, 0.225}
)

// ImageNetPreprocess is torchvision's ImageNet evaluation transform:
// resize 256, centre crop 224, ImageNet mean and std.
func ImageNetPreprocess() Preprocess {
	return Preprocess{Resize: 256, Crop: 224, Mean: append([]float64(nil), ImageNetMean...), Std: append([]float64(nil), ImageNetStd...)}
}

// DefaultPreprocess is the preprocessing used when a model has no
// side-car: ImageNet's, scaled to the model's input size when it is
// static and square (crop = H, resize = round(H·256/224)).
func DefaultPreprocess(h, w int) Preprocess {
	p := ImageNetPreprocess()
	if h > 0 && h == w && h != 224 {
		p.Crop = h
		p.Resize = int(math.Round(float64(h) * 256 / 224))
	}
	return p
}

// ParsePreprocess reads a side-car JSON. Keys that are absent keep the
// value in base; unknown keys, lists that do not have 3 values, negative
// sizes and non-positive standard deviations are errors.
func ParsePreprocess(js []byte, base Preprocess) (Preprocess, error) {
	p := base
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return base, fmt.Errorf("preprocessing JSON: %v (expected {\"resize\": 256, \"crop\": 224, \"mean\": [r, g, b], \"std\": [r, g, b]})", err)
	}
	if err := p.Validate(); err != nil {
		return base, err
	}
	return p, nil
}

// Validate checks the sizes and the normalization.
func (p Preprocess) Validate() error {
	if p.Resize < 0 || p.Crop < 0 {
		return fmt.Errorf("preprocessing: resize %d and crop %d must be ≥ 0 (0: no resize / no crop)", p.Resize, p.Crop)
	}
	if len(p.Mean) != 3 || len(p.Std) != 3 {
		return fmt.Errorf("preprocessing: mean and std need 3 values (R, G, B), got %d and %d", len(p.Mean), len(p.Std))
	}
	for c, s := range p.Std {
		if !(s > 0) || math.IsInf(s, 0) || math.IsNaN(p.Mean[c]) || math.IsInf(p.Mean[c], 0) {
			return fmt.Errorf("preprocessing: channel %d has mean %v and std %v; the std must be > 0 and both finite", c, p.Mean[c], s)
		}
	}
	return nil
}

// Apply returns the network input for img, 3×H×W float32 in C order.
//
// Pixels are read as 8-bit RGB: a colour with alpha keeps its colour
// channels and drops alpha (like PIL's convert("RGB"); transparent areas
// are not composited on a background), grey gives R = G = B, and 16-bit
// images keep the high byte. Values are divided by 255, resized by
// antialiased bilinear interpolation in float (torchvision's resize with
// antialias=True on a float tensor: a triangle filter whose support grows
// with the downscaling factor — PIL's algorithm; PIL itself rounds to 8
// bits after resizing, so results differ from a PIL pipeline by up to
// 1/255 before normalization), centre-cropped and normalized.
func (p Preprocess) Apply(img image.Image) (data []float32, h, w int, err error) {
	if err := p.Validate(); err != nil {
		return nil, 0, 0, err
	}
	b := img.Bounds()
	h, w = b.Dy(), b.Dx()
	if h <= 0 || w <= 0 {
		return nil, 0, 0, fmt.Errorf("empty image (%d×%d)", w, h)
	}
	planes := make([][]float32, 3)
	for c := range planes {
		planes[c] = make([]float32, h*w)
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			r, g, bl := rgb8(img.At(b.Min.X+x, b.Min.Y+y))
			planes[0][y*w+x] = float32(r) / 255
			planes[1][y*w+x] = float32(g) / 255
			planes[2][y*w+x] = float32(bl) / 255
		}
	}
	if p.Resize > 0 {
		nh, nw := resizedSize(h, w, p.Resize)
		for c := range planes {
			planes[c] = resizePlane(planes[c], h, w, nh, nw)
		}
		h, w = nh, nw
	}
	if p.Crop > 0 {
		for c := range planes {
			planes[c] = centerCrop(planes[c], h, w, p.Crop, p.Crop)
		}
		h, w = p.Crop, p.Crop
	}
	data = make([]float32, 0, 3*h*w)
	for c, pl := range planes {
		m, s := p.Mean[c], p.Std[c]
		for _, v := range pl {
			data = append(data, float32((float64(v)-m)/s))
		}
	}
	return data, h, w, nil
}

// rgb8 returns the 8-bit colour channels of c, non-premultiplied, alpha
// dropped.
func rgb8(c color.Color) (r, g, b uint8) {
	switch v := c.(type) {
	case color.NRGBA:
		return v.R, v.G, v.B
	case color.NRGBA64:
		return uint8(v.R >> 8), uint8(v.G >> 8), uint8(v.B >> 8)
	case color.RGBA:
		if v.A == 255 {
			return v.R, v.G, v.B
		}
	case color.Gray:
		return v.Y, v.Y, v.Y
	}
	n := color.NRGBA64Model.Convert(c).(color.NRGBA64)
	return uint8(n.R >> 8), uint8(n.G >> 8), uint8(n.B >> 8)
}

// resizedSize is torchvision's size rule for Resize(size) with an int:
// the shorter side becomes size, the longer int(size·long/short).
func resizedSize(h, w, size int) (int, int) {
	if h <= w {
		return size, int(float64(size) * float64(w) / float64(h))
	}
	return int(float64(size) * float64(h) / float64(w)), size
}

// resampleWeights returns, for each output index, the first input index
// and the normalized weights of the antialiased triangle filter mapping
// in samples to out (PIL's precompute_coeffs with the bilinear filter).
func resampleWeights(in, out int) ([]int, [][]float64) {
	scale := float64(in) / float64(out)
	ss := math.Max(scale, 1)
	support := ss // bilinear filter support 1, widened when downscaling
	starts := make([]int, out)
	weights := make([][]float64, out)
	for i := 0; i < out; i++ {
		center := (float64(i) + 0.5) * scale
		xmin := max(int(center-support+0.5), 0)
		xmax := min(int(center+support+0.5), in)
		ws := make([]float64, 0, xmax-xmin)
		total := 0.0
		for x := xmin; x < xmax; x++ {
			t := math.Abs((float64(x) - center + 0.5) / ss)
			v := math.Max(0, 1-t)
			ws = append(ws, v)
			total += v
		}
		if total > 0 {
			for k := range ws {
				ws[k] /= total
			}
		}
		starts[i], weights[i] = xmin, ws
	}
	return starts, weights
}

// resizePlane resizes an h×w plane to nh×nw, horizontally then
// vertically.
func resizePlane(src []float32, h, w, nh, nw int) []float32 {
	if h == nh && w == nw {
		return src
	}
	tmp := src
	if w != nw {
		xs, xw := resampleWeights(w, nw)
		tmp = make([]float32, h*nw)
		for y := 0; y < h; y++ {
			row := src[y*w : (y+1)*w]
			for x := 0; x < nw; x++ {
				s := 0.0
				for k, wt := range xw[x] {
					s += wt * float64(row[xs[x]+k])
				}
				tmp[y*nw+x] = float32(s)
			}
		}
	}
	if h == nh {
		return tmp
	}
	ys, yw := resampleWeights(h, nh)
	dst := make([]float32, nh*nw)
	for y := 0; y < nh; y++ {
		for x := 0; x < nw; x++ {
			s := 0.0
			for k, wt := range yw[y] {
				s += wt * float64(tmp[(ys[y]+k)*nw+x])
			}
			dst[y*nw+x] = float32(s)
		}
	}
	return dst
}

// cropOffset is torchvision's CenterCrop offset along one axis: an image
// smaller than the crop is first padded by ⌊(crop − size)/2⌋ before and
// the rest after; otherwise the offset is round((size − crop)/2), Python's
// round half to even.
func cropOffset(size, crop int) int {
	if size < crop {
		return -((crop - size) / 2)
	}
	return int(math.RoundToEven(float64(size-crop) / 2))
}

// centerCrop cuts the central ch×cw window at cropOffset, with zeros
// where the window leaves the image.
func centerCrop(src []float32, h, w, ch, cw int) []float32 {
	if h == ch && w == cw {
		return src
	}
	top, left := cropOffset(h, ch), cropOffset(w, cw)
	dst := make([]float32, ch*cw)
	for y := 0; y < ch; y++ {
		sy := y + top
		if sy < 0 || sy >= h {
			continue
		}
		for x := 0; x < cw; x++ {
			sx := x + left
			if sx >= 0 && sx < w {
				dst[y*cw+x] = src[sy*w+sx]
			}
		}
	}
	return dst
}
