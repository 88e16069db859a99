package demogen

import (
	"fmt"
	"image"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// Seed is the seed of every PCG stream of the generator. Each random
// ingredient has its own stream (rand.NewPCG(Seed, stream)), so changing
// one leaves the others as they were.
const Seed uint64 = 20231109

// PCG stream numbers.
const (
	streamRandConv1 = 1
	streamConv2     = 2
	streamConv3     = 3
	streamFC        = 4
	streamSubject   = 100  // + subject index
	streamImage     = 1000 // + stimulus index
	streamBrain     = 3000 // anatomical noise
)

// Subjects are the simulated participants.
var Subjects = []string{"sub-01", "sub-02", "sub-03", "sub-04"}

// Repetitions is the number of repetitions recorded per subject.
const Repetitions = 2

// Component is one term of a region's signal: a z-scored gabornet layer
// (or "category", the one-hot category matrix) with its weight.
type Component struct {
	Source string  // a gabornet layer name, or "category"
	Weight float64 // amplitude of the component scaled to unit mean square
	// Slope makes the weight vary along the region from back to front:
	// voxel v gets Weight·(1 + Slope·t_v), t_v ∈ [−1, 1] its position from
	// the most posterior (−1) to the most anterior (+1) voxel of the
	// region in the atlas. 0 for a uniform weight.
	Slope float64
}

// RegionSpec is the ground truth of one simulated region.
type RegionSpec struct {
	Name       string
	Voxels     int
	Components []Component
	// SNR is the ratio of signal variance to noise variance per voxel in
	// one repetition.
	SNR float64
}

// NoiseSD is the noise standard deviation per repetition, 1/√SNR, since
// the signal of every voxel has unit variance.
func (r RegionSpec) NoiseSD() float64 { return 1 / math.Sqrt(r.SNR) }

// V4Gradient is the slope of V4's mixture along the posterior–anterior
// axis: its posterior voxels weigh conv2 by 0.6·(1 + V4Gradient) and conv3
// by 0.6·(1 − V4Gradient), its anterior voxels the reverse.
const V4Gradient = 0.6

// GroundTruth returns how the recordings are made (see the package
// documentation for the maths).
func GroundTruth() []RegionSpec {
	return []RegionSpec{
		{Name: "V1", Voxels: 180, SNR: 1.0, Components: []Component{{"conv1", 0.9, 0}, {"conv2", 0.3, 0}}},
		{Name: "V4", Voxels: 150, SNR: 0.6, Components: []Component{{"conv2", 0.6, -V4Gradient}, {"conv3", 0.6, V4Gradient}}},
		{Name: "IT", Voxels: 120, SNR: 0.5, Components: []Component{{"fc", 0.6, 0}, {"readout", 0.3, 0}, {"category", 0.5, 0}}},
	}
}

// Layer is one layer of a network: n stimuli × p units.
type Layer struct {
	Name  string
	Shape []int // unit shape: C, H, W for convolutional layers; p for dense
	// Data is n × p; unit (c, y, x) of a convolutional layer is column
	// (c·H + y)·W + x. Values are float32 numbers held in float64.
	Data *mat.Dense
}

// Model is a network and its layers in network order.
type Model struct {
	Name string
	// Ingredient is what distinguishes it from the other network.
	Ingredient string
	Layers     []*Layer
}

// Layer returns the layer called name, or nil.
func (m *Model) Layer(name string) *Layer {
	for _, l := range m.Layers {
		if l.Name == name {
			return l
		}
	}
	return nil
}

// Region is one region of one subject.
type Region struct {
	Name string
	// Reps holds one n × v matrix per repetition; values are float32
	// numbers held in float64.
	Reps []*mat.Dense
}

// Subject is a simulated participant.
type Subject struct {
	Name    string
	Regions []*Region
}

// Region returns the region called name, or nil.
func (s *Subject) Region(name string) *Region {
	for _, r := range s.Regions {
		if r.Name == name {
			return r
		}
	}
	return nil
}

// Demo is the whole demo project in memory, identical to what Write puts
// in files.
type Demo struct {
	Stimuli  []Stimulus
	Images   []*image.RGBA // 64×64, opaque, in stimulus order
	Models   []*Model      // gabornet, randnet
	Subjects []*Subject    // sub-01 … sub-04, regions V1, V4, IT
	Truth    []RegionSpec
	// Brain is the anatomy and atlas; region Truth[r] has the voxels
	// Brain.Regions[r], which are the channels of its recordings.
	Brain *Brain
	Icon  *image.RGBA // 256×256 application icon
}

// Model returns the model called name, or nil.
func (d *Demo) Model(name string) *Model {
	for _, m := range d.Models {
		if m.Name == name {
			return m
		}
	}
	return nil
}

// Generate builds the demo project. It is deterministic: every call, on
// every platform, gives the same numbers.
func Generate() (*Demo, error) {
	d := &Demo{Stimuli: stimulusDesign(), Truth: GroundTruth()}
	n := len(d.Stimuli)
	d.Images = make([]*image.RGBA, n)
	cats := make([]int, n)
	for i := range d.Stimuli {
		d.Images[i] = drawStimulus(&d.Stimuli[i], i)
		cats[i] = slices.Index(Categories, d.Stimuli[i].Category)
	}

	in := inputs(d.Images)
	for _, nw := range networks() {
		m, err := runNetwork(nw, in, cats)
		if err != nil {
			return nil, err
		}
		d.Models = append(d.Models, m)
	}

	places := RegionPlaces()
	counts := make([]int, len(d.Truth))
	for r, spec := range d.Truth {
		if places[r].Name != spec.Name {
			panic("demogen: RegionPlaces and GroundTruth list different regions")
		}
		counts[r] = spec.Voxels
	}
	brain, err := makeBrain(places, counts)
	if err != nil {
		return nil, err
	}
	d.Brain = brain

	gabornet := d.Model("gabornet")
	for s, name := range Subjects {
		sub, err := simulateSubject(name, s, gabornet, cats, d.Truth, brain)
		if err != nil {
			return nil, err
		}
		d.Subjects = append(d.Subjects, sub)
	}
	d.Icon = drawIcon()
	return d, nil
}

// runNetwork runs nw over the inputs and fits its readout.
func runNetwork(nw *network, in []tensor, cats []int) (*Model, error) {
	n := len(in)
	acts := make([][][]float64, n) // stimulus × layer × units
	for i, t := range in {
		acts[i] = nw.forward(t)
	}
	m := &Model{Name: nw.name, Ingredient: nw.ingredient}
	shapes := [][]int{
		{conv1Filters, ImageSize / conv1Pool, ImageSize / conv1Pool},
		{conv2Filters, ImageSize / (conv1Pool * conv2Pool), ImageSize / (conv1Pool * conv2Pool)},
		{conv3Filters, ImageSize / (conv1Pool * conv2Pool * conv3Pool), ImageSize / (conv1Pool * conv2Pool * conv3Pool)},
		{fcUnits},
	}
	var fc []float64
	for l, shape := range shapes {
		p := len(acts[0][l])
		if prod(shape) != p {
			panic(fmt.Sprintf("demogen: layer %s has %d units, shape %v", LayerNames[l], p, shape))
		}
		x := make([]float64, n*p)
		for i := range n {
			copy(x[i*p:], acts[i][l])
		}
		if l == len(shapes)-1 {
			fc = x
		}
		m.Layers = append(m.Layers, newLayer(LayerNames[l], shape, n, x))
	}
	ro, err := ridgeReadout(fc, n, fcUnits, cats, len(Categories), RidgeLambda)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", nw.name, err)
	}
	m.Layers = append(m.Layers, newLayer("readout", []int{len(Categories)}, n, ro))
	return m, nil
}

// newLayer rounds x (n × p, row-major) to float32 and wraps it.
func newLayer(name string, shape []int, n int, x []float64) *Layer {
	for i, v := range x {
		x[i] = round32(v)
	}
	return &Layer{Name: name, Shape: shape, Data: mat.NewDense(n, len(x)/n, x)}
}

func prod(s []int) int {
	p := 1
	for _, v := range s {
		p *= v
	}
	return p
}
