package lesion

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/alignscope/alignscope/core/data"
	"gonum.org/v1/gonum/mat"
)

// Fill is what a silenced unit's activation becomes.
type Fill int

// The fills.
const (
	// Zero sets the unit to 0 for every stimulus.
	Zero Fill = iota
	// Mean sets the unit to its mean activation over the stimuli.
	Mean
)

func (f Fill) String() string {
	if f == Mean {
		return "mean"
	}
	return "zero"
}

// ParseFill reads "zero" or "mean".
func ParseFill(s string) (Fill, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "zero", "0", "":
		return Zero, nil
	case "mean":
		return Mean, nil
	}
	return Zero, fmt.Errorf("unknown fill %q: a silenced unit is set to zero or to its mean", s)
}

// Kind names the rule of a plan.
type Kind string

// The kinds of plan.
const (
	KindRandom    Kind = "random"
	KindSelective Kind = "selective"
	KindVariance  Kind = "variance"
	KindWeights   Kind = "weights"
	KindList      Kind = "list"
	KindScore     Kind = "score"
)

// Plan is an order in which to silence the units of a layer: a partition
// of the p units into groups (single units, or the channels of a
// convolutional layer), most targeted first. The lesion at fraction f
// silences the first k = ⌊f·G + ½⌋ of the G groups. A user-picked list
// (Size > 0) silences exactly its first Size groups, whatever the
// fraction.
type Plan struct {
	// Name describes the plan for people ("most selective for animacy:
	// animate vs inanimate (d′)").
	Name string
	Kind Kind
	// Units is p, the number of units of the layer.
	Units int
	// Groups partition the units 0 … p−1 in lesion order; each group's
	// units are sorted.
	Groups [][]int
	// Score holds each group's score in Groups order (selectivity,
	// variance, |weight|, mean over a channel's units); NaN where the
	// plan has none.
	Score []float64
	// Channels is true when the groups are channels.
	Channels bool
	// Size is the number of groups of a fixed lesion (a user-picked
	// list), 0 for a ranked plan.
	Size int
}

// Count is the number of groups silenced at fraction f: Size for a fixed
// lesion, otherwise ⌊f·G + ½⌋.
func (p *Plan) Count(f float64) int {
	if p.Size > 0 {
		return p.Size
	}
	return countOf(f, len(p.Groups))
}

func countOf(f float64, g int) int {
	return min(g, max(0, int(math.Floor(f*float64(g)+0.5))))
}

// Lesion returns the sorted units silenced at fraction f (in [0, 1]).
func (p *Plan) Lesion(f float64) ([]int, error) {
	if err := checkFraction(f); err != nil {
		return nil, err
	}
	return unitsOf(p.Groups[:p.Count(f)]), nil
}

func unitsOf(groups [][]int) []int {
	var out []int
	for _, g := range groups {
		out = append(out, g...)
	}
	slices.Sort(out)
	return out
}

func checkFraction(f float64) error {
	if !(f >= 0 && f <= 1) {
		return fmt.Errorf("fraction lesioned %g%% is outside 0–100%%", 100*f)
	}
	return nil
}

// Random returns the units of a p-unit layer in a random order drawn
// from seed (math/rand/v2 PCG): the lesion at fraction f is a uniformly
// random set of ⌊f·p + ½⌋ units.
func Random(p int, seed uint64) (*Plan, error) {
	if p < 1 {
		return nil, fmt.Errorf("random lesion plan: the layer has no units")
	}
	return &Plan{Name: "random units", Kind: KindRandom, Units: p, Groups: singles(permutation(p, seed, 0)), Score: nanSlice(p)}, nil
}

// RandomChannels returns the channels of a layer with unit shape
// C × H × W (or any C × …) in a random order drawn from seed.
func RandomChannels(shape []int, seed uint64) (*Plan, error) {
	ch, err := ChannelGroups(shape)
	if err != nil {
		return nil, err
	}
	perm := permutation(len(ch), seed, 0)
	groups := make([][]int, len(ch))
	for i, c := range perm {
		groups[i] = ch[c]
	}
	return &Plan{Name: "random channels", Kind: KindRandom, Units: prod(shape), Groups: groups, Score: nanSlice(len(ch)), Channels: true}, nil
}

// permutation is a random order of 0 … n−1 from stream (seed, stream).
func permutation(n int, seed, stream uint64) []int {
	r := rand.New(rand.NewPCG(seed, stream))
	return r.Perm(n)
}

func singles(order []int) [][]int {
	backing := make([]int, len(order))
	copy(backing, order)
	g := make([][]int, len(order))
	for i := range g {
		g[i] = backing[i : i+1 : i+1]
	}
	return g
}

func nanSlice(n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = math.NaN()
	}
	return s
}

func prod(s []int) int {
	p := 1
	for _, v := range s {
		p *= v
	}
	return p
}

// ChannelGroups splits the units of a layer with unit shape C × … (C
// order, as numpy stores C × H × W) into its C channels: channel c holds
// units c·q … (c+1)·q − 1, q the product of the other dimensions.
func ChannelGroups(shape []int) ([][]int, error) {
	if len(shape) < 2 {
		return nil, fmt.Errorf("a channel lesion needs a convolutional layer with unit shape C×H×W; this layer's units have shape %v (no channels)", shape)
	}
	for _, d := range shape {
		if d < 1 {
			return nil, fmt.Errorf("unit shape %v has an empty dimension", shape)
		}
	}
	c := shape[0]
	q := prod(shape[1:])
	out := make([][]int, c)
	for k := range out {
		out[k] = make([]int, q)
		for i := range out[k] {
			out[k][i] = k*q + i
		}
	}
	return out, nil
}

// Order says which end of a score ranking is lesioned first.
type Order int

// The orders.
const (
	Highest Order = iota // largest score first
	Lowest               // smallest score first
)

// Ranked returns a plan that silences units by score (one per unit):
// largest first for Highest, smallest first for Lowest. Ties keep unit
// order; NaN scores come last either way.
func Ranked(name string, score []float64, order Order) (*Plan, error) {
	if len(score) == 0 {
		return nil, fmt.Errorf("%s: no unit scores", name)
	}
	idx := rankOrder(score, order)
	s := make([]float64, len(idx))
	for i, u := range idx {
		s[i] = score[u]
	}
	return &Plan{Name: name, Kind: KindScore, Units: len(score), Groups: singles(idx), Score: s}, nil
}

// RankedChannels returns a plan that silences whole channels of a layer
// with unit shape C × …, ranked by the mean score of their units (NaN
// scores ignored; a channel of NaN scores comes last).
func RankedChannels(name string, shape []int, score []float64, order Order) (*Plan, error) {
	ch, err := ChannelGroups(shape)
	if err != nil {
		return nil, err
	}
	if len(score) != prod(shape) {
		return nil, fmt.Errorf("%s: %d unit scores for a layer of %d units (shape %v)", name, len(score), prod(shape), shape)
	}
	cs := make([]float64, len(ch))
	for c, units := range ch {
		s, k := 0.0, 0
		for _, u := range units {
			if !math.IsNaN(score[u]) {
				s += score[u]
				k++
			}
		}
		cs[c] = math.NaN()
		if k > 0 {
			cs[c] = s / float64(k)
		}
	}
	idx := rankOrder(cs, order)
	groups := make([][]int, len(idx))
	s := make([]float64, len(idx))
	for i, c := range idx {
		groups[i], s[i] = ch[c], cs[c]
	}
	return &Plan{Name: name, Kind: KindScore, Units: len(score), Groups: groups, Score: s, Channels: true}, nil
}

// rankOrder returns the indices of score, highest (or lowest) first,
// ties in index order, NaN last.
func rankOrder(score []float64, order Order) []int {
	idx := make([]int, len(score))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		x, y := score[a], score[b]
		xn, yn := math.IsNaN(x), math.IsNaN(y)
		switch {
		case xn && yn:
			return 0
		case xn:
			return 1
		case yn:
			return -1
		}
		if order == Lowest {
			x, y = y, x
		}
		switch {
		case x > y:
			return -1
		case x < y:
			return 1
		}
		return 0
	})
	return idx
}

// List returns a fixed lesion of the given units of a p-unit layer (a
// user-picked list, in any order; duplicates are an error).
func List(p int, units []int) (*Plan, error) {
	if len(units) == 0 {
		return nil, fmt.Errorf("the list of units to lesion is empty; pick at least one unit")
	}
	seen := make([]bool, p)
	for _, u := range units {
		if u < 0 || u >= p {
			return nil, fmt.Errorf("unit %d does not exist: the layer has units 0 … %d", u, p-1)
		}
		if seen[u] {
			return nil, fmt.Errorf("unit %d is listed twice", u)
		}
		seen[u] = true
	}
	order := append([]int(nil), units...)
	for u := 0; u < p; u++ {
		if !seen[u] {
			order = append(order, u)
		}
	}
	return &Plan{Name: fmt.Sprintf("%d picked units", len(units)), Kind: KindList, Units: p,
		Groups: singles(order), Score: nanSlice(p), Size: len(units)}, nil
}

// Weights returns a plan that silences the units with the largest
// absolute weight first, such as the encoding weights of a region (one
// per unit, e.g. the mean |β| over the region's voxels).
func Weights(w []float64) (*Plan, error) {
	a := make([]float64, len(w))
	for i, v := range w {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("encoding weight of unit %d is %g; weights must be finite", i, v)
		}
		a[i] = math.Abs(v)
	}
	p, err := Ranked("largest encoding weights", a, Highest)
	if err != nil {
		return nil, err
	}
	p.Kind = KindWeights
	return p, nil
}

// Variances returns the variance of every unit over the stimuli,
// s²_u = Σ_i (x_iu − x̄_u)² / (n − 1), streaming column blocks.
func Variances(ctx context.Context, x data.Matrix) ([]float64, error) {
	n, p := x.Dims()
	if n < 2 {
		return nil, fmt.Errorf("unit variances need at least 2 stimuli, have %d", n)
	}
	out := make([]float64, p)
	err := eachBlock(ctx, x, func(j0, j1 int, b *mat.Dense) error {
		w := j1 - j0
		mean := make([]float64, w)
		for i := 0; i < n; i++ {
			for k, v := range b.RawRowView(i) {
				mean[k] += v
			}
		}
		for k := range mean {
			mean[k] /= float64(n)
		}
		for i := 0; i < n; i++ {
			for k, v := range b.RawRowView(i) {
				d := v - mean[k]
				out[j0+k] += d * d
			}
		}
		for k := 0; k < w; k++ {
			out[j0+k] /= float64(n - 1)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Variance returns the plan that silences the highest-variance units
// first.
func Variance(ctx context.Context, x data.Matrix) (*Plan, error) {
	v, err := Variances(ctx, x)
	if err != nil {
		return nil, err
	}
	p, err := Ranked("highest-variance units", v, Highest)
	if err != nil {
		return nil, err
	}
	p.Kind = KindVariance
	return p, nil
}

// eachBlock streams x in column blocks, checking ctx between blocks.
func eachBlock(ctx context.Context, x data.Matrix, fn func(j0, j1 int, b *mat.Dense) error) error {
	n, p := x.Dims()
	return data.EachBlock(x, min(p, max(256, (8<<20)/(8*max(n, 1)))), func(j0, j1 int, b *mat.Dense) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		return fn(j0, j1, b)
	})
}
