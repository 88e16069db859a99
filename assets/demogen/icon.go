package demogen

import (
	"image"
	"image/color"
	"math"
)

// IconSize is the width and height of the application icon.
const IconSize = 256

// viridis anchors, evenly spaced on [0, 1].
var viridis = []rgb{
	{68, 1, 84}, {71, 44, 122}, {59, 81, 139}, {44, 113, 142}, {33, 144, 141},
	{39, 173, 129}, {92, 200, 99}, {170, 220, 50}, {253, 231, 37},
}

// colormap maps t in [0, 1] to viridis, channels in [0, 1].
func colormap(t float64) rgb {
	t = math.Min(1, math.Max(0, t))
	f := mul(t, float64(len(viridis)-1))
	i := min(int(f), len(viridis)-2)
	w := f - float64(i)
	var c rgb
	for k := range c {
		a, b := viridis[i][k], viridis[i+1][k]
		c[k] = (a + mul(w, b-a)) / 255
	}
	return c
}

// inRoundRect reports whether (x, y) lies in the rectangle [x0, x1]×[y0, y1]
// with corners rounded to radius r.
func inRoundRect(x, y, x0, y0, x1, y1, r float64) bool {
	if x < x0 || x > x1 || y < y0 || y > y1 {
		return false
	}
	dx := math.Max(0, math.Max(x0+r-x, x-(x1-r)))
	dy := math.Max(0, math.Max(y0+r-y, y-(y1-r)))
	return sq(dx)+sq(dy) <= sq(r)
}

// iconRDM is the dissimilarity matrix drawn on the icon: 8 stimuli, two
// per category, categories grouped two by two like the demo's animate and
// inanimate objects.
func iconRDM(i, j int) float64 {
	if i == j {
		return 0
	}
	// a small fixed, symmetric jitter
	h := (i*7 + j*7 + i*j*3) % 5
	jit := float64(h) / 40
	switch {
	case i/2 == j/2:
		return 0.22 + jit
	case i/4 == j/4:
		return 0.55 + jit
	default:
		return 0.88 + jit
	}
}

// drawIcon draws the application icon: a heat-map representational
// dissimilarity matrix (viridis, similar = bright) on a dark rounded tile.
func drawIcon() *image.RGBA {
	const (
		ss     = 4 // supersampling per axis
		tile0  = 12.0
		tile1  = IconSize - 12.0
		radius = 52.0
		grid0  = 44.0
		cells  = 8
		pitch  = (IconSize - 2*grid0) / cells
		gap    = 3.0
	)
	top, bottom := rgb{0.14, 0.20, 0.33}, rgb{0.05, 0.08, 0.16}
	img := image.NewRGBA(image.Rect(0, 0, IconSize, IconSize))
	for py := range IconSize {
		for px := range IconSize {
			var acc [4]float64 // premultiplied RGBA
			for sy := range ss {
				for sx := range ss {
					x := float64(px) + float64((float64(sx)+0.5)/ss)
					y := float64(py) + float64((float64(sy)+0.5)/ss)
					if !inRoundRect(x, y, tile0, tile0, tile1, tile1, radius) {
						continue
					}
					t := (y - tile0) / (tile1 - tile0)
					var c rgb
					for k := range c {
						c[k] = top[k] + mul(t, bottom[k]-top[k])
					}
					i := int(math.Floor((y - grid0) / pitch))
					j := int(math.Floor((x - grid0) / pitch))
					if i >= 0 && i < cells && j >= 0 && j < cells {
						cx0 := grid0 + mul(float64(j), pitch)
						cy0 := grid0 + mul(float64(i), pitch)
						if inRoundRect(x, y, cx0+gap/2, cy0+gap/2, cx0+pitch-gap/2, cy0+pitch-gap/2, 4) {
							c = colormap(0.1 + mul(0.9, 1-iconRDM(i, j)))
						}
					}
					acc[0] += c[0]
					acc[1] += c[1]
					acc[2] += c[2]
					acc[3]++
				}
			}
			img.SetRGBA(px, py, color.RGBA{
				R: to8(acc[0] / (ss * ss)),
				G: to8(acc[1] / (ss * ss)),
				B: to8(acc[2] / (ss * ss)),
				A: to8(acc[3] / (ss * ss)),
			})
		}
	}
	return img
}
