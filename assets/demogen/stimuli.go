package demogen

import (
	"fmt"
	"image"
	"image/color"
	"math"
)

// ImageSize is the width and height of a stimulus image in pixels.
const ImageSize = 64

// Categories are the four object categories, 16 stimuli each, in stimulus
// order. The first two are animate-like, the last two inanimate-like.
var Categories = []string{"face", "fish", "house", "car"}

// Colours are the object colours, balanced within each category.
var Colours = []string{"red", "green", "blue", "yellow"}

// Backgrounds are the background textures, balanced within each category
// and crossed with colour.
var Backgrounds = []string{"plain", "stripes", "dots", "noise"}

// PerCategory is the number of stimuli in each category.
const PerCategory = 16

// Columns are the descriptor columns of stimuli.tsv, after "name".
var Columns = []string{"category", "animacy", "colour", "size", "background"}

// Stimulus is one image of the demo and its descriptors. The placement
// fields (X, Y, Radius, Rotation, Mirrored) are drawn at random and are
// not written to stimuli.tsv.
type Stimulus struct {
	Name       string // "face_01"
	Category   string // face, fish, house, car
	Animacy    string // animate (face, fish) or inanimate (house, car)
	Colour     string // red, green, blue, yellow
	Size       string // small or large
	Background string // plain, stripes, dots, noise

	X, Y     float64 // centre in pixels
	Radius   float64 // half-extent of the object in pixels
	Rotation float64 // degrees, counter-clockwise on screen
	Mirrored bool    // drawn left-right mirrored
}

// Descriptors returns the values of Columns for s.
func (s Stimulus) Descriptors() []string {
	return []string{s.Category, s.Animacy, s.Colour, s.Size, s.Background}
}

// rgb is a colour with channels in [0, 1].
type rgb [3]float64

var objectColours = map[string]rgb{
	"red":    {0.86, 0.18, 0.14},
	"green":  {0.20, 0.68, 0.24},
	"blue":   {0.18, 0.36, 0.88},
	"yellow": {0.96, 0.80, 0.12},
}

var (
	darkColour  = rgb{0.09, 0.09, 0.11}
	lightColour = rgb{0.93, 0.95, 0.98}
)

// shape regions returned by the shape functions.
const (
	outside = iota
	body
	dark
	light
	shade
)

// shapeFunc tells which region the point (u, v) of the object's own frame
// lies in; u points right, v down, and the object fits in [-1, 1]².
type shapeFunc func(u, v float64) int

var shapes = map[string]shapeFunc{
	"face":  face,
	"fish":  fish,
	"house": house,
	"car":   car,
}

func inDisc(u, v, cu, cv, r float64) bool { return sq(u-cu)+sq(v-cv) < sq(r) }

func inBox(u, v, u0, u1, v0, v1 float64) bool { return u > u0 && u < u1 && v > v0 && v < v1 }

func face(u, v float64) int {
	if !inDisc(u, v, 0, 0, 0.92) {
		return outside
	}
	if inDisc(u, v, -0.33, -0.22, 0.13) || inDisc(u, v, 0.33, -0.22, 0.13) {
		return dark
	}
	// smile: the lower part of an annulus
	d := sq(u) + sq(v-0.02)
	if v > 0.22 && d > sq(0.42) && d < sq(0.55) {
		return dark
	}
	if inDisc(u, v, -0.55, 0.18, 0.13) || inDisc(u, v, 0.55, 0.18, 0.13) {
		return shade // cheeks
	}
	return body
}

func fish(u, v float64) int {
	// eye and gill arc on an elliptic body, triangular tail on the right
	if inDisc(u, v, -0.55, -0.08, 0.09) {
		return dark
	}
	e := sq((u+0.15)/0.68) + sq(v/0.42)
	if e < 1 {
		g := sq(u+0.05) + sq(v)
		if u < -0.1 && g > sq(0.30) && g < sq(0.37) {
			return shade
		}
		return body
	}
	if u > 0.40 && u < 0.95 && math.Abs(v) < mul(u-0.40, 0.9) {
		return shade
	}
	// dorsal fin
	if v < 0 && v > -0.62 && u > -0.25 && u < 0.25 && -v < 0.62-mul(1.3, math.Abs(u-0.05)) {
		return shade
	}
	return outside
}

func house(u, v float64) int {
	if v < -0.05 && v > -0.90 && math.Abs(u) < v+0.92 {
		return shade // roof
	}
	if !inBox(u, v, -0.62, 0.62, -0.05, 0.88) {
		return outside
	}
	if inBox(u, v, -0.14, 0.14, 0.40, 0.88) {
		return dark // door
	}
	if inBox(u, v, -0.50, -0.26, 0.08, 0.30) || inBox(u, v, 0.26, 0.50, 0.08, 0.30) {
		return light // windows
	}
	return body
}

func car(u, v float64) int {
	for _, cu := range []float64{-0.55, 0.55} {
		d := sq(u-cu) + sq(v-0.36)
		if d < sq(0.09) {
			return light // hub
		}
		if d < sq(0.24) {
			return dark // wheel
		}
	}
	if inBox(u, v, -0.95, 0.95, -0.12, 0.34) {
		return body
	}
	if v <= -0.12 && v > -0.58 {
		t := (-0.12 - v) / 0.46
		left, right := -0.60+mul(0.22, t), 0.48-mul(0.28, t)
		if u > left && u < right {
			// windows inset in the cabin, split by a pillar
			if t > 0.18 && t < 0.85 && u > left+0.08 && u < right-0.08 && math.Abs(u+0.04) > 0.04 {
				return light
			}
			return body
		}
	}
	return outside
}

// stimulusDesign lays out the 64 stimuli: within each category, stimulus k
// has colour k mod 4, size (k div 4) mod 2 and background
// (k div 4 + k mod 4) mod 4, so colour × background is a Latin square and
// colour × size is balanced.
func stimulusDesign() []Stimulus {
	var st []Stimulus
	for ci, cat := range Categories {
		animacy := "animate"
		if ci >= 2 {
			animacy = "inanimate"
		}
		for k := range PerCategory {
			row, col := k/4, k%4
			size := "small"
			if row%2 == 1 {
				size = "large"
			}
			st = append(st, Stimulus{
				Name:       fmt.Sprintf("%s_%02d", cat, k+1),
				Category:   cat,
				Animacy:    animacy,
				Colour:     Colours[col],
				Size:       size,
				Background: Backgrounds[(row+col)%4],
			})
		}
	}
	return st
}

// background is a procedural texture: value(x, y) is the grey level at a
// point, then tinted.
type background struct {
	kind     string
	base     float64 // mean grey level
	contrast float64
	tint     rgb
	// stripes: wave vector in cycles per pixel
	kx, ky float64
	// dots: lattice spacing, offset, radius and sign
	spacing, ox, oy, radius float64
	// noise: lattice of values, cell size in pixels
	lattice []float64
	cell    float64
	// plain: gradient direction
	gx, gy float64
}

const noiseLattice = 10 // noise lattice is noiseLattice × noiseLattice

// value returns the grey level of the texture at (x, y).
func (b *background) value(x, y float64) float64 {
	switch b.kind {
	case "stripes":
		ph := mul(x, b.kx) + mul(y, b.ky)
		f := ph - math.Floor(ph)
		t := math.Abs(2*f - 1) // triangle wave in [0, 1]
		s := mul(sq(t), 3-2*t) // smoothed
		return b.base + mul(b.contrast, s-0.5)
	case "dots":
		fx := (x-b.ox)/b.spacing - math.Floor((x-b.ox)/b.spacing) - 0.5
		fy := (y-b.oy)/b.spacing - math.Floor((y-b.oy)/b.spacing) - 0.5
		if mul(sq(fx)+sq(fy), sq(b.spacing)) < sq(b.radius) {
			return b.base + b.contrast
		}
		return b.base
	case "noise":
		gx, gy := x/b.cell, y/b.cell
		ix, iy := int(gx), int(gy)
		tx, ty := gx-float64(ix), gy-float64(iy)
		tx, ty = mul(sq(tx), 3-2*tx), mul(sq(ty), 3-2*ty)
		at := func(i, j int) float64 { return b.lattice[j*noiseLattice+i] }
		top := at(ix, iy) + mul(tx, at(ix+1, iy)-at(ix, iy))
		bot := at(ix, iy+1) + mul(tx, at(ix+1, iy+1)-at(ix, iy+1))
		n := top + mul(ty, bot-top)
		return b.base + mul(b.contrast, n-0.5)
	default: // plain: a shallow linear gradient
		g := (mul(x-32, b.gx) + mul(y-32, b.gy)) / 32
		return b.base + mul(b.contrast, g)
	}
}

// drawStimulus draws the placement of s (filling its random fields) and
// returns the image. Each stimulus has its own random stream, so changing
// one does not move the others.
func drawStimulus(s *Stimulus, index int) *image.RGBA {
	r := newRand(streamImage + uint64(index))

	// object placement
	if s.Size == "small" {
		s.Radius = uniform(r, 12, 15.5)
	} else {
		s.Radius = uniform(r, 19.5, 24)
	}
	margin := s.Radius + 1
	s.X = uniform(r, margin, ImageSize-margin)
	s.Y = uniform(r, margin, ImageSize-margin)
	s.Rotation = math.Round(uniform(r, -35, 35))
	s.Mirrored = r.IntN(2) == 1
	// quantise the placement so that it prints exactly
	s.X = math.Round(mul(s.X, 4)) / 4
	s.Y = math.Round(mul(s.Y, 4)) / 4
	s.Radius = math.Round(mul(s.Radius, 4)) / 4

	// object colour, jittered
	col := objectColours[s.Colour]
	for c := range col {
		col[c] = math.Min(1, math.Max(0, col[c]+uniform(r, -0.05, 0.05)))
	}
	shadeCol := rgb{mul(col[0], 0.62), mul(col[1], 0.62), mul(col[2], 0.62)}

	// background
	bg := background{
		kind:     s.Background,
		base:     uniform(r, 0.35, 0.75),
		contrast: uniform(r, 0.18, 0.32),
	}
	for c := range bg.tint {
		bg.tint[c] = uniform(r, 0.88, 1.08)
	}
	switch bg.kind {
	case "stripes":
		th := uniform(r, 0, math.Pi)
		period := uniform(r, 4, 9)
		bg.kx, bg.ky = cos32(th)/period, sin32(th)/period
	case "dots":
		bg.spacing = uniform(r, 6, 10)
		bg.ox, bg.oy = uniform(r, 0, bg.spacing), uniform(r, 0, bg.spacing)
		bg.radius = uniform(r, 1.4, 2.6)
		if r.IntN(2) == 1 {
			bg.contrast = -bg.contrast
		}
	case "noise":
		bg.cell = float64(ImageSize) / (noiseLattice - 2)
		bg.lattice = make([]float64, noiseLattice*noiseLattice)
		for i := range bg.lattice {
			bg.lattice[i] = r.Float64()
		}
		bg.contrast = mul(bg.contrast, 1.6)
	default:
		th := uniform(r, 0, 2*math.Pi)
		bg.gx, bg.gy = cos32(th), sin32(th)
		bg.contrast = mul(bg.contrast, 0.5)
	}

	th := s.Rotation * math.Pi / 180
	cs, sn := cos32(th), sin32(th)
	shape := shapes[s.Category]
	inv := 1 / s.Radius

	const ss = 4 // supersampling per axis
	img := image.NewRGBA(image.Rect(0, 0, ImageSize, ImageSize))
	for py := range ImageSize {
		for px := range ImageSize {
			var acc rgb
			for sy := range ss {
				for sx := range ss {
					x := float64(px) + float64((float64(sx)+0.5)/ss)
					y := float64(py) + float64((float64(sy)+0.5)/ss)
					dx, dy := x-s.X, y-s.Y
					// rotate the point into the object's frame (screen y is
					// down, so a positive angle turns the object
					// counter-clockwise on screen)
					u := mul(mul(dx, cs)-mul(dy, sn), inv)
					v := mul(mul(dx, sn)+mul(dy, cs), inv)
					if s.Mirrored {
						u = -u
					}
					var c rgb
					switch shape(u, v) {
					case body:
						c = col
					case dark:
						c = darkColour
					case light:
						c = lightColour
					case shade:
						c = shadeCol
					default:
						g := bg.value(x, y)
						c = rgb{mul(g, bg.tint[0]), mul(g, bg.tint[1]), mul(g, bg.tint[2])}
					}
					acc[0] += c[0]
					acc[1] += c[1]
					acc[2] += c[2]
				}
			}
			img.SetRGBA(px, py, color.RGBA{
				R: to8(acc[0] / (ss * ss)),
				G: to8(acc[1] / (ss * ss)),
				B: to8(acc[2] / (ss * ss)),
				A: 255,
			})
		}
	}
	return img
}

// to8 maps [0, 1] to 0..255 with rounding and clipping.
func to8(x float64) uint8 {
	v := math.Floor(mul(x, 255) + 0.5)
	return uint8(math.Min(255, math.Max(0, v)))
}
