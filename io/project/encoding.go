package project

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
	"gonum.org/v1/gonum/mat"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/encoding"
	"github.com/alignscope/alignscope/core/job"
	"github.com/alignscope/alignscope/core/voxelwise"
	"github.com/alignscope/alignscope/io/export"
	"github.com/alignscope/alignscope/io/npy"
)

// KindEncoding is the kind of a voxel-wise encoding analysis
// (core/voxelwise, the Encoding page): Spec is a voxelwise.Spec, Result a
// *voxelwise.Result.
//
// The cached result holds, per fit, every number of its cross-validation
// the page and the figures use — the penalty grid, each target's chosen
// penalty (index and value), the pooled and fold-mean R² and r, the
// ceiling-normalised score, the mean fold score per penalty and target,
// the excluded targets and the folds — and the split-half reliability,
// bit for bit. The fold scores of every penalty (CVResult.Scores) are not
// kept (they are five to ten times larger than the rest and shown
// nowhere), nor predictions or refitted models, which the analysis does
// not compute. The voxel geometry belongs to the recordings, not to the
// analysis: AttachData puts it back from the project after opening.
const KindEncoding = "encoding"

func init() {
	Register(&Kind{
		Name:        KindEncoding,
		Title:       "Voxel-wise encoding models",
		Settings:    encSettingsOf,
		Decode:      encDecode,
		Key:         func(spec any) (string, error) { s, err := encSpec(spec); return s.Key(), err },
		Run:         encRun,
		WriteResult: encWriteResult,
		ReadResult:  encReadResult,
		WriteTables: encWriteTables,
		Tables:      encTables,
		Methods:     encMethods,
		Summary:     encSummary,
	})
}

// encSettings is the [analyses.settings] table of an encoding analysis.
type encSettings struct {
	// Layers are [model, layer] pairs.
	Layers   [][]string `toml:"layers"`
	Regions  []string   `toml:"regions"`
	Subjects []string   `toml:"subjects"`
	// Folds is K of the contiguous K-fold cross-validation.
	Folds *int `toml:"folds"`
	// Alphas is the penalty grid, every value exactly.
	Alphas []float64 `toml:"alphas"`
}

func encSpec(spec any) (voxelwise.Spec, error) {
	switch s := spec.(type) {
	case voxelwise.Spec:
		return s, nil
	case *voxelwise.Spec:
		return *s, nil
	}
	return voxelwise.Spec{}, fmt.Errorf("an encoding analysis needs a voxelwise.Spec, not %T", spec)
}

func encResult(res any) (*voxelwise.Result, error) {
	r, ok := res.(*voxelwise.Result)
	if !ok || r == nil {
		return nil, fmt.Errorf("an encoding result must be a *voxelwise.Result, not %T", res)
	}
	return r, nil
}

func encSettingsOf(spec any) (any, error) {
	s, err := encSpec(spec)
	if err != nil {
		return nil, err
	}
	folds := s.Folds
	out := encSettings{Regions: s.Regions, Subjects: s.Subjects, Folds: &folds, Alphas: s.Alphas}
	out.Layers = make([][]string, len(s.Layers))
	for i, l := range s.Layers {
		out.Layers[i] = []string{l.Model, l.Layer}
	}
	if out.Regions == nil {
		out.Regions = []string{}
	}
	if out.Subjects == nil {
		out.Subjects = []string{}
	}
	if out.Alphas == nil {
		out.Alphas = []float64{}
	}
	return out, nil
}

// MaxFolds is the largest number of cross-validation folds a project
// file may ask for.
const MaxFolds = 1000

func encDecode(decode func(any) error, line func(string) int) (any, error) {
	var in encSettings
	if err := decode(&in); err != nil {
		return nil, err
	}
	bad := func(key, format string, args ...any) error {
		return &lineError{line: line(key), msg: fmt.Sprintf(format, args...)}
	}
	var s voxelwise.Spec
	var err error
	if s.Layers, s.Regions, s.Subjects, err = decodeSelection(in.Layers, in.Regions, in.Subjects, bad); err != nil {
		return nil, err
	}
	if in.Folds == nil {
		return nil, bad("folds", "folds is missing (K of the K-fold cross-validation)")
	}
	if *in.Folds < 2 || *in.Folds > MaxFolds {
		return nil, bad("folds", "folds = %d: use 2 to %d", *in.Folds, MaxFolds)
	}
	s.Folds = *in.Folds
	if len(in.Alphas) == 0 {
		return nil, bad("alphas", "alphas is missing (the ridge penalties to choose from, e.g. [0.01, 0.1, 1, 10])")
	}
	for _, a := range in.Alphas {
		if !(a > 0) || math.IsInf(a, 0) {
			return nil, bad("alphas", "alphas: %v is not a positive, finite penalty", a)
		}
	}
	s.Alphas = in.Alphas
	return s, nil
}

func encRun(ctx context.Context, p *data.Project, spec any, rep *job.Reporter) (any, error) {
	s, err := encSpec(spec)
	if err != nil {
		return nil, err
	}
	return voxelwise.Run(ctx, p, s, rep)
}

// AttachData gives the cached results of analyses read back from a
// project what belongs to the project's data rather than to the
// analysis: the voxel geometry of every encoding fit (the recording's,
// when its number of targets agrees). Open leaves it out; call it with
// the opened project before showing or exporting the results.
func AttachData(p *data.Project, as []*Analysis) {
	if p == nil {
		return
	}
	for _, a := range as {
		r, ok := a.Result.(*voxelwise.Result)
		if !ok || r == nil {
			continue
		}
		for _, f := range r.Fits {
			if f == nil || f.Geometry != nil || f.CV == nil {
				continue
			}
			s := p.Subject(f.Subject)
			if s == nil {
				continue
			}
			reg := s.Region(f.Region)
			if reg == nil || reg.Recording == nil || reg.Geometry == nil {
				continue
			}
			if g := reg.Geometry; g.Voxels == nil || len(g.Voxels) == len(f.CV.R2) {
				f.Geometry = g
			}
		}
	}
}

// The cached result: result.toml names the fits and their sizes,
// result.npz holds every number.
type encMeta struct {
	Kind string `toml:"kind"`
	// Folds is the number of folds of each distinct set of folds
	// (stored once, shared by the fits).
	Folds []int        `toml:"fold_sets"`
	Fits  []encFitMeta `toml:"fits"`
}

type encFitMeta struct {
	Model   string `toml:"model"`
	Layer   string `toml:"layer"`
	Subject string `toml:"subject"`
	Region  string `toml:"region"`
	Targets int    `toml:"targets"`
	// Form is the ridge form used (core/encoding.Form).
	Form     int `toml:"form"`
	Rescored int `toml:"rescored"`
	// FoldSet indexes fold_sets (−1: no folds recorded).
	FoldSet int `toml:"fold_set"`
}

// vec stores v as a 1-D array, unless v is nil (absent: read back nil).
func (o *npzOut) vec(name string, v []float64) {
	if v != nil {
		o.put(name, []int{len(v)}, v)
	}
}

// ints stores whole numbers (exact in float64 below 2⁵³), unless v is
// nil.
func (o *npzOut) ints(name string, v []int) {
	if v == nil {
		return
	}
	f := make([]float64, len(v))
	for i, x := range v {
		f[i] = float64(x)
	}
	o.put(name, []int{len(v)}, f)
}

// denseOpt stores m with its shape, unless m is nil.
func (o *npzOut) denseOpt(name string, m *mat.Dense) {
	switch {
	case m == nil:
	case emptyDense(m):
		o.put(name, []int{0, 0}, nil)
	default:
		o.dense(name, m)
	}
}

// finish writes the collected arrays as result.npz and meta as
// result.toml.
func (o *npzOut) finish(buf *bytes.Buffer, create func(string) (io.Writer, error), meta any) error {
	if o.err != nil {
		return fmt.Errorf("result arrays: %w", o.err)
	}
	if err := o.z.Close(); err != nil {
		return err
	}
	w, err := create("result.npz")
	if err != nil {
		return err
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return err
	}
	w, err = create(resultMeta)
	if err != nil {
		return err
	}
	enc := toml.NewEncoder(w)
	enc.Indent = ""
	return enc.Encode(meta)
}

// has reports whether result.npz holds name.
func (in *npzIn) has(name string) bool { return in.f.Array(name) != nil }

// vec reads a 1-D array of n values (n < 0: any length), nil when absent.
func (in *npzIn) vec(name string, n int) []float64 {
	if in.err != nil || !in.has(name) {
		return nil
	}
	sh := in.shapeOf(name)
	if len(sh) != 1 || n >= 0 && sh[0] != n {
		want := "any length"
		if n >= 0 {
			want = strconv.Itoa(n)
		}
		in.err = fmt.Errorf("result.npz: array %q has shape %v, expected a vector of %s", name, sh, want)
		return nil
	}
	return in.read(name, sh[0])
}

// ints reads whole numbers stored by npzOut.ints, nil when absent.
func (in *npzIn) ints(name string, n int) []int {
	v := in.vec(name, n)
	if v == nil {
		return nil
	}
	out := make([]int, len(v))
	for i, x := range v {
		if x != math.Trunc(x) || math.Abs(x) > 1<<53 {
			in.err = fmt.Errorf("result.npz: array %q holds %v, not a whole number", name, x)
			return nil
		}
		out[i] = int(x)
	}
	return out
}

// denseOpt reads a matrix stored by npzOut.denseOpt, nil when absent.
func (in *npzIn) denseOpt(name string) *mat.Dense {
	if in.err != nil || !in.has(name) {
		return nil
	}
	sh := in.shapeOf(name)
	if len(sh) != 2 {
		in.err = fmt.Errorf("result.npz: array %q has shape %v, expected a matrix", name, sh)
		return nil
	}
	return in.dense(name, sh[0], sh[1])
}

// openResult reads result.toml into meta (checking its kind) and opens
// result.npz.
func openResult(fsys fs.FS, kind string, meta any, kindOf func() string) (*npzIn, func(), error) {
	text, err := fs.ReadFile(fsys, resultMeta)
	if err != nil {
		return nil, nil, err
	}
	if _, err := toml.Decode(string(text), meta); err != nil {
		return nil, nil, decodeErr(resultMeta, err)
	}
	if k := kindOf(); k != kind {
		return nil, nil, fmt.Errorf("%s: kind %q, expected %s", resultMeta, k, kind)
	}
	f, err := npy.OpenFS(fsys, "result.npz")
	if err != nil {
		return nil, nil, err
	}
	return &npzIn{f: f}, func() { f.Close() }, nil
}

func foldsEqual(a, b []encoding.Fold) bool {
	return slices.EqualFunc(a, b, func(x, y encoding.Fold) bool {
		return slices.Equal(x.Train, y.Train) && slices.Equal(x.Test, y.Test)
	})
}

func encWriteResult(create func(string) (io.Writer, error), res any) error {
	r, err := encResult(res)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	o := &npzOut{z: npy.NewNPZWriter(&buf)}
	meta := encMeta{Kind: KindEncoding, Folds: []int{}, Fits: []encFitMeta{}}
	var sets [][]encoding.Fold
	for i, f := range r.Fits {
		if f == nil || f.CV == nil {
			return fmt.Errorf("fit %d has no cross-validation result", i+1)
		}
		cv := f.CV
		T := len(cv.R2)
		fm := encFitMeta{Model: f.Layer.Model, Layer: f.Layer.Layer, Subject: f.Subject, Region: f.Region,
			Targets: T, Form: int(cv.Form), Rescored: cv.Rescored, FoldSet: -1}
		for _, v := range []struct {
			name string
			n    int
		}{{"alpha_index", len(cv.AlphaIndex)}, {"alpha", len(cv.Alpha)}, {"r", len(cv.R)}, {"r2_fold_mean", len(cv.R2FoldMean)},
			{"r_fold_mean", len(cv.RFoldMean)}, {"ceiled", len(cv.Ceiled)}, {"ceiling", len(f.Ceiling)}} {
			if v.n != 0 && v.n != T {
				return fmt.Errorf("fit %s → %s / %s: %d %s values for %d targets", f.Layer, f.Subject, f.Region, v.n, v.name, T)
			}
		}
		if cv.Folds != nil {
			fm.FoldSet = slices.IndexFunc(sets, func(s []encoding.Fold) bool { return foldsEqual(s, cv.Folds) })
			if fm.FoldSet < 0 {
				fm.FoldSet = len(sets)
				sets = append(sets, cv.Folds)
			}
		}
		pre := fmt.Sprintf("f%d_", i)
		o.vec(pre+"alphas", cv.Alphas)
		o.ints(pre+"alpha_index", cv.AlphaIndex)
		o.vec(pre+"alpha", cv.Alpha)
		o.vec(pre+"r2", cv.R2)
		o.vec(pre+"r", cv.R)
		o.vec(pre+"r2_fold_mean", cv.R2FoldMean)
		o.vec(pre+"r_fold_mean", cv.RFoldMean)
		o.vec(pre+"ceiled", cv.Ceiled)
		o.denseOpt(pre+"mean_score", cv.MeanScore)
		o.ints(pre+"excluded", cv.Excluded)
		o.vec(pre+"ceiling", f.Ceiling)
		meta.Fits = append(meta.Fits, fm)
	}
	for s, folds := range sets {
		meta.Folds = append(meta.Folds, len(folds))
		var train, test []int
		sizes := make([]float64, 0, 2*len(folds))
		for _, fd := range folds {
			train = append(train, fd.Train...)
			test = append(test, fd.Test...)
			sizes = append(sizes, float64(len(fd.Train)), float64(len(fd.Test)))
		}
		o.ints(fmt.Sprintf("folds%d_train", s), append([]int{}, train...))
		o.ints(fmt.Sprintf("folds%d_test", s), append([]int{}, test...))
		o.put(fmt.Sprintf("folds%d_sizes", s), []int{len(folds), 2}, sizes)
	}
	return o.finish(&buf, create, meta)
}

func encReadResult(fsys fs.FS, spec any) (any, error) {
	s, err := encSpec(spec)
	if err != nil {
		return nil, err
	}
	var meta encMeta
	in, done, err := openResult(fsys, KindEncoding, &meta, func() string { return meta.Kind })
	if err != nil {
		return nil, err
	}
	defer done()
	sets := make([][]encoding.Fold, len(meta.Folds))
	for si, k := range meta.Folds {
		sizes := in.read(fmt.Sprintf("folds%d_sizes", si), k, 2)
		train := in.ints(fmt.Sprintf("folds%d_train", si), -1)
		test := in.ints(fmt.Sprintf("folds%d_test", si), -1)
		if in.err != nil {
			return nil, in.err
		}
		folds := make([]encoding.Fold, k)
		a, b := 0, 0
		for i := range folds {
			nt, ne := int(sizes[2*i]), int(sizes[2*i+1])
			if nt < 0 || ne < 0 || a+nt > len(train) || b+ne > len(test) {
				return nil, fmt.Errorf("result.npz: fold set %d: fold sizes do not match the indices", si)
			}
			folds[i] = encoding.Fold{Train: slices.Clone(train[a : a+nt]), Test: slices.Clone(test[b : b+ne])}
			a, b = a+nt, b+ne
		}
		if a != len(train) || b != len(test) {
			return nil, fmt.Errorf("result.npz: fold set %d: fold sizes do not match the indices", si)
		}
		sets[si] = folds
	}
	r := &voxelwise.Result{Spec: s}
	for i, fm := range meta.Fits {
		pre := fmt.Sprintf("f%d_", i)
		T := fm.Targets
		cv := &encoding.CVResult{Form: encoding.Form(fm.Form), Rescored: fm.Rescored}
		cv.Alphas = in.vec(pre+"alphas", -1)
		cv.AlphaIndex = in.ints(pre+"alpha_index", T)
		cv.Alpha = in.vec(pre+"alpha", T)
		cv.R2 = in.vec(pre+"r2", T)
		cv.R = in.vec(pre+"r", T)
		cv.R2FoldMean = in.vec(pre+"r2_fold_mean", T)
		cv.RFoldMean = in.vec(pre+"r_fold_mean", T)
		cv.Ceiled = in.vec(pre+"ceiled", T)
		cv.MeanScore = in.denseOpt(pre + "mean_score")
		cv.Excluded = in.ints(pre+"excluded", -1)
		ceiling := in.vec(pre+"ceiling", T)
		if in.err != nil {
			return nil, in.err
		}
		if cv.R2 == nil {
			return nil, fmt.Errorf("result.npz: fit %d has no R²", i+1)
		}
		for _, j := range cv.AlphaIndex {
			if j < -1 || j >= len(cv.Alphas) {
				return nil, fmt.Errorf("result.npz: fit %d: penalty index %d outside the grid of %d", i+1, j, len(cv.Alphas))
			}
		}
		switch {
		case fm.FoldSet >= len(sets) || fm.FoldSet < -1:
			return nil, fmt.Errorf("result.toml: fit %d: fold set %d of %d", i+1, fm.FoldSet, len(sets))
		case fm.FoldSet >= 0:
			// each fit its own copy, as computed
			folds := make([]encoding.Fold, len(sets[fm.FoldSet]))
			for k, fd := range sets[fm.FoldSet] {
				folds[k] = encoding.Fold{Train: slices.Clone(fd.Train), Test: slices.Clone(fd.Test)}
			}
			cv.Folds = folds
		}
		r.Fits = append(r.Fits, &voxelwise.Fit{Layer: voxelwise.LayerRef{Model: fm.Model, Layer: fm.Layer},
			Subject: fm.Subject, Region: fm.Region, CV: cv, Ceiling: ceiling})
	}
	if in.err != nil {
		return nil, in.err
	}
	for _, f := range r.Fits {
		if !slices.Contains(s.Layers, f.Layer) || !slices.Contains(s.Regions, f.Region) {
			return nil, fmt.Errorf("result.toml: fit %s → %s / %s is not one of the settings' layers and regions", f.Layer, f.Subject, f.Region)
		}
	}
	return r, nil
}

// EncodingTableFile is the name of the CSV table an encoding analysis
// writes (one row per fit and target, export.WriteEncodingTable).
const EncodingTableFile = "encoding-table.csv"

func encWriteTables(dir string, res any) ([]string, error) {
	r, err := encResult(res)
	if err != nil {
		return nil, err
	}
	p := filepath.Join(dir, EncodingTableFile)
	if err := export.WriteEncodingTable(p, r.Table()); err != nil {
		return nil, err
	}
	return []string{p}, nil
}

// encTables is the report's summary: per region and layer, the targets'
// median scores (the full per-target table is the CSV).
func encTables(res any) []Table {
	r, err := encResult(res)
	if err != nil {
		return nil
	}
	t := Table{Name: "encoding-summary", Title: "Encoding scores (median over targets)",
		Header: []string{"region", "model", "layer", "targets", "R² median [IQR]", "r median", "R² > 0", "reliability median", "r²/reliability median"},
		Caption: "Cross-validated scores of every target (voxel or neuron) of the region, all chosen subjects pooled; IQR: 25th–75th percentile. " +
			"Reliability: split-half, Spearman–Brown corrected (– without repetitions). The per-target values are in " + EncodingTableFile + "."}
	for _, region := range r.Spec.Regions {
		r2 := r.Profile(region, voxelwise.R2)
		rr := r.Profile(region, voxelwise.R)
		ce := r.Profile(region, voxelwise.Ceiled)
		for i, pt := range r2 {
			vals := r.Values(pt.Layer, region, voxelwise.R2)
			pos := 0
			for _, v := range vals {
				if v > 0 {
					pos++
				}
			}
			share := "–"
			if len(vals) > 0 {
				share = strconv.FormatFloat(100*float64(pos)/float64(len(vals)), 'f', 0, 64) + " %"
			}
			t.Rows = append(t.Rows, []string{region, pt.Layer.Model, pt.Layer.Layer, strconv.Itoa(pt.Targets),
				fmtNum(pt.Median) + " [" + fmtNum(pt.Q25) + ", " + fmtNum(pt.Q75) + "]", fmtNum(rr[i].Median), share,
				fmtNum(pt.CeilingMedian), fmtNum(ce[i].Median)})
		}
	}
	return []Table{t}
}

func encLayersText(ls []voxelwise.LayerRef) string {
	refs := make([]string, 0, len(ls))
	var models []string
	per := map[string][]string{}
	for _, l := range ls {
		if _, ok := per[l.Model]; !ok {
			models = append(models, l.Model)
		}
		per[l.Model] = append(per[l.Model], l.Layer)
	}
	for _, m := range models {
		refs = append(refs, m+": "+strings.Join(per[m], ", "))
	}
	return strings.Join(refs, "; ")
}

func fmtAlpha(a float64) string { return strconv.FormatFloat(a, 'g', 4, 64) }

// alphaGridText describes the penalty grid: "10 values log-spaced from
// 0.01 to 1e+05" when it is a log grid, else the values.
func alphaGridText(as []float64) string {
	switch len(as) {
	case 0:
		return "no penalties"
	case 1:
		return "a single penalty, α = " + fmtAlpha(as[0])
	}
	lo, hi := math.Log10(as[0]), math.Log10(as[len(as)-1])
	logGrid := hi > lo
	if logGrid {
		for k, a := range encoding.DefaultAlphas(lo, hi, len(as)) {
			if math.Abs(a-as[k]) > 1e-9*a {
				logGrid = false
				break
			}
		}
	}
	if logGrid {
		return fmt.Sprintf("%d values log-spaced from %s to %s (10^%s to 10^%s)", len(as), fmtAlpha(as[0]), fmtAlpha(as[len(as)-1]),
			strconv.FormatFloat(lo, 'g', 4, 64), strconv.FormatFloat(hi, 'g', 4, 64))
	}
	vals := make([]string, len(as))
	for i, a := range as {
		vals[i] = fmtAlpha(a)
	}
	return fmt.Sprintf("%d values (%s)", len(as), strings.Join(vals, ", "))
}

func encMethods(specAny, resAny any, software string) string {
	s, err := encSpec(specAny)
	if err != nil {
		return ""
	}
	r, _ := resAny.(*voxelwise.Result)
	var b strings.Builder
	fmt.Fprintf(&b, "Voxel-wise encoding models were fitted in %s. ", software)
	subj := "every subject with the region"
	if len(s.Subjects) > 0 {
		subj = fmt.Sprintf("%d %s (%s)", len(s.Subjects), plural(len(s.Subjects), "subject", "subjects"), listNames(s.Subjects))
	}
	fmt.Fprintf(&b, "The responses of every target (voxel or neuron) of %s %s in %s were predicted from the activations of each of %d model %s (%s) "+
		"by ridge regression: a linear map from all units of the layer with an unpenalised intercept, features centred on the training stimuli "+
		"and not standardised, one model per layer and target. ",
		plural(len(s.Regions), "the brain region", "the brain regions"), listNames(s.Regions), subj, len(s.Layers),
		plural(len(s.Layers), "layer", "layers"), encLayersText(s.Layers))
	fmt.Fprintf(&b, "Each target's penalty was chosen by %d-fold cross-validation over contiguous blocks of stimuli (no shuffling, "+
		"as scikit-learn's KFold) from a grid of %s: in each fold the model was fitted on the training stimuli for every penalty and "+
		"predicted the held-out stimuli, and the penalty with the best mean fold score (minus the mean squared error, averaged over "+
		"folds; ties to the larger penalty) was kept — the per-target ridge cross-validation of himalaya (Dupré la Tour et al., 2022). "+
		"Layers with more units than stimuli were solved in the equivalent kernel form. ", s.Folds, alphaGridText(s.Alphas))
	b.WriteString("Prediction accuracy is the cross-validated R² of the out-of-fold predictions pooled over folds " +
		"(1 − residual sum of squares / total sum of squares around the mean response; 0 for a constant target) and the Pearson " +
		"correlation r between out-of-fold predictions and responses; as the penalty was chosen on the same folds, pure-noise targets " +
		"can score slightly above 0. ")
	b.WriteString("Where a recording had repeated measurements, each target's reliability was estimated as the Pearson correlation " +
		"across stimuli between the mean responses of the even and of the odd repetitions, corrected with the Spearman–Brown formula " +
		"(2r/(1 + r)), and the noise-ceiling-normalised score r²/reliability (the explained variance of Brain-Score; Schrimpf et al., 2018) " +
		"was reported. ")
	if r != nil {
		targets, ceiled, excluded := 0, 0, 0
		seen := map[[2]string]bool{}
		for _, f := range r.Fits {
			k := [2]string{f.Subject, f.Region}
			if seen[k] || f.CV == nil {
				continue
			}
			seen[k] = true
			targets += len(f.CV.R2)
			excluded += len(f.CV.Excluded)
			if f.Ceiling != nil {
				ceiled++
			}
		}
		fmt.Fprintf(&b, "In all, %d %s (%d %s of %d %s) were fitted", len(r.Fits), plural(len(r.Fits), "model", "models"),
			len(seen), plural(len(seen), "recording", "recordings"), targets, plural(targets, "target", "targets"))
		if ceiled > 0 {
			fmt.Fprintf(&b, "; %d of the recordings had repetitions for the reliability", ceiled)
		} else {
			b.WriteString("; no recording had repetitions, so no reliability or normalised score was computed")
		}
		b.WriteString(". ")
		if excluded > 0 {
			fmt.Fprintf(&b, "%d %s with missing or infinite responses were excluded. ", excluded, plural(excluded, "target", "targets"))
		}
	} else {
		b.WriteString("Targets with missing or infinite responses were excluded. ")
	}
	b.WriteString("The computations follow the definitions of himalaya (ridge), scikit-learn (folds) and Brain-Score (ceiling).")
	return b.String()
}

func encSummary(spec any) string {
	s, err := encSpec(spec)
	if err != nil {
		return "Encoding"
	}
	subj := "all subjects"
	if len(s.Subjects) > 0 {
		subj = fmt.Sprintf("%d %s", len(s.Subjects), plural(len(s.Subjects), "subject", "subjects"))
	}
	grid := fmt.Sprintf("%d %s", len(s.Alphas), plural(len(s.Alphas), "penalty", "penalties"))
	if len(s.Alphas) > 0 {
		grid += " " + fmtAlpha(s.Alphas[0]) + "–" + fmtAlpha(s.Alphas[len(s.Alphas)-1])
	}
	return fmt.Sprintf("Encoding · %d %s × %d %s · %s · ridge, %d-fold CV · %s", len(s.Layers), plural(len(s.Layers), "layer", "layers"),
		len(s.Regions), plural(len(s.Regions), "region", "regions"), subj, s.Folds, grid)
}
