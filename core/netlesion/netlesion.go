package netlesion

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/alignscope/alignscope/core/inference"
	"github.com/alignscope/alignscope/core/job"
	"github.com/alignscope/alignscope/core/lesion"
	"github.com/alignscope/alignscope/core/network"
	"github.com/alignscope/alignscope/core/rdm"
)

// Spec is one propagated-lesion analysis.
type Spec struct {
	// Net is the intact network; it is not changed (a masked copy is
	// made).
	Net *network.Net
	// Inputs are the stimulus images prepared for Net (Net.Prepare), n ≥ 3.
	Inputs *network.Inputs
	// Node is the tensor whose units are silenced, by name or label
	// (network.Net.Nodes).
	Node string
	// Channels makes it a channel lesion: Plan must order the node's
	// channels (lesion.RankedChannels, lesion.RandomChannels). A channel
	// plan is a channel lesion whether or not Channels is set.
	Channels bool
	// Plan is the targeted lesion order over the node's units (Units =
	// the node's per-image size, C·H·W in C order) or channels.
	Plan *lesion.Plan
	// Fill is what a silenced unit becomes: 0, or its mean over the
	// stimuli in the intact network.
	Fill lesion.Fill
	// Fractions lesioned, each in [0, 1] (nil: lesion.DefaultFractions).
	// A fixed plan (lesion.List) has the single fraction of its size.
	Fractions []float64
	// Draws is the number of random lesions per fraction (0:
	// lesion.DefaultDraws).
	Draws int
	// Seed seeds the random lesions; draw d uses the PCG stream
	// (Seed, d+1).
	Seed uint64
	// Layers are the later layers measured against Regions and Encoding,
	// by name or label; each must be the node or computed from it (nil:
	// every node computed from Node, network.Net.Downstream).
	Layers []string
	// Regions to compare each layer with (RSA of correlation-distance
	// RDMs; one RDM per subject over the n stimuli).
	Regions []lesion.Region
	// Compare is the RDM comparison method of core/compare ("":
	// lesion.DefaultCompare).
	Compare string
	// Encoding regions add each layer's encoding score (kernel ridge
	// re-fitted for every lesion and layer: costly).
	Encoding []lesion.EncodingRegion
	// Readout, if not nil, adds the decoding accuracy of a stimulus
	// descriptor from ReadoutLayer.
	Readout *lesion.Readout
	// ReadoutLayer is the layer decoded ("": the network's output, the
	// logits; the penultimate layer is another common choice). It must be
	// the node or computed from it.
	ReadoutLayer string
	// Top1 adds the top-1 agreement of the network's output with the
	// intact network's.
	Top1 bool
}

// Layer is a measured layer.
type Layer struct {
	Name  string // tensor name
	Label string // short display name
	Shape []int  // per-image shape
}

// Effect is one measured quantity along the curve: the agreement of a
// layer with a region (Kind "rsa" or "encoding"), or a measure of the
// output (Kind "top1" or "decoding"). The embedded lesion.Effect is
// core/lesion's curve: Intact score, per fraction the targeted change,
// the null's median and 2.5 %–97.5 % band, the p-value and every draw's
// change; changes are lesioned − intact.
type Effect struct {
	// Layer and LayerLabel name the layer measured (the output for
	// "top1", the readout layer for "decoding").
	Layer, LayerLabel string
	lesion.Effect
}

// RegionCeiling is the noise ceiling of a region (NaN with Note saying
// why when undefined).
type RegionCeiling struct {
	Name    string
	Ceiling inference.Ceiling
	Note    string
}

// Result is a propagated lesion curve.
type Result struct {
	// Net is the network's name; Node and NodeLabel the masked tensor;
	// NodeShape its per-image shape.
	Net, Node, NodeLabel string
	NodeShape            []int
	// Plan is the targeted plan's name.
	Plan     string
	Channels bool
	Fill     lesion.Fill
	// Fractions lesioned; Groups and Units are how many groups (units or
	// channels) and units each silences.
	Fractions     []float64
	Groups, Units []int
	Draws         int
	Seed          uint64
	// Layers are the layers measured against the regions, in the order
	// of Spec.Layers (graph order by default).
	Layers []Layer
	// Output is the output tensor of the top-1 agreement, Readout the
	// layer decoded ("" when not measured).
	Output, Readout string
	// Effects: for each layer, its RSA effect for each region then its
	// encoding effect for each encoding region; then the top-1
	// agreement, then the decoding.
	Effects []Effect
	// Ceilings are the regions' noise ceilings, in Regions order (also
	// in each RSA effect).
	Ceilings []RegionCeiling
}

// Effect returns the effect of the layer (name or label) with the given
// Name (a region, "encoding <region>", "top-1 agreement", "decoding
// <descriptor>"), or nil.
func (r *Result) Effect(layer, name string) *Effect {
	for i := range r.Effects {
		e := &r.Effects[i]
		if (e.Layer == layer || e.LayerLabel == layer) && e.Name == name {
			return e
		}
	}
	return nil
}

// Curve returns the result as a core/lesion Result, each effect's Name
// prefixed with its layer's label ("relu4 · IT"), so that what draws or
// tabulates a stored-layer lesion curve draws this one.
func (r *Result) Curve() *lesion.Result {
	out := &lesion.Result{Plan: r.Plan, Channels: r.Channels, Fill: r.Fill, Fractions: r.Fractions,
		Groups: r.Groups, Units: r.Units, Draws: r.Draws, Seed: r.Seed}
	for _, e := range r.Effects {
		le := e.Effect
		le.Name = e.LayerLabel + " · " + e.Name
		out.Effects = append(out.Effects, le)
	}
	return out
}

// Table returns the effect-size table (lesion.Result.Table of Curve):
// one row per effect and fraction.
func (r *Result) Table() []lesion.Row { return r.Curve().Table() }

// setup is a validated spec.
type setup struct {
	spec      Spec
	node      network.Node
	channels  bool
	fractions []float64
	counts    []int // groups silenced per fraction
	units     []int // units silenced per fraction
	draws     int
	method    string
	layers    []network.Node
	readout   string // tensor name, "" without a readout
	output    string // tensor name, "" without top-1
	extract   []string
	index     map[string]int // tensor name → position in extract
}

func (s *Spec) check() (*setup, error) {
	if s.Net == nil {
		return nil, fmt.Errorf("no network")
	}
	if s.Inputs == nil || s.Inputs.N == 0 {
		return nil, fmt.Errorf("no stimulus images prepared for %s", s.Net.Name)
	}
	n := s.Inputs.N
	if len(s.Inputs.Data) != n*3*s.Inputs.H*s.Inputs.W {
		return nil, fmt.Errorf("the prepared images hold %d values, not %d images of 3×%d×%d; prepare them with Net.Prepare", len(s.Inputs.Data), n, s.Inputs.H, s.Inputs.W)
	}
	if n < 3 {
		return nil, fmt.Errorf("a lesion analysis needs at least 3 stimuli, have %d", n)
	}
	if s.Node == "" {
		return nil, fmt.Errorf("choose the node of %s to lesion", s.Net.Name)
	}
	node, err := s.Net.Resolve(s.Node)
	if err != nil {
		return nil, err
	}
	st := &setup{spec: *s, node: node, method: s.Compare}
	if st.method == "" {
		st.method = lesion.DefaultCompare
	}
	p := node.Units()
	plan := s.Plan
	if plan == nil {
		return nil, fmt.Errorf("no lesion plan")
	}
	st.channels = s.Channels || plan.Channels
	if st.channels && len(node.Shape) < 2 {
		return nil, fmt.Errorf("node %q has per-image shape %v: it has no channels to lesion; use a plan over its units", node.Label, node.Shape)
	}
	if s.Channels && !plan.Channels {
		return nil, fmt.Errorf("a channel lesion needs a plan over channels (lesion.RankedChannels or RandomChannels); plan %q orders single units", plan.Name)
	}
	if plan.Units != p {
		return nil, fmt.Errorf("lesion plan %q is for a layer of %d units, node %q has %d (shape %v)", plan.Name, plan.Units, node.Label, p, node.Shape)
	}
	if err := checkPartition(plan.Groups, p); err != nil {
		return nil, fmt.Errorf("lesion plan %q: %w", plan.Name, err)
	}
	if st.channels {
		q := p / node.Shape[0]
		for _, g := range plan.Groups {
			if len(g) != q || g[0]%q != 0 || g[len(g)-1] != g[0]+q-1 {
				return nil, fmt.Errorf("lesion plan %q: a group of %d units starting at unit %d is not a channel of node %q (shape %v, %d units per channel)",
					plan.Name, len(g), g[0], node.Label, node.Shape, q)
			}
		}
	}
	if s.Fill != lesion.Zero && s.Fill != lesion.Mean {
		return nil, fmt.Errorf("unknown fill %d", s.Fill)
	}
	st.draws = s.Draws
	if st.draws == 0 {
		st.draws = lesion.DefaultDraws
	}
	if st.draws < 1 {
		return nil, fmt.Errorf("the random null needs at least 1 draw per fraction, asked for %d", s.Draws)
	}
	G := len(plan.Groups)
	if plan.Size > 0 {
		st.fractions = []float64{float64(plan.Size) / float64(G)}
	} else {
		fr := s.Fractions
		if fr == nil {
			fr = lesion.DefaultFractions
		}
		if len(fr) == 0 {
			return nil, fmt.Errorf("no fractions to lesion")
		}
		for _, f := range fr {
			if !(f >= 0 && f <= 1) {
				return nil, fmt.Errorf("fraction lesioned %g%% is outside 0–100%%", 100*f)
			}
		}
		st.fractions = slices.Clone(fr)
		slices.Sort(st.fractions)
		st.fractions = slices.Compact(st.fractions)
		if len(st.fractions) > 64 {
			return nil, fmt.Errorf("%d fractions: at most 64", len(st.fractions))
		}
	}
	for _, f := range st.fractions {
		k := plan.Count(f)
		u := 0
		for _, g := range plan.Groups[:k] {
			u += len(g)
		}
		st.counts = append(st.counts, k)
		st.units = append(st.units, u)
	}

	// Layers: the node or nodes computed from it.
	down, err := s.Net.Downstream(node.Name)
	if err != nil {
		return nil, err
	}
	after := map[string]bool{node.Name: true}
	for _, d := range down {
		after[d] = true
	}
	later := func(what, name string) (network.Node, error) {
		nd, err := s.Net.Resolve(name)
		if err != nil {
			return nd, fmt.Errorf("%s: %w", what, err)
		}
		if !after[nd.Name] {
			return nd, fmt.Errorf("%s %q is not computed from the lesioned node %q, so the lesion cannot change it; choose a later layer", what, nd.Label, node.Label)
		}
		return nd, nil
	}
	names := s.Layers
	if names == nil {
		names = down
	}
	seen := map[string]bool{}
	for _, l := range names {
		nd, err := later("layer", l)
		if err != nil {
			return nil, err
		}
		if seen[nd.Name] {
			return nil, fmt.Errorf("layer %q is chosen twice", l)
		}
		seen[nd.Name] = true
		st.layers = append(st.layers, nd)
	}
	if (len(s.Regions) > 0 || len(s.Encoding) > 0) && len(st.layers) == 0 {
		return nil, fmt.Errorf("no layer after node %q to compare with the regions", node.Label)
	}
	outs := s.Net.Outputs()
	if s.Top1 {
		if len(outs) == 0 {
			return nil, fmt.Errorf("%s has no output for the top-1 agreement", s.Net.Name)
		}
		nd, err := later("output", outs[0])
		if err != nil {
			return nil, err
		}
		st.output = nd.Name
	}
	if s.Readout != nil {
		name := s.ReadoutLayer
		if name == "" {
			if len(outs) == 0 {
				return nil, fmt.Errorf("%s has no output to decode from", s.Net.Name)
			}
			name = outs[0]
		}
		nd, err := later("readout layer", name)
		if err != nil {
			return nil, err
		}
		st.readout = nd.Name
		if len(s.Readout.Labels) != n {
			return nil, fmt.Errorf("decoding %q: %d labels for %d stimuli", s.Readout.Descriptor, len(s.Readout.Labels), n)
		}
	}
	if len(s.Regions) == 0 && len(s.Encoding) == 0 && s.Readout == nil && !s.Top1 {
		return nil, fmt.Errorf("nothing to measure: choose a brain region, a decoding readout or the top-1 agreement")
	}
	// The tensors each forward pass extracts.
	st.index = map[string]int{}
	add := func(name string) {
		if _, ok := st.index[name]; !ok && name != "" {
			st.index[name] = len(st.extract)
			st.extract = append(st.extract, name)
		}
	}
	if len(s.Regions) > 0 || len(s.Encoding) > 0 {
		for _, l := range st.layers {
			add(l.Name)
		}
	}
	add(st.output)
	add(st.readout)
	return st, nil
}

// checkPartition verifies that groups partition 0 … p−1.
func checkPartition(groups [][]int, p int) error {
	seen := make([]bool, p)
	count := 0
	for _, g := range groups {
		if len(g) == 0 {
			return fmt.Errorf("has an empty group")
		}
		for _, u := range g {
			if u < 0 || u >= p {
				return fmt.Errorf("unit %d outside 0 … %d", u, p-1)
			}
			if seen[u] {
				return fmt.Errorf("unit %d appears twice", u)
			}
			seen[u] = true
			count++
		}
	}
	if count != p {
		return fmt.Errorf("covers %d of the %d units", count, p)
	}
	return nil
}

// keepOf returns the node's keep vector with the given groups silenced.
func keepOf(p int, groups [][]int) []float32 {
	keep := make([]float32, p)
	for i := range keep {
		keep[i] = 1
	}
	for _, g := range groups {
		for _, u := range g {
			keep[u] = 0
		}
	}
	return keep
}

// Run computes a propagated lesion curve: for each fraction, the
// targeted lesion of the plan and Draws random lesions of as many groups
// are inserted after the node, the network is re-run on the inputs, and
// every measure of the later layers and of the output is compared with
// the intact network's (see the package documentation). Cancelling ctx
// stops it between batches of images; progress counts forward passes.
func Run(ctx context.Context, spec Spec, rep *job.Reporter) (*Result, error) {
	st, err := spec.check()
	if err != nil {
		return nil, err
	}
	ms, err := newMeasures(st)
	if err != nil {
		return nil, err
	}
	masked, err := spec.Net.WithMask(network.Mask{Node: st.node.Name})
	if err != nil {
		return nil, err
	}
	F := len(st.fractions)
	G := len(spec.Plan.Groups)
	p := st.node.Units()
	passes := 1
	if spec.Fill == lesion.Mean {
		passes++
	}
	for _, k := range st.counts {
		switch {
		case k == 0:
		case k == G:
			passes++
		default:
			passes += 1 + st.draws
		}
	}
	if rep != nil {
		rep.SetTotal(passes)
		rep.Set(0)
		rep.Message("running the intact network")
	}

	// Intact: the mask keeps everything (y·1 + 0 = y exactly). The node
	// is read too when silenced units take their means.
	ev := &evaluator{st: st, net: masked, in: spec.Inputs, rep: rep}
	var fill []float32
	if spec.Fill == lesion.Mean {
		if fill, err = ev.unitMeans(ctx, p); err != nil {
			return nil, err
		}
		if rep != nil {
			rep.Add(1)
		}
	}
	acts, err := ev.forward(ctx, keepOf(p, nil), nil)
	if err != nil {
		return nil, err
	}
	if err := ms.setIntact(ctx, acts); err != nil {
		return nil, err
	}
	intact, err := ms.score(ctx, acts)
	if err != nil {
		return nil, err
	}
	E := len(intact)

	// Every lesion's scores, filled by the pipeline: targeted[f],
	// null[d][f].
	targeted := make([][]float64, F)
	null := make([][][]float64, st.draws)
	for d := range null {
		null[d] = make([][]float64, F)
	}
	pl := newPipeline(ctx, ms)
	var all []float64 // the scores of silencing every group
	err = func() error {
		submit := func(keep []float32, dst *[]float64) error {
			acts, err := ev.forward(pl.ctx, keep, fill)
			if err != nil {
				return err
			}
			pl.submit(acts, dst)
			return nil
		}
		if rep != nil {
			rep.Message("targeted lesions: %s", spec.Plan.Name)
		}
		allDone := false
		for f, k := range st.counts {
			switch k {
			case 0:
			case G:
				if !allDone {
					allDone = true
					if err := submit(keepOf(p, spec.Plan.Groups), &all); err != nil {
						return err
					}
				}
			default:
				if err := submit(keepOf(p, spec.Plan.Groups[:k]), &targeted[f]); err != nil {
					return err
				}
			}
		}
		// Random null: permutations of the groups in a canonical order
		// (by first unit), so that the null does not depend on the
		// ranking.
		canon := slices.Clone(spec.Plan.Groups)
		slices.SortFunc(canon, func(a, b []int) int { return a[0] - b[0] })
		for d := 0; d < st.draws; d++ {
			if rep != nil && d%10 == 0 {
				rep.Message("random lesions %d–%d of %d", d+1, min(d+10, st.draws), st.draws)
			}
			perm := rand.New(rand.NewPCG(spec.Seed, uint64(d)+1)).Perm(G)
			order := make([][]int, G)
			for i, g := range perm {
				order[i] = canon[g]
			}
			for f, k := range st.counts {
				if k == 0 || k == G {
					continue
				}
				if err := submit(keepOf(p, order[:k]), &null[d][f]); err != nil {
					return err
				}
			}
		}
		return nil
	}()
	if perr := pl.wait(); perr != nil {
		return nil, perr
	}
	if err != nil {
		return nil, err
	}
	for f, k := range st.counts {
		switch k {
		case 0:
			targeted[f] = intact
			for d := range null {
				null[d][f] = intact
			}
		case G:
			targeted[f] = all
			for d := range null {
				null[d][f] = all
			}
		}
	}

	res := &Result{Net: spec.Net.Name, Node: st.node.Name, NodeLabel: st.node.Label, NodeShape: slices.Clone(st.node.Shape),
		Plan: spec.Plan.Name, Channels: st.channels, Fill: spec.Fill, Fractions: st.fractions, Groups: st.counts,
		Units: st.units, Draws: st.draws, Seed: spec.Seed, Output: st.output, Readout: st.readout}
	if len(spec.Regions) > 0 || len(spec.Encoding) > 0 {
		for _, l := range st.layers {
			res.Layers = append(res.Layers, Layer{Name: l.Name, Label: l.Label, Shape: slices.Clone(l.Shape)})
		}
	}
	for _, r := range ms.regions {
		res.Ceilings = append(res.Ceilings, RegionCeiling{Name: r.name, Ceiling: r.ceil, Note: r.ceilNote})
	}
	for k := 0; k < E; k++ {
		m := ms.effects[k]
		eff := Effect{Layer: m.layer.Name, LayerLabel: m.layer.Label, Effect: lesion.Effect{
			Name: m.name, Kind: m.kind, Measure: m.measure, Intact: intact[k], Chance: math.NaN(),
			Ceiling: inference.Ceiling{Lower: math.NaN(), Upper: math.NaN()}}}
		if m.region != nil {
			eff.Ceiling, eff.CeilingNote = m.region.ceil, m.region.ceilNote
		}
		if m.kind == "decoding" {
			eff.Chance = ms.dec.Chance()
		}
		for f := range st.fractions {
			t := targeted[f][k] - intact[k]
			nd := make([]float64, st.draws)
			for d := range nd {
				nd[d] = null[d][f][k] - intact[k]
			}
			eff.Targeted = append(eff.Targeted, t)
			eff.NullMedian = append(eff.NullMedian, rdm.Quantile(nd, 0.5))
			eff.NullLow = append(eff.NullLow, rdm.Quantile(nd, lesion.BandLow))
			eff.NullHigh = append(eff.NullHigh, rdm.Quantile(nd, lesion.BandHigh))
			eff.P = append(eff.P, lesion.PValue(t, nd))
			eff.Null = append(eff.Null, nd)
		}
		res.Effects = append(res.Effects, eff)
	}
	return res, nil
}

// Lesioned returns a masked copy of spec.Net with the targeted lesion of
// spec at fraction f, and the silenced units of the node: extract any
// layer from it (network.ExtractInputs) to see, export or re-analyse the
// lesioned activations. With lesion.Mean the node's unit means are
// computed from spec.Inputs first.
func Lesioned(ctx context.Context, spec Spec, f float64) (*network.Net, []int, error) {
	st, err := spec.check()
	if err != nil {
		return nil, nil, err
	}
	if !(f >= 0 && f <= 1) {
		return nil, nil, fmt.Errorf("fraction lesioned %g%% is outside 0–100%%", 100*f)
	}
	units, err := spec.Plan.Lesion(f)
	if err != nil {
		return nil, nil, err
	}
	masked, err := spec.Net.WithMask(network.Mask{Node: st.node.Name})
	if err != nil {
		return nil, nil, err
	}
	p := st.node.Units()
	var fill []float32
	if spec.Fill == lesion.Mean {
		ev := &evaluator{st: st, net: masked, in: spec.Inputs}
		if fill, err = ev.unitMeans(ctx, p); err != nil {
			return nil, nil, err
		}
	}
	keep, err := network.Silence(p, units)
	if err != nil {
		return nil, nil, err
	}
	if err := masked.SetMask(keep, fill); err != nil {
		return nil, nil, err
	}
	return masked, units, nil
}
