package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"gonum.org/v1/gonum/mat"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/job"
	"github.com/alignscope/alignscope/core/lesion"
	"github.com/alignscope/alignscope/core/netlesion"
	"github.com/alignscope/alignscope/core/network"
	"github.com/alignscope/alignscope/io/images"
)

// Where a lesion is made: in stored activations of a layer, or inside the
// network opened on the Networks page, whose later layers and output are
// then computed again from the lesioned node.
const (
	whereStored  = "stored activations of a layer"
	whereNetwork = "in the network (propagates to later layers)"
)

// refreshNodes lists the nodes of the network opened on the Networks page.
func (pg *LesionPage) refreshNodes() {
	net := pg.mw.model.Net()
	if net == nil {
		setOptions(pg.node, nil)
		return
	}
	def, err := net.DefaultLayers()
	if err != nil {
		return
	}
	nodes, err := net.Nodes()
	if err != nil {
		return
	}
	label := map[string]string{}
	for _, n := range nodes {
		label[n.Name] = n.Label
	}
	var opts []string
	for _, d := range def {
		opts = append(opts, label[d])
	}
	if len(opts) > 1 {
		opts = opts[:len(opts)-1] // the logits are the output, not a lesion site
	}
	setOptions(pg.node, opts)
}

// runNetwork runs a propagated lesion: the plan ranks the node's channels
// (or units) from its activations over the stimulus images, the mask is
// inserted after the node, and every later layer is measured against the
// regions, with the output's top-1 agreement and decoding.
func (pg *LesionPage) runNetwork(req lesionRequest) {
	net := pg.mw.model.Net()
	if net == nil {
		showError(pg.mw.Win, "Cannot lesion the network", errors.New("no network is open"),
			"Open a network (or the demo network) on the Networks page first.")
		return
	}
	node := pg.node.Selected
	if node == "" {
		showError(pg.mw.Win, "Cannot lesion the network", errors.New("choose the node to lesion"), "")
		return
	}
	pre, err := pg.mw.model.preprocess()
	if err != nil {
		showError(pg.mw.Win, "Cannot lesion the network", err, "Check the preprocessing on the Networks page.")
		return
	}
	p := pg.mw.ws.Project()
	dir := strings.TrimSpace(pg.mw.model.images.Text)
	demo := dir == "" && isDemo(p) && pg.mw.opts.Demo != nil
	if dir == "" && !demo {
		showError(pg.mw.Win, "Cannot lesion the network", errors.New("choose the folder of stimulus images on the Networks page"), "")
		return
	}
	net.Pre = pre // the preprocessing chosen on the Networks page
	var res *lesion.Result
	pg.runInfo.SetText("Running the network… (see Jobs below for progress and Cancel)")
	pg.job = pg.mw.ws.Jobs.Start(fmt.Sprintf("Network lesions: %s after %s", req.plan, node),
		func(ctx context.Context, rep *job.Reporter) error {
			var set *images.Set
			var err error
			if demo {
				set, err = images.ReadFS(pg.mw.opts.Demo, "images", p.Stimuli)
			} else {
				set, err = images.ReadDir(dir, p.Stimuli)
			}
			if err != nil {
				return err
			}
			rep.Message("preparing %d images", len(set.Images))
			in, err := net.Prepare(ctx, set.Images)
			if err != nil {
				return err
			}
			spec, err := netSpec(ctx, p, net, in, node, req)
			if err != nil {
				return err
			}
			r, err := netlesion.Run(ctx, spec, rep)
			if err != nil {
				return err
			}
			res = r.Curve()
			return nil
		}, func(err error) {
			fyne.Do(func() {
				pg.runInfo.SetText("")
				if err != nil {
					if !errors.Is(err, context.Canceled) {
						showError(pg.mw.Win, "Network lesions failed", err, "Nothing was changed. Check the node, plan and images.")
					}
					return
				}
				pg.show(res)
			})
		})
}

// netSpec builds a propagated-lesion spec: the node's activations rank
// its units or channels for the plan.
func netSpec(ctx context.Context, p *data.Project, net *network.Net, in *network.Inputs, node string, req lesionRequest) (netlesion.Spec, error) {
	nd, err := net.Resolve(node)
	if err != nil {
		return netlesion.Spec{}, err
	}
	spec := netlesion.Spec{Net: net, Inputs: in, Node: nd.Name, Fill: req.fill, Fractions: req.fractions,
		Draws: req.draws, Seed: req.seed, Compare: req.measure, Top1: true}
	// the node's activations, n × units, for ranking
	var rows [][]float32
	err = network.ExtractInputs(ctx, net, in, []string{nd.Name}, func(_ string, _ int, _ []int, r [][]float32) error {
		rows = append(rows, r...)
		return nil
	}, nil)
	if err != nil {
		return spec, err
	}
	units := len(rows[0])
	x := mat.NewDense(len(rows), units, nil)
	for i, r := range rows {
		for j, v := range r {
			x.Set(i, j, float64(v))
		}
	}
	layer := data.Dense{M: x}
	channels := len(nd.Shape) == 3
	switch req.plan {
	case planSelective, planLeastSel, planChannels:
		c, cerr := req.contrast()
		if cerr != nil {
			return spec, cerr
		}
		order := lesion.Highest
		if req.plan == planLeastSel {
			order = lesion.Lowest
		}
		if channels {
			score, serr := lesion.Selectivity(ctx, layer, c)
			if serr != nil {
				return spec, serr
			}
			spec.Plan, err = lesion.RankedChannels("most selective channels ("+req.descriptor+")", nd.Shape, score, order)
		} else {
			spec.Plan, err = lesion.Selective(ctx, layer, c, order)
		}
	case planVariance:
		spec.Plan, err = lesion.Variance(ctx, layer)
	case planRandChannels:
		spec.Plan, err = lesion.RandomChannels(nd.Shape, req.seed+1_000_003)
	case planList:
		spec.Plan, err = lesion.List(units, req.units)
		spec.Fractions = nil
	default:
		err = fmt.Errorf("the plan %q is for stored layers; in the network choose a selective, variance, random-channel or listed plan", req.plan)
	}
	if err != nil {
		return spec, err
	}
	spec.Channels = spec.Plan != nil && spec.Plan.Channels
	spec.Regions, spec.Readout, err = req.targets(ctx, p)
	if err != nil {
		return spec, err
	}
	if req.encoding {
		// encoding agreement too: ridge re-fitted for every lesion and
		// layer (slow; few draws recommended)
		for _, region := range req.regions {
			_, enc, err := lesion.ProjectRegion(ctx, p, region, nil)
			if err != nil {
				return spec, err
			}
			spec.Encoding = append(spec.Encoding, enc)
		}
	}
	// measure the network's own layers after the node (ReLU/pool outputs
	// and the logits), not every intermediate tensor
	def, _ := net.DefaultLayers()
	down, _ := net.Downstream(nd.Name)
	after := map[string]bool{}
	for _, d := range down {
		after[d] = true
	}
	for _, d := range def {
		if after[d] || d == nd.Name {
			spec.Layers = append(spec.Layers, d)
		}
	}
	return spec, nil
}

// networkRequest reads the choices that apply to a lesion in the network
// (no stored layer).
func (pg *LesionPage) networkRequest() (lesionRequest, error) {
	p := pg.mw.ws.Project()
	req := lesionRequest{plan: pg.plan.Selected, descriptor: pg.descriptor.Selected, level: pg.level.Selected,
		regions: append([]string(nil), pg.regions.Selected...), measure: pg.measure.Selected, readout: pg.readout.Selected,
		stimuli: p.Stimuli, encoding: pg.withEncoding.Checked}
	var err error
	if req.fill, err = lesion.ParseFill(pg.fill.Selected); err != nil {
		return req, err
	}
	if req.fractions, err = parseFractions(pg.fractions.Text); err != nil {
		return req, err
	}
	if _, err := fmt.Sscan(strings.TrimSpace(pg.draws.Text), &req.draws); err != nil || req.draws < 10 || req.draws > 10000 {
		return req, fmt.Errorf("random draws must be a whole number from 10 to 10000, not %q", pg.draws.Text)
	}
	if _, err := fmt.Sscan(strings.TrimSpace(pg.seed.Text), &req.seed); err != nil {
		return req, fmt.Errorf("seed must be a whole number ≥ 0, not %q", pg.seed.Text)
	}
	return req, nil
}
