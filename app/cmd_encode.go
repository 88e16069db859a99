package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/alignscope/alignscope/core/encoding"
	"github.com/alignscope/alignscope/io/npy"
)

const encodeUsage = `Usage: alignscope encode --features X.npy --targets Y.npy --out PREFIX [options]

Fits an encoding model: ridge regression from the features (stimuli ×
units, e.g. a network layer) to every target (voxel, neuron, electrode),
each target with its own penalty chosen by contiguous K-fold
cross-validation over a log grid of alphas (himalaya's semantics: centring
inside every fold, score = minus the mean squared error, averaged over
folds, ties to the larger alpha). Layers with more units than stimuli are
solved in the kernel form from a Gram matrix streamed from disk, so a layer
larger than memory works.

Writes PREFIX_alpha.npy, the chosen alpha of each target, and
PREFIX_r2.npy, the cross-validated R² of its out-of-fold predictions
(float64, one value per target; NaN for targets holding NaN values).

Options:
`

// cmdEncode implements `alignscope encode`. It returns the exit status: 0
// on success, 1 when the computation fails, 2 for bad usage.
func cmdEncode(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("alignscope encode", flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.Usage = func() {
		fmt.Fprint(stderr, encodeUsage)
		fl.PrintDefaults()
	}
	features := fl.String("features", "", "the features, `FILE[:KEY]` (.npy/.npz, stimuli × units; other axes are flattened)")
	targets := fl.String("targets", "", "the targets, `FILE[:KEY]` (stimuli × targets)")
	folds := fl.Int("folds", 5, "number of contiguous cross-validation `folds`")
	alphas := fl.String("alphas", "-2,5,10", "alpha grid `LO,HI,NUM`: np.logspace(LO, HI, NUM)")
	out := fl.String("out", "", "output `PREFIX`: writes PREFIX_alpha.npy and PREFIX_r2.npy")
	exact := fl.Bool("exact", false, "score the whole alpha grid in float64 (default: float32 products with a float64 re-check of every uncertain target; same alphas and R²)")
	form := fl.String("form", "auto", "solver: auto (primal when units ≤ stimuli, else kernel), primal or kernel")
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fl.NArg() > 0 {
		fmt.Fprintf(stderr, "alignscope encode: unexpected argument %q\n", fl.Arg(0))
		return 2
	}
	if *features == "" || *targets == "" || *out == "" {
		fmt.Fprintln(stderr, "alignscope encode: give --features FILE, --targets FILE and --out PREFIX (see alignscope encode -h)")
		return 2
	}
	grid, err := parseAlphaGrid(*alphas)
	if err != nil {
		fmt.Fprintf(stderr, "alignscope encode: --alphas: %v\n", err)
		return 2
	}
	opt := &encoding.CVOptions{Alphas: grid, K: *folds, SkipRefit: true, SkipPredictions: true, Fast: !*exact}
	switch *form {
	case "auto":
	case "primal":
		opt.Form = encoding.Primal
	case "kernel":
		opt.Form = encoding.Kernel
	default:
		fmt.Fprintf(stderr, "alignscope encode: --form must be auto, primal or kernel, not %q\n", *form)
		return 2
	}
	if *folds < 2 {
		fmt.Fprintf(stderr, "alignscope encode: --folds must be at least 2, not %d\n", *folds)
		return 2
	}
	start := time.Now()
	res, desc, err := runEncode(*features, *targets, opt)
	if err != nil {
		fmt.Fprintf(stderr, "alignscope encode: %v\n", err)
		return 1
	}
	elapsed := time.Since(start)
	t := len(res.Alpha)
	if err := writeNPY(*out+"_alpha.npy", []int{t}, res.Alpha); err != nil {
		fmt.Fprintf(stderr, "alignscope encode: %v\n", err)
		return 1
	}
	if err := writeNPY(*out+"_r2.npy", []int{t}, res.R2); err != nil {
		fmt.Fprintf(stderr, "alignscope encode: %v\n", err)
		return 1
	}
	summary := fmt.Sprintf("alignscope encode: %s ridge CV, %s, %d folds, %d alphas: %.3f s", res.Form, desc, len(res.Folds), len(grid), elapsed.Seconds())
	if peak := peakRSS(); peak != "" {
		summary += ", peak memory " + peak
	}
	fmt.Fprintln(stderr, summary)
	fmt.Fprintf(stderr, "  median R² %.4f over %d targets; targets per alpha %v", medianFinite(res.R2), t-len(res.Excluded), res.AlphaHistogram())
	if len(res.Excluded) > 0 {
		fmt.Fprintf(stderr, "; %d target(s) excluded for NaN/Inf values (first: %d)", len(res.Excluded), res.Excluded[0])
	}
	if res.Rescored > 0 {
		fmt.Fprintf(stderr, "; %d re-scored in float64", res.Rescored)
	}
	fmt.Fprintf(stderr, "\n  wrote %s_alpha.npy and %s_r2.npy\n", *out, *out)
	return 0
}

func runEncode(features, targets string, opt *encoding.CVOptions) (*encoding.CVResult, string, error) {
	fx, ax, err := openArray(features)
	if err != nil {
		return nil, "", err
	}
	defer fx.Close()
	fy, ay, err := openArray(targets)
	if err != nil {
		return nil, "", err
	}
	defer fy.Close()
	if len(ay.Shape) > 2 {
		return nil, "", fmt.Errorf("%s has shape %s; targets must be stimuli × targets", ay.Source, npy.ShapeString(ay.Shape))
	}
	x, err := ax.Matrix()
	if err != nil {
		return nil, "", err
	}
	y, err := ay.Matrix()
	if err != nil {
		return nil, "", err
	}
	n, p := x.Dims()
	ny, t := y.Dims()
	if n != ny {
		return nil, "", fmt.Errorf("%s has %d stimuli (rows) but %s has %d", ax.Source, n, ay.Source, ny)
	}
	if n < opt.K {
		return nil, "", fmt.Errorf("%d stimuli are fewer than the %d folds", n, opt.K)
	}
	res, err := encoding.RidgeCV(context.Background(), x, y, opt, nil)
	if err != nil {
		return nil, "", err
	}
	return res, fmt.Sprintf("n=%d p=%d t=%d (%s %s)", n, p, t, ax.DType, ay.DType), nil
}

// parseAlphaGrid parses "LO,HI,NUM" into np.logspace(LO, HI, NUM).
func parseAlphaGrid(s string) ([]float64, error) {
	parts := strings.Split(s, ",")
	if len(parts) != 3 {
		return nil, fmt.Errorf("want LO,HI,NUM (e.g. -2,5,10), got %q", s)
	}
	lo, err1 := strconv.ParseFloat(strings.TrimSpace(parts[0]), 64)
	hi, err2 := strconv.ParseFloat(strings.TrimSpace(parts[1]), 64)
	num, err3 := strconv.Atoi(strings.TrimSpace(parts[2]))
	if err1 != nil || err2 != nil || err3 != nil {
		return nil, fmt.Errorf("want LO,HI,NUM with numbers, got %q", s)
	}
	if num < 1 || num > 1000 {
		return nil, fmt.Errorf("NUM must be between 1 and 1000, got %d", num)
	}
	if math.IsNaN(lo) || math.IsNaN(hi) || math.Abs(lo) > 300 || math.Abs(hi) > 300 {
		return nil, fmt.Errorf("LO and HI are powers of ten between -300 and 300, got %q", s)
	}
	return encoding.DefaultAlphas(lo, hi, num), nil
}

func medianFinite(v []float64) float64 {
	var f []float64
	for _, x := range v {
		if !math.IsNaN(x) {
			f = append(f, x)
		}
	}
	if len(f) == 0 {
		return math.NaN()
	}
	sort.Float64s(f)
	if len(f)%2 == 1 {
		return f[len(f)/2]
	}
	return (f[len(f)/2-1] + f[len(f)/2]) / 2
}
