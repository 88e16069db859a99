package figure

import (
	"fmt"
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/vg"
)

// RDMPlot draws an RDM as an n × n heat map (condition 1 at the top
// left, as a matrix is printed) on Moreland's perceptually ordered black
// body scale (black, red, yellow, white) over the range of the full
// matrix, zero diagonal
// included (as matplotlib's imshow), with a colour bar. vec is the
// condensed upper triangle in row-major order (the rsatoolbox and scipy
// order: d(0,1), d(0,2), …, d(n−2,n−1)); NaN dissimilarities are grey.
// names label the conditions (nil: numbers from 1); with more than 40
// conditions only every k-th is labelled.
func RDMPlot(vec []float64, n int, names []string, title string) (*plot.Plot, error) {
	if n < 2 {
		return nil, fmt.Errorf("an RDM needs at least 2 conditions, got %d", n)
	}
	if want := n * (n - 1) / 2; len(vec) != want {
		return nil, fmt.Errorf("an RDM of %d conditions has %d dissimilarities, got %d", n, want, len(vec))
	}
	if names != nil && len(names) != n {
		return nil, fmt.Errorf("%d condition names for %d conditions", len(names), n)
	}
	g := grid{rows: n, cols: n, z: make([]float64, n*n)}
	lo, hi := 0.0, 0.0
	k := 0
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			v := vec[k]
			k++
			g.z[i*n+j], g.z[j*n+i] = v, v
			if finite(v) {
				lo, hi = min(lo, v), max(hi, v)
			}
		}
	}
	if hi == lo {
		hi = lo + 1
	}
	cmap := moreland.BlackBody()
	cmap.SetMin(lo)
	cmap.SetMax(hi)
	sc := newScale(cmap, lo, hi, color.Gray{0xB0})
	cm := &cellMap{g: g, s: sc, raster: n > 100}

	p := newPlot(title)
	step := 1
	if n > 40 {
		step = int(math.Ceil(float64(n) / 20))
		// Round the step to 1, 2, 5 × 10^k.
		mag := math.Pow(10, math.Floor(math.Log10(float64(step))))
		for _, f := range []float64{1, 2, 5, 10} {
			if float64(step) <= f*mag {
				step = int(f * mag)
				break
			}
		}
	}
	var xt, yt []plot.Tick
	var labels []string
	for i := 0; i < n; i++ {
		if step > 1 && (i+1)%step != 0 && i != 0 {
			continue
		}
		l := strconv.Itoa(i + 1)
		if names != nil {
			l = names[i]
		}
		xt = append(xt, plot.Tick{Value: float64(i), Label: l})
		yt = append(yt, plot.Tick{Value: float64(n - 1 - i), Label: l})
		labels = append(labels, l)
	}
	p.X.Tick.Marker = plot.ConstantTicks(xt)
	p.Y.Tick.Marker = plot.ConstantTicks(yt)
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Width = 0
		a.Tick.Length = vg.Points(2)
		a.Padding = vg.Points(1)
		if len(xt) > 24 {
			a.Tick.Label.Font.Size = 7
		}
	}
	if !tickLabelsFit(labels) {
		rotateXTicks(p)
	}
	p.Add(cm)
	p.Add(&colorBar{s: sc, label: "dissimilarity"})
	return p, nil
}
