package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/decode"
	"github.com/alignscope/alignscope/core/lesion"
	"github.com/alignscope/alignscope/core/rdm"
	"github.com/alignscope/alignscope/io/npy"
	"github.com/alignscope/alignscope/io/table"
	"gonum.org/v1/gonum/mat"
)

const lesionUsage = `Usage: alignscope lesion --layer FILE[:KEY] --region [NAME=]FILE ... --plan PLAN --out PREFIX [options]

In silico lesions of a layer's units: silences the units a plan picks, at
each fraction, and measures the change in RSA agreement with each region
(and, with --decode, in the cross-validated decoding accuracy of a stimulus
descriptor), against a null band of random lesions of as many units.

The layer: a .npy/.npz array, stimuli × units (a conv layer stimuli × C × H × W).
A region (repeat --region for several; NAME= sets its name): a .npy holding
  n_subjects × n_pairs RDM vectors (upper triangle, row-major) or one vector,
  an n × n RDM or an n_subjects × n × n stack, or a recording stimuli ×
  voxels (repetitions × stimuli × voxels: averaged) whose correlation RDM is used.
Plans:
  random                          random units (seeded by --seed)
  variance                        highest-variance units first
  selective:DESC[:LEVEL[:OTHER]]  most selective units for a descriptor of
                                  --stimuli: LEVEL vs OTHER (or vs the rest);
                                  a two-level descriptor without LEVEL: the
                                  first level vs the second; more levels: F
  unselective:DESC[:...]          least selective first
  channel[:variance|:random|:selective:DESC[:LEVEL[:OTHER]]]
                                  whole channels of a C×H×W layer
  units:3,17,42                   exactly these units (0-based)
  weights:FILE.npy                largest |weight| first (one per unit)

Writes PREFIX_curve.csv (one row per effect and fraction: the targeted
lesion's change in score, the null median and 2.5–97.5 % band of changes,
the permutation p-value (1 + #{random ≤ targeted})/(1 + draws), and more)
and PREFIX_null.csv (every random draw).

Options:
`

// regionFlags collects repeated --region flags.
type regionFlags []string

func (r *regionFlags) String() string     { return strings.Join(*r, ",") }
func (r *regionFlags) Set(s string) error { *r = append(*r, s); return nil }

// cmdLesion implements `alignscope lesion`. It returns 0 on success, 1
// when the analysis fails, 2 for bad usage.
func cmdLesion(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("alignscope lesion", flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.Usage = func() {
		fmt.Fprint(stderr, lesionUsage)
		fl.PrintDefaults()
	}
	var regions regionFlags
	layerArg := fl.String("layer", "", "the layer's activations, `FILE[:KEY]`")
	fl.Var(&regions, "region", "a brain region, `[NAME=]FILE` (repeatable)")
	stimArg := fl.String("stimuli", "", "stimulus table `FILE` (.tsv/.csv) with the descriptors, one row per stimulus")
	planArg := fl.String("plan", "", "lesion `PLAN` (see above)")
	fracArg := fl.String("fractions", "0,1,2,5,10,20,50,100", "fractions lesioned, in `PERCENT`, comma-separated")
	draws := fl.Int("draws", lesion.DefaultDraws, "random lesions per fraction for the null band")
	seed := fl.Uint64("seed", 1, "random seed")
	fillArg := fl.String("fill", "zero", "a silenced unit is set to `zero` or to its mean over stimuli (mean)")
	method := fl.String("compare", lesion.DefaultCompare, "RDM comparison `method`: "+strings.Join(compareMethods(), ", "))
	statArg := fl.String("stat", "dprime", "selectivity statistic of a two-group contrast: dprime or t")
	signed := fl.Bool("signed", false, "rank selectivity by its sign (units preferring LEVEL first) rather than its size")
	decodeArg := fl.String("decode", "", "also decode this stimulus `DESCRIPTOR` (column of --stimuli)")
	folds := fl.Int("folds", decode.DefaultFolds, "cross-validation folds of --decode")
	classifier := fl.String("classifier", decode.Ridge, "classifier of --decode: ridge or ncm")
	detailArg := fl.Float64("detail", 0, "fraction in `PERCENT` for the before/after summary (0: automatic)")
	exact := fl.Bool("exact", false, "form the random lesions' products in float64 (slower)")
	out := fl.String("out", "", "output `PREFIX`: writes PREFIX_curve.csv and PREFIX_null.csv")
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "alignscope lesion: "+format+"\n", a...)
		return 2
	}
	if fl.NArg() > 0 {
		return usageErr("unexpected argument %q", fl.Arg(0))
	}
	if *layerArg == "" || *planArg == "" || *out == "" {
		return usageErr("give --layer, --plan and --out (see alignscope lesion -h)")
	}
	if len(regions) == 0 && *decodeArg == "" {
		return usageErr("give at least one --region (or --decode DESCRIPTOR)")
	}
	fractions, err := parsePercents(*fracArg)
	if err != nil {
		return usageErr("--fractions: %v", err)
	}
	fill, err := lesion.ParseFill(*fillArg)
	if err != nil {
		return usageErr("--fill: %v", err)
	}
	stat, err := lesion.ParseStat(*statArg)
	if err != nil {
		return usageErr("--stat: %v", err)
	}
	if !(*detailArg >= 0 && *detailArg <= 100) {
		return usageErr("--detail: %g%% is outside 0–100%%", *detailArg)
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "alignscope lesion: %v\n", err)
		return 1
	}
	start := time.Now()
	f, a, err := openArray(*layerArg)
	if err != nil {
		return fail(err)
	}
	defer f.Close()
	layer, err := a.Matrix()
	if err != nil {
		return fail(err)
	}
	n, p := layer.Dims()
	shape := append([]int(nil), a.Shape[1:]...)
	var stim *data.Stimuli
	if *stimArg != "" {
		if stim, err = table.ReadStimuliFile(*stimArg); err != nil {
			return fail(err)
		}
		if stim.Len() != n {
			return fail(fmt.Errorf("%s has %d stimuli, the layer %s has %d rows", *stimArg, stim.Len(), a.Source, n))
		}
	}
	ctx := context.Background()
	plan, err := lesionPlan(ctx, *planArg, layer, shape, stim, stat, *signed, *seed)
	if err != nil {
		return fail(fmt.Errorf("--plan %s: %w", *planArg, err))
	}
	spec := lesion.Spec{Layer: layer, Plan: plan, Fill: fill, Fractions: fractions, Draws: *draws, Seed: *seed,
		Compare: *method, Detail: *detailArg / 100, Exact: *exact}
	if *draws < 1 {
		return usageErr("--draws must be at least 1")
	}
	for _, r := range regions {
		reg, err := readLesionRegion(ctx, r, n)
		if err != nil {
			return fail(fmt.Errorf("--region %s: %w", r, err))
		}
		spec.Regions = append(spec.Regions, reg)
	}
	if *decodeArg != "" {
		labels, err := descriptor(stim, *decodeArg, "--decode")
		if err != nil {
			return fail(err)
		}
		spec.Readout = &lesion.Readout{Descriptor: *decodeArg, Labels: labels,
			Options: decode.Options{Method: *classifier, Folds: *folds, Seed: *seed}}
	}
	res, err := lesion.Run(ctx, spec, nil)
	if err != nil {
		return fail(err)
	}
	curve, nullPath := *out+"_curve.csv", *out+"_null.csv"
	if err := writeCSVFile(curve, curveRecords(res)); err != nil {
		return fail(err)
	}
	if err := writeCSVFile(nullPath, nullRecords(res)); err != nil {
		return fail(err)
	}
	printLesionSummary(stdout, res, a.Source, n, p)
	fmt.Fprintf(stderr, "alignscope lesion: %s, %d draws × %d fractions in %.1f s; wrote %s and %s\n",
		res.Plan, res.Draws, len(res.Fractions), time.Since(start).Seconds(), curve, nullPath)
	return 0
}

func compareMethods() []string {
	return []string{"spearman", "corr", "cosine", "rho-a", "kendall", "tau-a", "corr_cov", "cosine_cov", "bures"}
}

// parsePercents reads "0,1,2.5,100" as fractions in [0, 1].
func parsePercents(s string) ([]float64, error) {
	var out []float64
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(part), "%"))
		if part == "" {
			continue
		}
		v, err := strconv.ParseFloat(part, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", part)
		}
		if !(v >= 0 && v <= 100) {
			return nil, fmt.Errorf("%g%% is outside 0–100%%", v)
		}
		out = append(out, v/100)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no fractions in %q", s)
	}
	return out, nil
}

// descriptor returns the values of column name of the stimulus table.
func descriptor(stim *data.Stimuli, name, what string) ([]string, error) {
	if stim == nil {
		return nil, fmt.Errorf("%s %s needs the stimulus table (--stimuli FILE)", what, name)
	}
	v := stim.Descriptor(name)
	if v == nil {
		return nil, fmt.Errorf("%s: %s has no column %q (columns: %s)", what, stim.Source, name, strings.Join(stim.Columns, ", "))
	}
	return v, nil
}

// lesionPlan builds the plan named by spec (see lesionUsage).
func lesionPlan(ctx context.Context, spec string, x data.Matrix, shape []int, stim *data.Stimuli, stat lesion.Stat, signed bool, seed uint64) (*lesion.Plan, error) {
	_, p := x.Dims()
	kind, rest, _ := strings.Cut(spec, ":")
	contrast := func(arg string) (lesion.Contrast, error) {
		parts := strings.Split(arg, ":")
		if arg == "" || len(parts) > 3 {
			return lesion.Contrast{}, fmt.Errorf("give the descriptor as DESCRIPTOR[:LEVEL[:OTHER]]")
		}
		vals, err := descriptor(stim, parts[0], "the selectivity plan")
		if err != nil {
			return lesion.Contrast{}, err
		}
		c := lesion.Contrast{Descriptor: parts[0], Values: vals, Stat: stat, Signed: signed}
		if len(parts) > 1 {
			c.Level = parts[1]
		}
		if len(parts) > 2 {
			c.Versus = parts[2]
		}
		return c, nil
	}
	switch kind {
	case "random":
		return lesion.Random(p, seed)
	case "variance":
		return lesion.Variance(ctx, x)
	case "selective", "unselective":
		c, err := contrast(rest)
		if err != nil {
			return nil, err
		}
		order := lesion.Highest
		if kind == "unselective" {
			order = lesion.Lowest
		}
		return lesion.Selective(ctx, x, c, order)
	case "channel":
		sub, arg, _ := strings.Cut(rest, ":")
		if len(shape) < 2 {
			return nil, fmt.Errorf("a channel lesion needs a convolutional layer with unit shape C×H×W; this layer's units have shape %v (no channels)", shape)
		}
		switch sub {
		case "", "variance":
			v, err := lesion.Variances(ctx, x)
			if err != nil {
				return nil, err
			}
			return lesion.RankedChannels("highest-variance channels", shape, v, lesion.Highest)
		case "random":
			return lesion.RandomChannels(shape, seed)
		case "selective", "unselective":
			c, err := contrast(arg)
			if err != nil {
				return nil, err
			}
			s, err := lesion.Selectivity(ctx, x, c)
			if err != nil {
				return nil, err
			}
			order, which := lesion.Highest, "most"
			if sub == "unselective" {
				order, which = lesion.Lowest, "least"
			}
			return lesion.RankedChannels(fmt.Sprintf("channels %s selective for %s", which, c.Descriptor), shape, lesion.SelectivityScore(s, signed), order)
		}
		return nil, fmt.Errorf("unknown channel ranking %q (use variance, random or selective:DESC)", sub)
	case "units":
		var units []int
		for _, f := range strings.Split(rest, ",") {
			f = strings.TrimSpace(f)
			if f == "" {
				continue
			}
			u, err := strconv.Atoi(f)
			if err != nil {
				return nil, fmt.Errorf("%q is not a unit number", f)
			}
			units = append(units, u)
		}
		return lesion.List(p, units)
	case "weights":
		if rest == "" {
			return nil, fmt.Errorf("give the weights file: weights:FILE.npy")
		}
		w, shape, err := readArray(rest)
		if err != nil {
			return nil, err
		}
		if len(w.RawMatrix().Data) != p {
			return nil, fmt.Errorf("%s has shape %v: %d weights for a layer of %d units", rest, shape, len(w.RawMatrix().Data), p)
		}
		return lesion.Weights(w.RawMatrix().Data)
	}
	return nil, fmt.Errorf("unknown plan %q (use random, variance, selective:DESC, unselective:DESC, channel, units:LIST or weights:FILE)", kind)
}

// readLesionRegion reads [NAME=]FILE as a region for n stimuli (see
// lesionUsage for the accepted shapes).
func readLesionRegion(ctx context.Context, arg string, n int) (lesion.Region, error) {
	name, path, ok := strings.Cut(arg, "=")
	if !ok {
		path = arg
		name = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
		if i := strings.LastIndex(path, ":"); i > 0 {
			if _, err := os.Stat(path); err != nil {
				name = path[i+1:]
			}
		}
	}
	f, a, err := openArray(path)
	if err != nil {
		return lesion.Region{}, err
	}
	defer f.Close()
	pairs := rdm.Pairs(n)
	sh := a.Shape
	v, err := a.Matrix()
	if err != nil {
		return lesion.Region{}, err
	}
	readAll := func() (*mat.Dense, error) { return data.ReadAll(v) }
	fromRecording := func(m data.Matrix) (lesion.Region, error) {
		d, err := rdm.Correlation(ctx, m, nil)
		if err != nil {
			return lesion.Region{}, fmt.Errorf("%s: %w", a.Source, err)
		}
		return lesion.Region{Name: name, RDMs: mat.NewDense(1, len(d.Vec), d.Vec)}, nil
	}
	switch {
	case len(sh) == 1 && sh[0] == pairs:
		m, err := readAll()
		if err != nil {
			return lesion.Region{}, err
		}
		return lesion.Region{Name: name, RDMs: mat.NewDense(1, pairs, m.RawMatrix().Data)}, nil
	case len(sh) == 2 && sh[1] == pairs:
		m, err := readAll()
		if err != nil {
			return lesion.Region{}, err
		}
		return lesion.Region{Name: name, RDMs: m}, nil
	case len(sh) == 2 && sh[0] == n && sh[1] == n:
		m, err := readAll()
		if err != nil {
			return lesion.Region{}, err
		}
		if isSquareRDM(m.RawMatrix().Data, n) {
			return lesion.Region{Name: name, RDMs: squaresToVectors(m.RawMatrix().Data, 1, n)}, nil
		}
		return fromRecording(v)
	case len(sh) == 2 && sh[0] == n:
		return fromRecording(v)
	case len(sh) == 3 && sh[1] == n && sh[2] == n:
		m, err := readAll()
		if err != nil {
			return lesion.Region{}, err
		}
		for k := 0; k < sh[0]; k++ {
			if !isSquareRDM(m.RawRowView(k), n) {
				return lesion.Region{}, fmt.Errorf("%s: matrix %d of the %v stack is not an RDM (symmetric, zero diagonal)", a.Source, k, sh)
			}
		}
		return lesion.Region{Name: name, RDMs: squaresToVectors(m.RawMatrix().Data, sh[0], n)}, nil
	case len(sh) == 3 && sh[1] == n:
		reps, err := a.Subs()
		if err != nil {
			return lesion.Region{}, err
		}
		return fromRecording(data.Mean{Parts: reps})
	}
	return lesion.Region{}, fmt.Errorf("%s has shape %s; for %d stimuli give RDM vectors (subjects × %d), an %d × %d RDM, or a recording %d × voxels",
		a.Source, npy.ShapeString(sh), n, pairs, n, n, n)
}

// curveHeader is the header of PREFIX_curve.csv.
var curveHeader = []string{"effect", "measure", "fraction_percent", "targeted_change", "null_median", "null_low", "null_high", "p",
	"groups", "units", "intact", "targeted_score", "excess", "z", "ceiling_low", "ceiling_high"}

func curveRecords(res *lesion.Result) [][]string {
	recs := [][]string{curveHeader}
	ceil := map[string][2]float64{}
	for _, e := range res.Effects {
		ceil[e.Name] = [2]float64{e.Ceiling.Lower, e.Ceiling.Upper}
	}
	for _, r := range res.Table() {
		c := ceil[r.Effect]
		recs = append(recs, []string{r.Effect, r.Measure, csvFloat(100 * r.Fraction), csvFloat(r.Change), csvFloat(r.NullMedian),
			csvFloat(r.NullLow), csvFloat(r.NullHigh), csvFloat(r.P), strconv.Itoa(r.Groups), strconv.Itoa(r.Units),
			csvFloat(r.Intact), csvFloat(r.Lesioned), csvFloat(r.Excess), csvFloat(r.Z), csvFloat(c[0]), csvFloat(c[1])})
	}
	return recs
}

func nullRecords(res *lesion.Result) [][]string {
	recs := [][]string{{"effect", "fraction_percent", "draw", "change"}}
	for _, e := range res.Effects {
		for f, x := range res.Fractions {
			for d, v := range e.Null[f] {
				recs = append(recs, []string{e.Name, csvFloat(100 * x), strconv.Itoa(d + 1), csvFloat(v)})
			}
		}
	}
	return recs
}

// csvFloat writes v at full precision (NaN, Inf and -Inf as such).
func csvFloat(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// writeCSVFile writes records to name through a temporary file in the
// same folder, renamed into place once complete.
func writeCSVFile(name string, records [][]string) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), ".alignscope-*.csv")
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	err = tmp.Chmod(0o644)
	w := bufio.NewWriter(tmp)
	if err == nil {
		cw := csv.NewWriter(w)
		err = cw.WriteAll(records)
	}
	if err == nil {
		err = w.Flush()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), name)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

func printLesionSummary(w io.Writer, res *lesion.Result, src string, n, p int) {
	unit := "units"
	if res.Channels {
		unit = "channels"
	}
	fmt.Fprintf(w, "%s: %d stimuli × %d units; plan: %s (%s fill); null: %d random lesions of as many %s per fraction\n",
		src, n, p, res.Plan, res.Fill, res.Draws, unit)
	for _, e := range res.Effects {
		extra := ""
		if e.Kind == "rsa" && !math.IsNaN(e.Ceiling.Lower) {
			extra = fmt.Sprintf(", noise ceiling %.3f–%.3f", e.Ceiling.Lower, e.Ceiling.Upper)
		}
		if e.Kind == "decoding" {
			extra = fmt.Sprintf(", chance %.3f", e.Chance)
		}
		fmt.Fprintf(w, "\n%s (%s): intact %.4f%s\n", e.Name, e.Measure, e.Intact, extra)
		fmt.Fprintf(w, "  %8s %8s %10s %10s %21s %8s\n", "percent", unit, "targeted", "null med", "null 95% band", "p")
		for f, x := range res.Fractions {
			mark := ""
			if e.Targeted[f] < e.NullLow[f] {
				mark = "  below band"
			}
			fmt.Fprintf(w, "  %8.3g %8d %10.4f %10.4f [%9.4f,%9.4f] %8.4f%s\n", 100*x, res.Groups[f], e.Targeted[f],
				e.NullMedian[f], e.NullLow[f], e.NullHigh[f], e.P[f], mark)
		}
	}
	if d := res.Detail; d != nil && d.IntactDecode != nil && d.LesionedDecode != nil {
		fmt.Fprintf(w, "\ndecoding at %.3g %%: accuracy %.3f before, %.3f after the targeted lesion\n",
			100*d.Fraction, d.IntactDecode.Accuracy, d.LesionedDecode.Accuracy)
	}
}
