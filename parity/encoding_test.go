package parity

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/encoding"
	"gonum.org/v1/gonum/mat"
)

// The encoding fixtures (shared/fixtures/encoding, made with himalaya,
// scikit-learn and Brain-Score's definitions) use their own manifest:
// cases with "inputs", "params" and "expected" (each output with its own
// tolerance, or "exact"), index lists in JSON files. Cases are recognised
// by the outputs they expect, not by their ids, so a hold-out set with
// other ids, seeds, shapes and parameters runs through the same code.

type encFile struct {
	File   string `json:"file"`
	Shape  []int  `json:"shape"`
	Format string `json:"format"`
}

type encExpected struct {
	encFile
	Tolerance json.RawMessage `json:"tolerance"`
}

type encCase struct {
	ID       string                     `json:"id"`
	Inputs   map[string]encFile         `json:"inputs"`
	Params   map[string]json.RawMessage `json:"params"`
	Expected map[string]encExpected     `json:"expected"`
	dir      string
}

func (c *encCase) input(name string) (encFile, error) {
	in, ok := c.Inputs[name]
	if !ok {
		return encFile{}, fmt.Errorf("case %s has no input %q", c.ID, name)
	}
	return in, nil
}

// tensor reads a .npy input.
func (c *encCase) tensor(name string) (Tensor, error) {
	in, err := c.input(name)
	if err != nil {
		return Tensor{}, err
	}
	return readTensor(filepath.Join(c.dir, in.File))
}

// dense reads a 1-D or 2-D .npy input as a matrix (a 1-D array is one
// column).
func (c *encCase) dense(name string) (*mat.Dense, error) {
	t, err := c.tensor(name)
	if err != nil {
		return nil, err
	}
	switch len(t.Shape) {
	case 1:
		return mat.NewDense(t.Shape[0], 1, t.Data), nil
	case 2:
		return mat.NewDense(t.Shape[0], t.Shape[1], t.Data), nil
	}
	return nil, fmt.Errorf("input %s has shape %v, want 1-D or 2-D", name, t.Shape)
}

func (c *encCase) vector(name string) ([]float64, error) {
	t, err := c.tensor(name)
	if err != nil {
		return nil, err
	}
	return t.Data, nil
}

// jsonInput decodes a JSON input file.
func (c *encCase) jsonInput(name string, v any) error {
	in, err := c.input(name)
	if err != nil {
		return err
	}
	raw, err := os.ReadFile(filepath.Join(c.dir, in.File))
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, v)
}

func (c *encCase) param(name string, v any) (bool, error) {
	raw, ok := c.Params[name]
	if !ok || string(raw) == "null" {
		return false, nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return true, fmt.Errorf("case %s: parameter %s: %w", c.ID, name, err)
	}
	return true, nil
}

func (c *encCase) num(name string, def float64) float64 {
	var f float64
	if ok, err := c.param(name, &f); !ok || err != nil {
		return def
	}
	return f
}

func (c *encCase) flag(name string, def bool) bool {
	var b bool
	if ok, err := c.param(name, &b); !ok || err != nil {
		return def
	}
	return b
}

func (c *encCase) expects(name string) bool { _, ok := c.Expected[name]; return ok }

// rangeFolds builds folds from [start, stop) test ranges over n rows.
func rangeFolds(ranges [][2]int, n int) ([]encoding.Fold, error) {
	folds := make([]encoding.Fold, len(ranges))
	for k, r := range ranges {
		if r[0] < 0 || r[1] > n || r[0] >= r[1] {
			return nil, fmt.Errorf("fold range %v outside 0..%d", r, n)
		}
		for i := 0; i < n; i++ {
			if i >= r[0] && i < r[1] {
				folds[k].Test = append(folds[k].Test, i)
			} else {
				folds[k].Train = append(folds[k].Train, i)
			}
		}
	}
	return folds, nil
}

func ints(v []int) Tensor {
	f := make([]float64, len(v))
	for i, x := range v {
		f[i] = float64(x)
	}
	return Vec(f)
}

func tensorOf(m *mat.Dense) Tensor {
	r, c := m.Dims()
	t := FromMatrix(m)
	t.Shape = []int{r, c}
	return t
}

// encHandler runs one kind of case.
type encHandler func(ctx context.Context, c *encCase) (Result, error)

// encKind recognises a case by its expected outputs.
func encKind(c *encCase) (string, encHandler) {
	switch {
	case c.expects("pred_nipals") || c.expects("pred_svd"):
		return "pls", encPLS
	case c.expects("loo_mse"):
		return "loo", encLOO
	case c.expects("chosen_alpha_per_outer_fold"):
		return "nested", encNested
	case c.expects("ceiling_sb_per_split"):
		return "brainscore", encBrainScore
	case c.expects("r_even_odd") || c.expects("r_random_halves"):
		return "split_half", encSplitHalf
	case c.expects("cv_neg_mse") || c.expects("best_alpha_index"):
		return "ridge_cv", encRidgeCV
	case c.Inputs["X_train"].File != "" && (c.expects("coef") || c.expects("pred_test")):
		return "ridge_fixed", encRidgeFixed
	}
	return "", nil
}

func encRidgeFixed(ctx context.Context, c *encCase) (Result, error) {
	x, err := c.dense("X_train")
	if err != nil {
		return nil, err
	}
	y, err := c.dense("Y_train")
	if err != nil {
		return nil, err
	}
	var alphas []float64
	if _, ok := c.Inputs["alphas_per_target"]; ok {
		if alphas, err = c.vector("alphas_per_target"); err != nil {
			return nil, err
		}
	} else {
		a := c.num("alpha", math.NaN())
		if math.IsNaN(a) {
			return nil, fmt.Errorf("no alpha parameter nor alphas_per_target input")
		}
		alphas = []float64{a}
	}
	if c.flag("standardize_features", false) {
		return nil, fmt.Errorf("feature standardisation is not supported")
	}
	m, err := encoding.Ridge(ctx, data.Dense{M: x}, data.Dense{M: y}, alphas, &encoding.RidgeOptions{NoIntercept: !c.flag("fit_intercept", true)}, nil)
	if err != nil {
		return nil, err
	}
	res := Result{"intercept": Vec(m.Intercept)}
	coef, err := m.Coefficients(ctx)
	if err != nil {
		return nil, err
	}
	res["coef"] = tensorOf(coef)
	if _, ok := c.Inputs["X_test"]; ok {
		xt, err := c.dense("X_test")
		if err != nil {
			return nil, err
		}
		p, err := m.Predict(ctx, data.Dense{M: xt})
		if err != nil {
			return nil, err
		}
		res["pred_test"] = tensorOf(p)
	}
	return res, nil
}

func encRidgeCV(ctx context.Context, c *encCase) (Result, error) {
	x, err := c.dense("X")
	if err != nil {
		return nil, err
	}
	y, err := c.dense("Y")
	if err != nil {
		return nil, err
	}
	alphas, err := c.vector("alphas")
	if err != nil {
		return nil, err
	}
	if !c.flag("fit_intercept", true) || c.flag("standardize_features", false) || c.flag("shuffle", false) {
		return nil, fmt.Errorf("only fit_intercept=true, no standardisation, no shuffle are supported")
	}
	if ok, _ := c.param("local_alpha", new(bool)); ok && !c.flag("local_alpha", true) {
		return nil, fmt.Errorf("a shared alpha (local_alpha=false) is not supported")
	}
	n, _ := x.Dims()
	opt := &encoding.CVOptions{Alphas: alphas, K: int(c.num("K", 5))}
	var ranges [][2]int
	if ok, err := c.param("fold_test_ranges", &ranges); err != nil {
		return nil, err
	} else if ok {
		if opt.Folds, err = rangeFolds(ranges, n); err != nil {
			return nil, err
		}
	}
	var kernel string
	if ok, _ := c.param("kernel", &kernel); ok || c.expects("dual_coef") {
		opt.Form = encoding.Kernel
	}
	res, err := encoding.RidgeCV(ctx, data.Dense{M: x}, data.Dense{M: y}, opt, nil)
	if err != nil {
		return nil, err
	}
	if len(res.Excluded) > 0 {
		return nil, fmt.Errorf("targets %v excluded", res.Excluded)
	}
	_, t := y.Dims()
	K := len(res.Folds)
	atBest := make([]float64, t)
	for j := 0; j < t; j++ {
		atBest[j] = res.MeanScore.At(res.AlphaIndex[j], j)
	}
	out := Result{
		"best_alpha":              Vec(res.Alpha),
		"best_alpha_index":        ints(res.AlphaIndex),
		"cv_neg_mse":              Tensor{Shape: []int{K, len(alphas), t}, Data: res.Scores},
		"cv_mean_neg_mse_at_best": Vec(atBest),
		"oof_pred":                tensorOf(res.Predictions),
		"r2_pooled":               Vec(res.R2),
		"r2_foldmean":             Vec(res.R2FoldMean),
		"pearson_pooled":          Vec(res.R),
		"pearson_foldmean":        Vec(res.RFoldMean),
		"intercept":               Vec(res.Model.Intercept),
	}
	if c.expects("coef") {
		coef, err := res.Model.Coefficients(ctx)
		if err != nil {
			return nil, err
		}
		out["coef"] = tensorOf(coef)
	}
	if res.Model.Dual != nil {
		out["dual_coef"] = tensorOf(res.Model.Dual)
	}
	if _, ok := c.Inputs["X_test"]; ok {
		xt, err := c.dense("X_test")
		if err != nil {
			return nil, err
		}
		p, err := res.Model.Predict(ctx, data.Dense{M: xt})
		if err != nil {
			return nil, err
		}
		out["pred_test"] = tensorOf(p)
	}
	return out, nil
}

func encNested(ctx context.Context, c *encCase) (Result, error) {
	x, err := c.dense("X")
	if err != nil {
		return nil, err
	}
	y, err := c.dense("Y")
	if err != nil {
		return nil, err
	}
	alphas, err := c.vector("alphas")
	if err != nil {
		return nil, err
	}
	if !c.flag("fit_intercept", true) || c.flag("standardize_features", false) {
		return nil, fmt.Errorf("only fit_intercept=true without standardisation is supported")
	}
	n, _ := x.Dims()
	opt := &encoding.NestedOptions{Alphas: alphas, KOuter: int(c.num("K_outer", 5)), KInner: int(c.num("K_inner", 5))}
	var ranges [][2]int
	if ok, err := c.param("outer_fold_test_ranges", &ranges); err != nil {
		return nil, err
	} else if ok {
		if opt.OuterFolds, err = rangeFolds(ranges, n); err != nil {
			return nil, err
		}
	}
	var inner [][][2]int
	if ok, err := c.param("inner_fold_test_ranges_in_outer_train_coordinates", &inner); err != nil {
		return nil, err
	} else if ok {
		// The inner folds must be the contiguous KFold of each outer
		// training set, which NestedRidgeCV uses.
		for k, rs := range inner {
			f, err := encoding.KFold(len(opt.OuterFolds[k].Train), opt.KInner)
			if err != nil {
				return nil, err
			}
			if len(f) != len(rs) {
				return nil, fmt.Errorf("outer fold %d: %d inner folds given, K_inner = %d", k, len(rs), opt.KInner)
			}
			for q, r := range rs {
				if f[q].Test[0] != r[0] || f[q].Test[len(f[q].Test)-1] != r[1]-1 {
					return nil, fmt.Errorf("outer fold %d: inner fold %v is not contiguous KFold", k, r)
				}
			}
		}
	}
	res, err := encoding.NestedRidgeCV(ctx, data.Dense{M: x}, data.Dense{M: y}, opt, nil)
	if err != nil {
		return nil, err
	}
	return Result{
		"chosen_alpha_per_outer_fold": tensorOf(res.Alpha),
		"oof_pred":                    tensorOf(res.Predictions),
		"r2_pooled":                   Vec(res.R2),
		"r2_foldmean":                 Vec(res.R2FoldMean),
		"pearson_pooled":              Vec(res.R),
		"pearson_foldmean":            Vec(res.RFoldMean),
	}, nil
}

func encLOO(ctx context.Context, c *encCase) (Result, error) {
	x, err := c.dense("X")
	if err != nil {
		return nil, err
	}
	y, err := c.dense("Y")
	if err != nil {
		return nil, err
	}
	alphas, err := c.vector("alphas")
	if err != nil {
		return nil, err
	}
	if !c.flag("fit_intercept", true) || c.flag("standardize_features", false) {
		return nil, fmt.Errorf("only fit_intercept=true without standardisation is supported")
	}
	res, err := encoding.RidgeLOO(ctx, data.Dense{M: x}, data.Dense{M: y}, alphas, nil)
	if err != nil {
		return nil, err
	}
	coef, err := res.Model.Coefficients(ctx)
	if err != nil {
		return nil, err
	}
	return Result{
		"best_alpha":  Vec(res.Alpha),
		"loo_mse":     tensorOf(res.MSE),
		"loo_pred":    tensorOf(res.Predictions),
		"coef":        tensorOf(coef),
		"intercept":   Vec(res.Model.Intercept),
		"r2_loo":      Vec(res.R2),
		"pearson_loo": Vec(res.R),
	}, nil
}

func encPLS(ctx context.Context, c *encCase) (Result, error) {
	x, err := c.dense("X_train")
	if err != nil {
		return nil, err
	}
	y, err := c.dense("Y_train")
	if err != nil {
		return nil, err
	}
	xt, err := c.dense("X_test")
	if err != nil {
		return nil, err
	}
	if c.flag("scale", false) {
		return nil, fmt.Errorf("scaled PLS is not supported")
	}
	if mode := paramString(c, "mode", "A"); mode != "A" {
		return nil, fmt.Errorf("PLS mode %q is not supported", mode)
	}
	opt := encoding.PLSOptions{Components: int(c.num("n_components", 2)), MaxIter: int(c.num("max_iter", 500)), Tol: c.num("tol", 1e-6)}
	fit := func(y *mat.Dense, alg encoding.PLSAlgorithm) (*mat.Dense, []int, error) {
		o := opt
		o.Algorithm = alg
		m, err := encoding.PLS(ctx, x, y, o)
		if err != nil {
			return nil, nil, err
		}
		p, err := m.Predict(xt)
		return p, m.NIter, err
	}
	out := Result{}
	pn, iters, err := fit(y, encoding.NIPALS)
	if err != nil {
		return nil, err
	}
	out["pred_nipals"], out["n_iter_nipals"] = tensorOf(pn), ints(iters)
	ps, _, err := fit(y, encoding.ExactSVD)
	if err != nil {
		return nil, err
	}
	out["pred_svd"] = tensorOf(ps)
	if c.expects("pred_single_target") {
		p1, _, err := fit(mat.DenseCopyOf(y.Slice(0, y.RawMatrix().Rows, 0, 1)), encoding.NIPALS)
		if err != nil {
			return nil, err
		}
		out["pred_single_target"] = tensorOf(p1)
	}
	return out, nil
}

func paramString(c *encCase, name, def string) string {
	var s string
	if ok, err := c.param(name, &s); !ok || err != nil {
		return def
	}
	return s
}

// reps reads a [repetition, stimulus, target] input as one matrix per
// repetition.
func reps(c *encCase, name string) ([]data.Matrix, error) {
	t, err := c.tensor(name)
	if err != nil {
		return nil, err
	}
	if len(t.Shape) != 3 {
		return nil, fmt.Errorf("input %s has shape %v, want [repetition, stimulus, target]", name, t.Shape)
	}
	R, S, T := t.Shape[0], t.Shape[1], t.Shape[2]
	out := make([]data.Matrix, R)
	for r := 0; r < R; r++ {
		out[r] = data.Dense{M: mat.NewDense(S, T, t.Data[r*S*T:(r+1)*S*T])}
	}
	return out, nil
}

func halvesOf(pairs [][2][]int) []encoding.Halves {
	out := make([]encoding.Halves, len(pairs))
	for i, p := range pairs {
		out[i] = encoding.Halves{A: p[0], B: p[1]}
	}
	return out
}

func encSplitHalf(ctx context.Context, c *encCase) (Result, error) {
	if n := c.num("spearman_brown_n", 2); n != 2 {
		return nil, fmt.Errorf("Spearman-Brown n = %v is not supported", n)
	}
	rs, err := reps(c, "data")
	if err != nil {
		return nil, err
	}
	var h struct {
		EvenOdd [2][]int   `json:"even_odd"`
		Random  [][2][]int `json:"brainscore_shufflesplit_random_state_1"`
	}
	if err := c.jsonInput("halves", &h); err != nil {
		return nil, err
	}
	eo := encoding.EvenOddHalves(len(rs))
	if h.EvenOdd[0] != nil && (fmt.Sprint(eo.A) != fmt.Sprint(h.EvenOdd[0]) || fmt.Sprint(eo.B) != fmt.Sprint(h.EvenOdd[1])) {
		return nil, fmt.Errorf("even/odd halves %v differ from EvenOddHalves %v", h.EvenOdd, eo)
	}
	ce, err := encoding.SplitHalf(rs, []encoding.Halves{eo})
	if err != nil {
		return nil, err
	}
	cr, err := encoding.SplitHalf(rs, halvesOf(h.Random))
	if err != nil {
		return nil, err
	}
	return Result{
		"r_even_odd":               Vec(ce.R.RawRowView(0)),
		"sb_even_odd":              Vec(ce.RSB.RawRowView(0)),
		"r_random_halves":          tensorOf(cr.R),
		"sb_random_halves":         tensorOf(cr.RSB),
		"ceiling_median_per_split": Vec(cr.MedianPerSplit),
		"ceiling":                  Scalar(cr.Ceiling),
		"ceiling_per_target":       Vec(cr.PerTarget),
	}, nil
}

func encBrainScore(ctx context.Context, c *encCase) (Result, error) {
	x, err := c.dense("X")
	if err != nil {
		return nil, err
	}
	rs, err := reps(c, "data")
	if err != nil {
		return nil, err
	}
	var sp struct {
		Stimulus [][2][]int `json:"stimulus_splits_train_test"`
		Halves   [][2][]int `json:"repetition_halves"`
	}
	if err := c.jsonInput("splits", &sp); err != nil {
		return nil, err
	}
	if n := c.num("spearman_brown_n", 2); n != 2 {
		return nil, fmt.Errorf("Spearman-Brown n = %v is not supported", n)
	}
	if c.flag("pls_scale", false) {
		return nil, fmt.Errorf("scaled PLS is not supported")
	}
	ceil, err := encoding.SplitHalf(rs, halvesOf(sp.Halves))
	if err != nil {
		return nil, err
	}
	target, err := data.ReadAll(data.Mean{Parts: rs})
	if err != nil {
		return nil, err
	}
	splits := make([]encoding.Fold, len(sp.Stimulus))
	for i, s := range sp.Stimulus {
		splits[i] = encoding.Fold{Train: s[0], Test: s[1]}
	}
	out := Result{
		"ceiling_sb_per_split":     tensorOf(ceil.RSB),
		"ceiling_median_per_split": Vec(ceil.MedianPerSplit),
		"ceiling":                  Scalar(ceil.Ceiling),
		"ceiling_per_target":       Vec(ceil.PerTarget),
	}
	suffixes := []string{"_r_per_split", "_median_per_split", "_raw", "_score_current", "_score_legacy", "_score_per_target"}
	regs := map[string]bool{}
	for name := range c.Expected {
		for _, s := range suffixes {
			if strings.HasSuffix(name, s) && !strings.HasPrefix(name, "ceiling") {
				regs[strings.TrimSuffix(name, s)] = true
			}
		}
	}
	nc := int(c.num("n_components", 25))
	names := make([]string, 0, len(regs))
	for r := range regs {
		names = append(names, r)
	}
	sort.Strings(names)
	for _, name := range names {
		var reg encoding.Regressor
		switch {
		case strings.HasPrefix(name, "pls_nipals"):
			reg = encoding.PLSRegressor(encoding.PLSOptions{Components: nc, Algorithm: encoding.NIPALS})
		case strings.HasPrefix(name, "pls_svd"):
			reg = encoding.PLSRegressor(encoding.PLSOptions{Components: nc, Algorithm: encoding.ExactSVD})
		case strings.HasPrefix(name, "ridge"):
			if !c.flag("ridge_fit_intercept", true) {
				return nil, fmt.Errorf("ridge without intercept is not supported")
			}
			reg = encoding.RidgeRegressor(c.num("ridge_alpha", 1))
		default:
			return nil, fmt.Errorf("unknown regression %q", name)
		}
		p, err := encoding.CrossRegressedCorrelation(ctx, x, target, splits, reg, nil)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		s, err := encoding.Ceiled(p, ceil)
		if err != nil {
			return nil, err
		}
		out[name+"_r_per_split"] = tensorOf(p.R)
		out[name+"_median_per_split"] = Vec(p.MedianPerSplit)
		out[name+"_raw"] = Scalar(p.Raw)
		out[name+"_score_current"] = Scalar(s.Current)
		out[name+"_score_legacy"] = Scalar(s.Legacy)
		out[name+"_score_per_target"] = Scalar(s.PerTarget)
	}
	return out, nil
}

// encWant reads an expected output: a .npy array or a JSON list of
// numbers.
func encWant(c *encCase, e encExpected) (Tensor, error) {
	path := filepath.Join(c.dir, e.File)
	if e.Format == "json" || strings.HasSuffix(e.File, ".json") {
		raw, err := os.ReadFile(path)
		if err != nil {
			return Tensor{}, err
		}
		var v []float64
		if err := json.Unmarshal(raw, &v); err != nil {
			return Tensor{}, fmt.Errorf("%s: want a JSON list of numbers: %w", e.File, err)
		}
		return Vec(v), nil
	}
	return readTensor(path)
}

// encTolerance decodes {"rtol", "atol"} or "exact…" (rtol = atol = 0).
func encTolerance(raw json.RawMessage) (rtol, atol float64, err error) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if strings.HasPrefix(s, "exact") {
			return 0, 0, nil
		}
		return 0, 0, fmt.Errorf("unknown tolerance %q", s)
	}
	var t struct {
		Rtol *float64 `json:"rtol"`
		Atol *float64 `json:"atol"`
	}
	if err := json.Unmarshal(raw, &t); err != nil || t.Rtol == nil {
		return 0, 0, fmt.Errorf("unreadable tolerance %s", raw)
	}
	rtol = *t.Rtol
	if t.Atol != nil {
		atol = *t.Atol
	}
	return rtol, atol, nil
}

func runEncCase(ctx context.Context, c *encCase) (msg string) {
	kind, h := encKind(c)
	if h == nil {
		return "unsupported case (no handler recognises its outputs)"
	}
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprintf("%s: panic: %v", kind, r)
		}
	}()
	got, err := h(ctx, c)
	if err != nil {
		return kind + ": error: " + err.Error()
	}
	names := make([]string, 0, len(c.Expected))
	for n := range c.Expected {
		names = append(names, n)
	}
	sort.Strings(names)
	var bad []string
	for _, name := range names {
		e := c.Expected[name]
		want, err := encWant(c, e)
		if err != nil {
			return "expected " + name + ": " + err.Error()
		}
		rtol, atol, err := encTolerance(e.Tolerance)
		if err != nil {
			bad = append(bad, name+": "+err.Error())
			continue
		}
		g, ok := got[name]
		if !ok {
			bad = append(bad, name+": not computed")
			continue
		}
		if e.Shape != nil && len(g.Data) == prod(e.Shape) && len(g.Shape) > 0 && fmt.Sprint(g.Shape) != fmt.Sprint(e.Shape) && !(len(e.Shape) == 1 && prod(g.Shape) == e.Shape[0]) {
			bad = append(bad, fmt.Sprintf("%s: shape %v, want %v", name, g.Shape, e.Shape))
			continue
		}
		if m := compareTensor(g, want, rtol, atol); m != "" {
			bad = append(bad, name+": "+m)
		}
	}
	return strings.Join(bad, "; ")
}

// TestEncodingParity runs the encoding fixtures (himalaya, scikit-learn,
// Brain-Score) from ALIGNSCOPE_ENCODING_FIXTURES.
func TestEncodingParity(t *testing.T) {
	dir := fixtureDir("ALIGNSCOPE_ENCODING_FIXTURES", filepath.Join("..", "..", "shared", "fixtures", "encoding"))
	raw, err := os.ReadFile(filepath.Join(dir, "cases.json"))
	if err != nil {
		t.Fatalf("parity encoding: %v (set ALIGNSCOPE_ENCODING_FIXTURES)", err)
	}
	var manifest struct {
		Cases []*encCase `json:"cases"`
	}
	if err := json.Unmarshal(raw, &manifest); err != nil {
		t.Fatalf("parity encoding: cases.json: %v", err)
	}
	ctx := context.Background()
	pass := 0
	var failed []string
	for _, c := range manifest.Cases {
		c.dir = dir
		if msg := runEncCase(ctx, c); msg != "" {
			failed = append(failed, c.ID)
			t.Errorf("%s: %s", c.ID, msg)
			continue
		}
		pass++
	}
	t.Logf("parity encoding: %d/%d cases within tolerance", pass, len(manifest.Cases))
	if len(manifest.Cases) == 0 {
		t.Errorf("parity encoding: no cases in %s", dir)
	}
	if len(failed) > 0 {
		sort.Strings(failed)
		t.Errorf("parity encoding: out of tolerance or unsupported: %s", strings.Join(failed, " "))
	}
}
