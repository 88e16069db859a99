package netlesion_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alignscope/alignscope/assets"
	"github.com/alignscope/alignscope/assets/demonet"
	"github.com/alignscope/alignscope/core/compare"
	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/decode"
	"github.com/alignscope/alignscope/core/encoding"
	"github.com/alignscope/alignscope/core/job"
	"github.com/alignscope/alignscope/core/lesion"
	"github.com/alignscope/alignscope/core/netlesion"
	"github.com/alignscope/alignscope/core/network"
	"github.com/alignscope/alignscope/core/rdm"
	"github.com/alignscope/alignscope/io/images"
	"github.com/alignscope/alignscope/io/loader"
	"github.com/alignscope/alignscope/io/onnxfile"
	"gonum.org/v1/gonum/mat"
)

// demo is the demo network, its images prepared, the category of each
// image and the demo regions' RDMs (one correlation-distance RDM per
// subject, from the demo recordings).
type demo struct {
	net      *network.Net
	in       *network.Inputs
	category []string
	regions  []lesion.Region
	// recordings of each region (Regions order), one per subject
	recordings [][]*mat.Dense
}

var loadDemo = sync.OnceValues(func() (*demo, error) {
	ctx := context.Background()
	net, err := onnxfile.Load(demonet.ONNX, demonet.Preprocess, "demonet.onnx")
	if err != nil {
		return nil, err
	}
	proj, err := loader.LoadFolderFS(assets.DemoRoot(), "demo")
	if err != nil {
		return nil, err
	}
	set, err := images.ReadFS(assets.DemoRoot(), "images", proj.Stimuli)
	if err != nil {
		return nil, err
	}
	in, err := net.Prepare(ctx, set.Images)
	if err != nil {
		return nil, err
	}
	d := &demo{net: net, in: in, category: proj.Stimuli.Descriptor("category")}
	for _, name := range proj.RegionNames() {
		var vecs [][]float64
		var subj []string
		var recs []*mat.Dense
		for _, s := range proj.Subjects {
			r := s.Region(name)
			if r == nil {
				continue
			}
			x, err := rdm.Correlation(ctx, r.Data, nil)
			if err != nil {
				return nil, err
			}
			vecs = append(vecs, x.Vec)
			subj = append(subj, s.Name)
			y, err := data.ReadAll(r.Data)
			if err != nil {
				return nil, err
			}
			recs = append(recs, y)
		}
		d.recordings = append(d.recordings, recs)
		m := mat.NewDense(len(vecs), len(vecs[0]), nil)
		for i, v := range vecs {
			m.SetRow(i, v)
		}
		d.regions = append(d.regions, lesion.Region{Name: name, RDMs: m, Subjects: subj})
	}
	return d, nil
})

// demoN returns the demo restricted to n of its images (see subset).
func demoN(t testing.TB, n int) *demo {
	t.Helper()
	d, err := loadDemo()
	if err != nil {
		t.Fatal(err)
	}
	return subset(d, n)
}

// subset returns the demo restricted to n of its 64 images: every
// (64/n)-th one, so that the 4 categories (16 images each, sorted by
// category) stay balanced when n is a multiple of 4.
func subset(d *demo, n int) *demo {
	if n >= d.in.N {
		return d
	}
	step := d.in.N / n
	var idx []int
	for i := 0; i < d.in.N && len(idx) < n; i += step {
		idx = append(idx, i)
	}
	size := 3 * d.in.H * d.in.W
	in := &network.Inputs{N: n, H: d.in.H, W: d.in.W}
	out := &demo{net: d.net, in: in}
	for _, i := range idx {
		in.Data = append(in.Data, d.in.Data[i*size:(i+1)*size]...)
		out.category = append(out.category, d.category[i])
	}
	for _, r := range d.regions {
		s, _ := r.RDMs.Dims()
		m := mat.NewDense(s, rdm.Pairs(n), nil)
		for k := 0; k < s; k++ {
			row := r.RDMs.RawRowView(k)
			for a := 0; a < n; a++ {
				for b := a + 1; b < n; b++ {
					m.Set(k, rdm.Index(n, a, b), row[rdm.Index(d.in.N, idx[a], idx[b])])
				}
			}
		}
		out.regions = append(out.regions, lesion.Region{Name: r.Name, RDMs: m, Subjects: r.Subjects})
	}
	for _, recs := range d.recordings {
		var sub []*mat.Dense
		for _, y := range recs {
			_, v := y.Dims()
			m := mat.NewDense(n, v, nil)
			for a, i := range idx {
				m.SetRow(a, y.RawRowView(i))
			}
			sub = append(sub, m)
		}
		out.recordings = append(out.recordings, sub)
	}
	return out
}

const (
	pool2  = "/pool2/MaxPool_output_0"
	relu4  = "/relu4/Relu_output_0"
	relu5  = "/relu5/Relu_output_0"
	logits = "logits"
)

// extract runs net on in and returns the rows of each layer.
func extract(t *testing.T, net *network.Net, in *network.Inputs, layers ...string) map[string][][]float32 {
	t.Helper()
	out := map[string][][]float32{}
	for _, l := range layers {
		out[l] = make([][]float32, in.N)
	}
	err := network.ExtractInputs(context.Background(), net, in, layers, func(layer string, n int, _ []int, rows [][]float32) error {
		copy(out[layer][n:], rows)
		return nil
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func toDense(r [][]float32) *mat.Dense {
	m := mat.NewDense(len(r), len(r[0]), nil)
	for i, row := range r {
		for j, v := range row {
			m.Set(i, j, float64(v))
		}
	}
	return m
}

// rsa is the direct recomputation of an RSA score: the
// correlation-distance RDM of the layer compared with each subject's RDM,
// averaged.
func rsa(t *testing.T, x [][]float32, region lesion.Region, method string) float64 {
	t.Helper()
	r, err := rdm.Correlation(context.Background(), data.Dense{M: toDense(x)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	c, err := compare.Compare(mat.NewDense(1, len(r.Vec), r.Vec), region.RDMs, method, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := 0.0
	for _, v := range c.RawRowView(0) {
		s += v
	}
	return s / float64(len(c.RawRowView(0)))
}

func argmax(row []float32) int {
	best := 0
	for u, v := range row {
		if v > row[best] {
			best = u
		}
	}
	return best
}

// A channel lesion of pool2: the silenced channels are exactly zero in
// the masked node, the other values bit for bit the intact ones, and
// every effect equals its direct recomputation from activations
// extracted with an independently built mask.
func TestChannelLesionMatchesDirectRecomputation(t *testing.T) {
	d := demoN(t, 32)
	ctx := context.Background()
	nd, err := d.net.Resolve(pool2)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := lesion.RandomChannels(nd.Shape, 11)
	if err != nil {
		t.Fatal(err)
	}
	readout := &lesion.Readout{Descriptor: "category", Labels: d.category, Options: decode.Options{Folds: 4}}
	spec := netlesion.Spec{Net: d.net, Inputs: d.in, Node: "pool2", Channels: true, Plan: plan,
		Fractions: []float64{0, 0.25}, Draws: 2, Seed: 3,
		Layers:  []string{"pool2", "relu4", "relu5", "logits"},
		Regions: d.regions, Top1: true, Readout: readout}
	res, err := netlesion.Run(ctx, spec, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Groups[1] != 8 || res.Units[1] != 8*8*8 {
		t.Fatalf("25%% of 32 channels: %d groups, %d units", res.Groups[1], res.Units[1])
	}
	var channels []int
	for _, g := range plan.Groups[:8] {
		channels = append(channels, g[0]/64)
	}

	// The node, from Lesioned: silenced channels exactly 0.
	lnet, units, err := netlesion.Lesioned(ctx, spec, 0.25)
	if err != nil {
		t.Fatal(err)
	}
	if len(units) != 8*64 {
		t.Fatalf("Lesioned silences %d units, want %d", len(units), 8*64)
	}
	intact := extract(t, d.net, d.in, pool2, relu4, relu5, logits)
	got := extract(t, lnet, d.in, pool2)[pool2]
	off := map[int]bool{}
	for _, u := range units {
		off[u] = true
	}
	for i, row := range got {
		for u, v := range row {
			if off[u] && v != 0 {
				t.Fatalf("image %d, silenced unit %d (channel %d) is %g, want 0", i, u, u/64, v)
			}
			if !off[u] && v != intact[pool2][i][u] {
				t.Fatalf("image %d, kept unit %d is %g, intact %g", i, u, v, intact[pool2][i][u])
			}
		}
	}

	// An independent mask (per channel, network.Silence).
	keep, err := network.Silence(32, channels)
	if err != nil {
		t.Fatal(err)
	}
	mnet, err := d.net.WithMask(network.Mask{Node: pool2, Channels: true, Keep: keep})
	if err != nil {
		t.Fatal(err)
	}
	lesioned := extract(t, mnet, d.in, pool2, relu4, relu5, logits)
	for l, want := range map[string]string{"pool2": pool2, "relu4": relu4, "relu5": relu5, "logits": logits} {
		for _, r := range d.regions {
			e := res.Effect(l, r.Name)
			if e == nil {
				t.Fatalf("no effect for layer %s, region %s", l, r.Name)
			}
			if e.Layer != want {
				t.Errorf("effect layer %q, want %q", e.Layer, want)
			}
			wi := rsa(t, intact[want], r, "spearman")
			wl := rsa(t, lesioned[want], r, "spearman")
			if math.Abs(e.Intact-wi) > 1e-12 {
				t.Errorf("%s · %s: intact %.15g, direct %.15g", l, r.Name, e.Intact, wi)
			}
			if math.Abs(e.Targeted[1]-(wl-wi)) > 1e-12 {
				t.Errorf("%s · %s: change %.15g, direct %.15g", l, r.Name, e.Targeted[1], wl-wi)
			}
			if !(e.Ceiling.Upper >= e.Ceiling.Lower) {
				t.Errorf("%s: ceiling %+v", r.Name, e.Ceiling)
			}
		}
	}
	// Top-1 agreement.
	same := 0
	for i := range lesioned[logits] {
		if argmax(lesioned[logits][i]) == argmax(intact[logits][i]) {
			same++
		}
	}
	e := res.Effect(logits, "top-1 agreement")
	if e == nil || e.Intact != 1 || e.Targeted[1] != float64(same)/float64(d.in.N)-1 {
		t.Errorf("top-1: %+v, direct agreement %d/%d", e, same, d.in.N)
	}
	// Decoding from the logits.
	dec := func(x [][]float32) float64 {
		r, err := decode.Patterns(ctx, data.Dense{M: toDense(x)}, d.category, readout.Options, nil)
		if err != nil {
			t.Fatal(err)
		}
		return r.Accuracy
	}
	e = res.Effect("logits", "decoding category")
	if e == nil {
		t.Fatal("no decoding effect")
	}
	if wi, wl := dec(intact[logits]), dec(lesioned[logits]); e.Intact != wi || math.Abs(e.Targeted[1]-(wl-wi)) > 1e-12 {
		t.Errorf("decoding: intact %g change %g, direct %g and %g", e.Intact, e.Targeted[1], wi, wl-wi)
	}
	if e.Chance != 0.25 {
		t.Errorf("decoding chance %g", e.Chance)
	}
	// Every effect: 0 % is no change; the band and p are in range.
	for _, e := range res.Effects {
		if e.Targeted[0] != 0 || e.NullMedian[0] != 0 || e.P[0] != 1 {
			t.Errorf("%s · %s at 0 %%: change %g, null median %g, p %g", e.LayerLabel, e.Name, e.Targeted[0], e.NullMedian[0], e.P[0])
		}
		if len(e.Null[1]) != 2 || !(e.NullLow[1] <= e.NullMedian[1] && e.NullMedian[1] <= e.NullHigh[1]) || !(e.P[1] > 0 && e.P[1] <= 1) {
			t.Errorf("%s · %s: null %v, band %g %g %g, p %g", e.LayerLabel, e.Name, e.Null[1], e.NullLow[1], e.NullMedian[1], e.NullHigh[1], e.P[1])
		}
	}
	if len(res.Ceilings) != len(d.regions) || len(res.Table()) != 2*len(res.Effects) {
		t.Errorf("%d ceilings, %d table rows", len(res.Ceilings), len(res.Table()))
	}
	if c := res.Curve(); !strings.HasPrefix(c.Effects[0].Name, "pool2 · ") {
		t.Errorf("curve effect name %q", c.Effects[0].Name)
	}
}

// The encoding effect equals kernel ridge re-fitted by hand on the
// activations of the intact and of an independently masked network.
func TestEncodingMatchesDirectRecomputation(t *testing.T) {
	d := demoN(t, 32)
	ctx := context.Background()
	nd, _ := d.net.Resolve(pool2)
	plan, err := lesion.RandomChannels(nd.Shape, 5)
	if err != nil {
		t.Fatal(err)
	}
	it := len(d.regions) - 1
	var ys []data.Matrix
	for _, y := range d.recordings[it] {
		ys = append(ys, data.Dense{M: y})
	}
	name := d.regions[it].Name
	res, err := netlesion.Run(ctx, netlesion.Spec{Net: d.net, Inputs: d.in, Node: pool2, Plan: plan,
		Fractions: []float64{0.5}, Draws: 1, Layers: []string{"relu5"},
		Encoding: []lesion.EncodingRegion{{Name: name, Recordings: ys}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var channels []int
	for _, g := range plan.Groups[:16] {
		channels = append(channels, g[0]/64)
	}
	keep, _ := network.Silence(32, channels)
	mnet, err := d.net.WithMask(network.Mask{Node: pool2, Channels: true, Keep: keep})
	if err != nil {
		t.Fatal(err)
	}
	kernel := func(x [][]float32) *mat.SymDense {
		k, err := encoding.LinearGram(ctx, data.Dense{M: toDense(x)}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	ki := kernel(extract(t, d.net, d.in, relu5)[relu5])
	kl := kernel(extract(t, mnet, d.in, relu5)[relu5])
	tr := 0.0
	for i := 0; i < d.in.N; i++ {
		tr += ki.At(i, i)
	}
	var opt encoding.CVOptions
	for _, a := range lesion.DefaultEncodingAlphas {
		opt.Alphas = append(opt.Alphas, a*tr/float64(d.in.N))
	}
	opt.SkipRefit, opt.SkipPredictions = true, true
	score := func(k *mat.SymDense) float64 {
		s := 0.0
		for _, y := range ys {
			o := opt
			r, err := encoding.RidgeCVGram(ctx, k, y, &o, nil)
			if err != nil {
				t.Fatal(err)
			}
			s += encoding.Median(r.R)
		}
		return s / float64(len(ys))
	}
	e := res.Effect("relu5", "encoding "+name)
	if e == nil {
		t.Fatal("no encoding effect")
	}
	wi, wl := score(ki), score(kl)
	if math.Abs(e.Intact-wi) > 1e-12 || math.Abs(e.Targeted[0]-(wl-wi)) > 1e-12 {
		t.Errorf("encoding: intact %.15g change %.15g, direct %.15g and %.15g", e.Intact, e.Targeted[0], wi, wl-wi)
	}
	if e.Kind != "encoding" || e.Measure != "median r" {
		t.Errorf("kind %q measure %q", e.Kind, e.Measure)
	}
}

// At 0 % nothing is silenced: every change, null draw and band is 0 and
// p = 1, with no lesioned forward pass. At 100 % every draw is the
// targeted lesion (p = 1 again, ties counting against it), and the
// masked node, all zeros, has no RDM (NaN).
func TestFractionsZeroAndAll(t *testing.T) {
	d := demoN(t, 16)
	plan, err := lesion.Random(32*8*8, 1)
	if err != nil {
		t.Fatal(err)
	}
	spec := netlesion.Spec{Net: d.net, Inputs: d.in, Node: pool2, Plan: plan,
		Fractions: []float64{0}, Draws: 5, Regions: d.regions, Top1: true,
		Readout: &lesion.Readout{Descriptor: "category", Labels: d.category, Options: decode.Options{Folds: 2}}}
	var res *netlesion.Result
	j := job.NewManager(nil).Start("0 %", func(ctx context.Context, rep *job.Reporter) (err error) {
		res, err = netlesion.Run(ctx, spec, rep)
		return err
	}, nil)
	if err := j.Wait(); err != nil {
		t.Fatal(err)
	}
	if st := j.Status(); st.Total != 1 || st.Done != 1 {
		t.Errorf("progress %d of %d forward passes, want only the intact one", st.Done, st.Total)
	}
	// Default layers: every node after pool2.
	down, _ := d.net.Downstream(pool2)
	if len(res.Layers) != len(down) || len(res.Effects) != len(down)*len(d.regions)+2 {
		t.Fatalf("%d layers, %d effects for %d downstream nodes", len(res.Layers), len(res.Effects), len(down))
	}
	for _, e := range res.Effects {
		if e.Targeted[0] != 0 || e.NullMedian[0] != 0 || e.NullLow[0] != 0 || e.NullHigh[0] != 0 || e.P[0] != 1 {
			t.Errorf("%s · %s: %v %v %v %v %v", e.LayerLabel, e.Name, e.Targeted, e.NullLow, e.NullMedian, e.NullHigh, e.P)
		}
		for _, c := range e.Null[0] {
			if c != 0 {
				t.Errorf("%s · %s: null draw %g", e.LayerLabel, e.Name, c)
			}
		}
	}

	spec.Fractions = []float64{1}
	spec.Layers = []string{"pool2", "relu5"}
	res, err = netlesion.Run(context.Background(), spec, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range res.Effects {
		if e.P[0] != 1 && !math.IsNaN(e.Targeted[0]) {
			t.Errorf("%s · %s at 100 %%: p = %g", e.LayerLabel, e.Name, e.P[0])
		}
		for _, c := range e.Null[0] {
			if c != e.Targeted[0] && !(math.IsNaN(c) && math.IsNaN(e.Targeted[0])) {
				t.Errorf("%s · %s at 100 %%: null draw %g, targeted %g", e.LayerLabel, e.Name, c, e.Targeted[0])
			}
		}
		if e.Layer == pool2 && !math.IsNaN(e.Targeted[0]) {
			t.Errorf("all-zero pool2 · %s: change %g, want NaN", e.Name, e.Targeted[0])
		}
	}
}

// A targeted plan that is itself random is exchangeable with the null
// draws, so its p-values are not systematically small.
func TestRandomTargetIsNotSignificant(t *testing.T) {
	d := demoN(t, 8)
	nd, _ := d.net.Resolve(relu4)
	var ps []float64
	for seed := uint64(1); seed <= 2; seed++ {
		plan, err := lesion.RandomChannels(nd.Shape, 100+seed)
		if err != nil {
			t.Fatal(err)
		}
		res, err := netlesion.Run(context.Background(), netlesion.Spec{Net: d.net, Inputs: d.in, Node: relu4, Channels: true,
			Plan: plan, Fractions: []float64{0.25, 0.5}, Draws: 19, Seed: seed, Regions: d.regions,
			Layers: []string{"avgpool", "relu5", "logits"}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range res.Effects {
			ps = append(ps, e.P...)
		}
	}
	small, mean := 0, 0.0
	for _, p := range ps {
		mean += p
		if p <= 0.05 {
			small++
		}
	}
	mean /= float64(len(ps))
	t.Logf("%d p-values, mean %.3f, %d ≤ 0.05", len(ps), mean, small)
	if mean < 0.25 || small > len(ps)/3 {
		t.Errorf("random target: mean p %.3f, %d of %d p ≤ 0.05: %v", mean, small, len(ps), ps)
	}
}

// lesion.Mean sets the silenced units to their means over the stimuli.
func TestMeanFill(t *testing.T) {
	d := demoN(t, 16)
	ctx := context.Background()
	nd, _ := d.net.Resolve(pool2)
	plan, err := lesion.RandomChannels(nd.Shape, 4)
	if err != nil {
		t.Fatal(err)
	}
	spec := netlesion.Spec{Net: d.net, Inputs: d.in, Node: "pool2", Plan: plan, Fill: lesion.Mean, Top1: true}
	lnet, units, err := netlesion.Lesioned(ctx, spec, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	intact := extract(t, d.net, d.in, pool2)[pool2]
	got := extract(t, lnet, d.in, pool2)[pool2]
	for _, u := range units {
		m := 0.0
		for i := range intact {
			m += float64(intact[i][u])
		}
		m /= float64(len(intact))
		for i := range got {
			if math.Abs(float64(got[i][u])-m) > 1e-5*(1+math.Abs(m)) {
				t.Fatalf("unit %d image %d: %g, mean %g", u, i, got[i][u], m)
			}
		}
	}
}

func TestCancel(t *testing.T) {
	d := demoN(t, 16)
	nd, _ := d.net.Resolve(pool2)
	plan, _ := lesion.RandomChannels(nd.Shape, 1)
	spec := netlesion.Spec{Net: d.net, Inputs: d.in, Node: pool2, Plan: plan, Fractions: []float64{0.5}, Draws: 1000,
		Regions: d.regions, Top1: true}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := netlesion.Run(ctx, spec, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled before the start: %v", err)
	}
	// Cancel while running, after a few forward passes.
	m := job.NewManager(nil)
	j := m.Start("lesion", func(ctx context.Context, rep *job.Reporter) error {
		_, err := netlesion.Run(ctx, spec, rep)
		return err
	}, nil)
	deadline := time.Now().Add(2 * time.Minute)
	for j.Status().Done < 3 {
		if time.Now().After(deadline) {
			t.Fatal("no progress")
		}
		time.Sleep(10 * time.Millisecond)
	}
	j.Cancel()
	start := time.Now()
	if err := j.Wait(); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled while running: %v", err)
	}
	if s := time.Since(start); s > 10*time.Second {
		t.Errorf("took %v to stop", s)
	}
	if st := j.Status(); st.Done >= st.Total {
		t.Errorf("ran to the end: %d of %d", st.Done, st.Total)
	}
}

func TestErrors(t *testing.T) {
	d := demoN(t, 8)
	nd, _ := d.net.Resolve(pool2)
	chPlan, _ := lesion.RandomChannels(nd.Shape, 1)
	unitPlan, _ := lesion.Random(nd.Units(), 1)
	fc, _ := lesion.Random(32, 1)
	fakeCh := &lesion.Plan{Name: "fake channels", Units: 32, Channels: true, Groups: [][]int{}}
	for u := 0; u < 32; u++ {
		fakeCh.Groups = append(fakeCh.Groups, []int{u})
	}
	badRegion := []lesion.Region{{Name: "IT", RDMs: mat.NewDense(2, 10, nil)}}
	base := func() netlesion.Spec {
		return netlesion.Spec{Net: d.net, Inputs: d.in, Node: pool2, Channels: true, Plan: chPlan,
			Fractions: []float64{0.5}, Draws: 2, Regions: d.regions}
	}
	cases := []struct {
		name        string
		edit        func(*netlesion.Spec)
		want        string
		measureOnly bool // an error of the measures, not of the lesion
	}{
		{"no net", func(s *netlesion.Spec) { s.Net = nil }, "no network", false},
		{"no inputs", func(s *netlesion.Spec) { s.Inputs = nil }, "no stimulus images", false},
		{"node not found", func(s *netlesion.Spec) { s.Node = "conv9" }, `node "conv9" does not exist`, false},
		{"fraction above 1", func(s *netlesion.Spec) { s.Fractions = []float64{0.5, 1.5} }, "150% is outside 0–100%", false},
		{"fraction below 0", func(s *netlesion.Spec) { s.Fractions = []float64{-0.1} }, "outside 0–100%", false},
		{"fraction NaN", func(s *netlesion.Spec) { s.Fractions = []float64{math.NaN()} }, "outside 0–100%", false},
		{"channel plan on a node without channels", func(s *netlesion.Spec) { s.Node = relu5; s.Plan = fakeCh }, "has no channels", false},
		{"channels on a node without channels", func(s *netlesion.Spec) { s.Node = relu5; s.Plan = fc }, "has no channels", false},
		{"channels with a unit plan", func(s *netlesion.Spec) { s.Plan = unitPlan }, "needs a plan over channels", false},
		{"plan for another layer", func(s *netlesion.Spec) { s.Channels = false; s.Plan = fc }, "plan \"random units\" is for a layer of 32 units", false},
		{"no plan", func(s *netlesion.Spec) { s.Plan = nil }, "no lesion plan", false},
		{"upstream layer", func(s *netlesion.Spec) { s.Layers = []string{"pool1"} }, "not computed from the lesioned node", false},
		{"layer twice", func(s *netlesion.Spec) { s.Layers = []string{"relu4", relu4} }, "chosen twice", false},
		{"nothing to measure", func(s *netlesion.Spec) { s.Regions = nil }, "nothing to measure", false},
		{"labels", func(s *netlesion.Spec) { s.Readout = &lesion.Readout{Descriptor: "category", Labels: []string{"a"}} }, "1 labels for 8 stimuli", false},
		{"region size", func(s *netlesion.Spec) { s.Regions = badRegion }, "RDMs have 10 pairs", true},
		{"compare", func(s *netlesion.Spec) { s.Compare = "euclid" }, "unknown RDM comparison", true},
		{"draws", func(s *netlesion.Spec) { s.Draws = -1 }, "at least 1 draw", false},
		{"fill", func(s *netlesion.Spec) { s.Fill = 7 }, "unknown fill", false},
		{"readout layer", func(s *netlesion.Spec) {
			s.Readout = &lesion.Readout{Descriptor: "category", Labels: d.category}
			s.ReadoutLayer = "pool1"
		}, "readout layer \"pool1\" is not computed", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := base()
			c.edit(&s)
			_, err := netlesion.Run(context.Background(), s, nil)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
			if _, _, err := netlesion.Lesioned(context.Background(), s, 0.5); err == nil && !c.measureOnly {
				t.Fatalf("Lesioned: no error")
			}
		})
	}
	if _, _, err := netlesion.Lesioned(context.Background(), base(), 2); err == nil || !strings.Contains(err.Error(), "outside") {
		t.Errorf("Lesioned at 200%%: %v", err)
	}
	// The intact network is unchanged by a run.
	if _, ok := d.net.MaskedNode(); ok {
		t.Error("the intact network got a mask")
	}
}
