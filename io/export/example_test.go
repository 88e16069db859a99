package export_test

import (
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"

	"github.com/alignscope/alignscope/io/export"
)

// A widget renders a plot at its size and maps a click back to data
// coordinates with the frame of the rendering.
func ExampleRender() {
	p := plot.New()
	p.Title.Text = "scores"
	p.Add(&plotter.Polygon{XYs: []plotter.XYs{{{X: 0, Y: 0}, {X: 1, Y: 0}, {X: 1, Y: 1}, {X: 0, Y: 1}}}, Color: color.Black})
	p.X.Min, p.X.Max = 0, 4
	p.Y.Min, p.Y.Max = 0, 2
	_, frame, err := export.Render(p, 800, 600)
	if err != nil {
		fmt.Println(err)
		return
	}
	// A click at the pixel where data (3, 1.5) is drawn.
	px, py := frame.DataToPixel(3, 1.5)
	x, y := frame.PixelToData(px, py)
	fmt.Printf("inside: %v, data: (%.2f, %.2f)\n", frame.Contains(px, py), x, y)
	// Output: inside: true, data: (3.00, 1.50)
}
