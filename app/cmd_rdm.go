package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/rdm"
	"github.com/alignscope/alignscope/io/npy"
	"gonum.org/v1/gonum/mat"
)

const rdmUsage = `Usage: alignscope rdm --data FILE[:KEY] --method M --out RDM.npy [options]

Computes a representational dissimilarity matrix (RDM) of the rows of a
.npy/.npz array, as rsatoolbox's calc_rdm, streaming large layers from disk.

The output is float64 .npy: for one RDM a 1-D vector of the n(n-1)/2
dissimilarities (upper triangle, row-major: (0,1), (0,2), ..., (n-2,n-1),
the scipy squareform order); with --times a 2-D array, one RDM per row.
With --descriptor the RDM rows are the conditions in ascending label order.

Options:
`

// cmdRDM implements `alignscope rdm`. It returns the exit status: 0 on
// success, 1 when the computation fails, 2 for bad usage.
func cmdRDM(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("alignscope rdm", flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.Usage = func() {
		fmt.Fprint(stderr, rdmUsage)
		fl.PrintDefaults()
	}
	var names []string
	for _, m := range rdm.Methods {
		names = append(names, string(m))
	}
	dataArg := fl.String("data", "", "the data: `FILE[:KEY]`, a .npy file or an .npz archive and key; rows are observations (stimuli), the other axes are flattened into channels")
	method := fl.String("method", "correlation", "dissimilarity `M`: "+strings.Join(names, ", "))
	desc := fl.String("descriptor", "", "condition label of each row, `FILE[:KEY]` (1-D numbers or strings); rows with equal labels are averaged")
	cv := fl.String("cv-descriptor", "", "cross-validation fold (run) of each row, `FILE[:KEY]`, for crossnobis and poisson_cv")
	noiseArg := fl.String("noise", "", "noise precision, `FILE[:KEY]`: p × p, or folds × p × p for crossnobis")
	out := fl.String("out", "", "output `FILE`.npy (float64)")
	labelsOut := fl.String("labels-out", "", "also write the label of each RDM row to `FILE`.npy")
	removeMean := fl.Bool("remove-mean", false, "subtract each pattern's mean over channels first (euclidean, mahalanobis, crossnobis)")
	priorLambda := fl.Float64("prior-lambda", rdm.DefaultPrior.Lambda, "prior rate of poisson and poisson_cv")
	priorWeight := fl.Float64("prior-weight", rdm.DefaultPrior.Weight, "prior weight of poisson and poisson_cv")
	unbalanced := fl.Bool("unbalanced", false, "use rsatoolbox's calc_rdm_unbalanced: NaN values allowed, unequal repetitions; conditions in order of first appearance")
	weighting := fl.String("weighting", "number", "pair weighting with --unbalanced: number or equal")
	timesArg := fl.String("times", "", "time value of each time point, `FILE[:KEY]`: the data are observations × channels × time and one RDM is computed per time point")
	binsArg := fl.String("bins", "", "with --times, average time points into bins: `LIST` of bins separated by ';', time values by ',' (e.g. \"0,10;20,30\")")
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fl.NArg() > 0 {
		fmt.Fprintf(stderr, "alignscope rdm: unexpected argument %q\n", fl.Arg(0))
		return 2
	}
	if *dataArg == "" || *out == "" {
		fmt.Fprintln(stderr, "alignscope rdm: give --data FILE and --out FILE.npy (see alignscope rdm -h)")
		return 2
	}
	if *binsArg != "" && *timesArg == "" {
		fmt.Fprintln(stderr, "alignscope rdm: --bins needs --times")
		return 2
	}
	opt := rdm.Options{
		Method:     rdm.Method(*method),
		RemoveMean: *removeMean,
		Prior:      &rdm.Prior{Lambda: *priorLambda, Weight: *priorWeight},
	}
	switch *weighting {
	case "number":
	case "equal":
		opt.Weighting = rdm.WeightEqual
	default:
		fmt.Fprintf(stderr, "alignscope rdm: --weighting must be number or equal, not %q\n", *weighting)
		return 2
	}
	start := time.Now()
	res, err := runRDM(rdmJob{
		data: *dataArg, desc: *desc, cv: *cv, noise: *noiseArg, times: *timesArg, bins: *binsArg,
		unbalanced: *unbalanced, opt: opt, out: *out, labelsOut: *labelsOut,
	})
	if err != nil {
		fmt.Fprintf(stderr, "alignscope rdm: %v\n", err)
		return 1
	}
	what := fmt.Sprintf("%s RDM", opt.Method)
	if res.nRDM > 1 {
		what = fmt.Sprintf("%d %s RDMs", res.nRDM, opt.Method)
	}
	summary := fmt.Sprintf("alignscope rdm: %s, %d conditions, from %s in %.2f s",
		what, res.nCond, res.input, time.Since(start).Seconds())
	if peak := peakRSS(); peak != "" {
		summary += ", peak memory " + peak
	}
	summary += "; wrote " + *out
	fmt.Fprintln(stderr, summary)
	return 0
}

type rdmJob struct {
	data, desc, cv, noise, times, bins string
	unbalanced                         bool
	opt                                rdm.Options
	out, labelsOut                     string
}

type rdmResult struct {
	nRDM, nCond int
	input       string
}

func runRDM(j rdmJob) (*rdmResult, error) {
	ctx := context.Background()
	f, a, err := openArray(j.data)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	res := &rdmResult{input: fmt.Sprintf("%s (%s %s)", a.Source, npy.ShapeString(a.Shape), a.DType)}
	n := 0
	if len(a.Shape) > 0 {
		n = a.Shape[0]
	}
	if j.desc != "" {
		if j.opt.Conditions, err = readLabels(j.desc, n, "--descriptor"); err != nil {
			return nil, err
		}
	}
	if j.cv != "" {
		if j.opt.Folds, err = readLabels(j.cv, n, "--cv-descriptor"); err != nil {
			return nil, err
		}
	}
	if j.noise != "" {
		if err := readNoise(j.noise, &j.opt); err != nil {
			return nil, err
		}
	}
	var rdms []*rdm.RDM
	if j.times != "" {
		mo := rdm.MovieOptions{Options: j.opt, Unbalanced: j.unbalanced}
		if len(a.Shape) != 3 {
			return nil, fmt.Errorf("%s has shape %s; with --times the data must be observations × channels × time", a.Source, npy.ShapeString(a.Shape))
		}
		if mo.Times, err = readLabels(j.times, a.Shape[2], "--times"); err != nil {
			return nil, err
		}
		if j.bins != "" {
			if mo.Bins, err = parseBins(j.bins); err != nil {
				return nil, err
			}
		}
		v, err := a.Matrix()
		if err != nil {
			return nil, err
		}
		x, err := data.ReadAll(v)
		if err != nil {
			return nil, err
		}
		mv, err := rdm.CalcMovie(ctx, x, mo)
		if err != nil {
			return nil, err
		}
		rdms = mv.RDMs
	} else {
		v, err := a.Matrix()
		if err != nil {
			return nil, err
		}
		var r *rdm.RDM
		if j.unbalanced {
			r, err = rdm.CalcUnbalanced(ctx, v, j.opt)
		} else {
			r, err = rdm.Calc(ctx, v, j.opt)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", a.Source, err)
		}
		rdms = []*rdm.RDM{r}
	}
	res.nRDM, res.nCond = len(rdms), rdms[0].N
	shape := []int{len(rdms[0].Vec)}
	if j.times != "" {
		shape = []int{len(rdms), len(rdms[0].Vec)}
	}
	vals := make([]float64, 0, len(rdms)*len(rdms[0].Vec))
	for _, r := range rdms {
		vals = append(vals, r.Vec...)
	}
	if err := writeNPY(j.out, shape, vals); err != nil {
		return nil, err
	}
	if j.labelsOut != "" {
		labels := rdms[0].Labels
		if labels == nil {
			labels = make([]float64, rdms[0].N)
			for i := range labels {
				labels[i] = float64(i)
			}
		}
		if err := writeNPY(j.labelsOut, []int{len(labels)}, labels); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// openArray opens FILE or FILE:KEY. A path that exists as given is a file
// (so Windows drive letters work); otherwise the text after the last ':'
// is the .npz key. An archive with several arrays needs a key.
func openArray(spec string) (*npy.File, *npy.Array, error) {
	name, key := spec, ""
	if _, err := os.Stat(spec); err != nil {
		if i := strings.LastIndex(spec, ":"); i > 0 {
			name, key = spec[:i], spec[i+1:]
		}
	}
	f, err := npy.Open(name)
	if err != nil {
		return nil, nil, err
	}
	var a *npy.Array
	switch {
	case key != "":
		if a = f.Array(key); a == nil {
			f.Close()
			return nil, nil, fmt.Errorf("%s has no array %q; it holds %s", name, key, strings.Join(f.Names(), ", "))
		}
	case len(f.Arrays) == 1:
		a = f.Arrays[0]
	default:
		f.Close()
		return nil, nil, fmt.Errorf("%s holds %d arrays (%s); choose one with %s:KEY", name, len(f.Arrays), strings.Join(f.Names(), ", "), name)
	}
	return f, a, nil
}

// readLabels reads a 1-D array of n numbers or strings; strings are coded
// so that their numeric order is their lexicographic order.
func readLabels(spec string, n int, flagName string) ([]float64, error) {
	f, a, err := openArray(spec)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", flagName, err)
	}
	defer f.Close()
	if len(a.Shape) != 1 || a.Shape[0] != n {
		return nil, fmt.Errorf("%s: %s has shape %s; it must be a 1-D array of %d values, one per row", flagName, a.Source, npy.ShapeString(a.Shape), n)
	}
	if a.Err != nil {
		s, err := a.Strings()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", flagName, a.Err)
		}
		codes, _ := rdm.LabelsFromStrings(s)
		return codes, nil
	}
	v, err := a.Matrix()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", flagName, err)
	}
	m, err := data.ReadAll(v)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", flagName, err)
	}
	return m.RawMatrix().Data, nil
}

// readNoise reads a p × p precision or a folds × p × p stack.
func readNoise(spec string, opt *rdm.Options) error {
	f, a, err := openArray(spec)
	if err != nil {
		return fmt.Errorf("--noise: %w", err)
	}
	defer f.Close()
	switch len(a.Shape) {
	case 2:
		v, err := a.Matrix()
		if err != nil {
			return fmt.Errorf("--noise: %w", err)
		}
		m, err := data.ReadAll(v)
		if err != nil {
			return fmt.Errorf("--noise: %w", err)
		}
		opt.Precision = m
	case 3:
		subs, err := a.Subs()
		if err != nil {
			return fmt.Errorf("--noise: %w", err)
		}
		for _, s := range subs {
			m, err := data.ReadAll(s)
			if err != nil {
				return fmt.Errorf("--noise: %w", err)
			}
			opt.FoldPrecisions = append(opt.FoldPrecisions, mat.Matrix(m))
		}
	default:
		return fmt.Errorf("--noise: %s has shape %s; give a p × p precision or folds × p × p", a.Source, npy.ShapeString(a.Shape))
	}
	return nil
}

// parseBins parses "0,10;20,30,40".
func parseBins(s string) ([][]float64, error) {
	var bins [][]float64
	for _, part := range strings.Split(s, ";") {
		var bin []float64
		for _, f := range strings.Split(part, ",") {
			f = strings.TrimSpace(f)
			if f == "" {
				continue
			}
			v, err := strconv.ParseFloat(f, 64)
			if err != nil {
				return nil, fmt.Errorf("--bins: %q is not a number", f)
			}
			bin = append(bin, v)
		}
		if len(bin) == 0 {
			return nil, fmt.Errorf("--bins: empty bin in %q", s)
		}
		bins = append(bins, bin)
	}
	return bins, nil
}

// writeNPY writes a float64 .npy file through a temporary file in the same
// folder, renamed into place once complete.
func writeNPY(name string, shape []int, vals []float64) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), ".alignscope-*.npy")
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	err = tmp.Chmod(0o644) // CreateTemp makes 0600; a result file is meant to be shared
	w := bufio.NewWriterSize(tmp, 1<<20)
	if err == nil {
		err = npy.WriteNPY(w, shape, vals)
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

// peakRSS returns the peak resident memory of the process ("123 MB") from
// /proc/self/status (Linux), or "" where unavailable.
func peakRSS() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			f := strings.Fields(rest)
			if len(f) == 2 && f[1] == "kB" {
				if kb, err := strconv.ParseInt(f[0], 10, 64); err == nil {
					return fmt.Sprintf("%d MB", kb/1024)
				}
			}
		}
	}
	return ""
}
