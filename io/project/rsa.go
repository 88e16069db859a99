package project

import (
	"bytes"
	"context"
	"errors"
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

	"github.com/alignscope/alignscope/core/compare"
	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/inference"
	"github.com/alignscope/alignscope/core/job"
	"github.com/alignscope/alignscope/core/rdm"
	"github.com/alignscope/alignscope/core/rsa"
	"github.com/alignscope/alignscope/io/export"
	"github.com/alignscope/alignscope/io/npy"
)

// KindRSA is the kind of a representational similarity analysis
// (core/rsa): Spec is an rsa.Spec, Result an *rsa.Result.
const KindRSA = "rsa"

func init() {
	Register(&Kind{
		Name:        KindRSA,
		Title:       "Representational similarity analysis",
		Settings:    rsaSettingsOf,
		Decode:      rsaDecode,
		Key:         func(spec any) (string, error) { s, err := rsaSpec(spec); return s.Key(), err },
		Run:         rsaRun,
		WriteResult: rsaWriteResult,
		ReadResult:  rsaReadResult,
		WriteTables: rsaWriteTables,
		Tables:      rsaTables,
		Methods:     rsaMethods,
		Summary:     rsaSummary,
	})
}

// schemeWords are the settings file's names of the inference schemes.
var schemeWords = map[inference.Scheme]string{
	inference.Fixed:    "fixed",
	inference.Stimuli:  "bootstrap-stimuli",
	inference.Subjects: "bootstrap-subjects",
	inference.Both:     "bootstrap-both",
	inference.Dual:     "dual-bootstrap",
}

// SchemeWord is the settings file's name of an inference scheme.
func SchemeWord(s inference.Scheme) string { return schemeWords[s] }

// rsaSettings is the [analyses.settings] table of an RSA analysis.
type rsaSettings struct {
	// Layers are [model, layer] pairs.
	Layers   [][]string `toml:"layers"`
	Regions  []string   `toml:"regions"`
	Subjects []string   `toml:"subjects"`
	Distance string     `toml:"distance"`
	Compare  string     `toml:"compare"`
	// Inference is a SchemeWord.
	Inference string `toml:"inference"`
	Samples   *int   `toml:"samples"`
	// Seed is an integer (a string for seeds ≥ 2⁶³).
	Seed       any    `toml:"seed"`
	Correction string `toml:"correction"`
}

func rsaSpec(spec any) (rsa.Spec, error) {
	switch s := spec.(type) {
	case rsa.Spec:
		return s, nil
	case *rsa.Spec:
		return *s, nil
	}
	return rsa.Spec{}, fmt.Errorf("an RSA analysis needs an rsa.Spec, not %T", spec)
}

func rsaResult(res any) (*rsa.Result, error) {
	r, ok := res.(*rsa.Result)
	if !ok || r == nil {
		return nil, fmt.Errorf("an RSA result must be an *rsa.Result, not %T", res)
	}
	return r, nil
}

func seedValue(seed uint64) any {
	if seed > math.MaxInt64 {
		return strconv.FormatUint(seed, 10)
	}
	return int64(seed)
}

func parseSeed(v any) (uint64, error) {
	switch s := v.(type) {
	case int64:
		if s < 0 {
			return 0, fmt.Errorf("seed %d is negative", s)
		}
		return uint64(s), nil
	case string:
		u, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("seed %q is not a whole number from 0 to 2⁶⁴−1", s)
		}
		return u, nil
	}
	return 0, fmt.Errorf("seed %v is not a whole number", v)
}

func rsaSettingsOf(spec any) (any, error) {
	s, err := rsaSpec(spec)
	if err != nil {
		return nil, err
	}
	word, ok := schemeWords[s.Scheme]
	if !ok {
		return nil, fmt.Errorf("unknown inference scheme %d", s.Scheme)
	}
	out := rsaSettings{Regions: s.Regions, Subjects: s.Subjects, Distance: s.Distance, Compare: s.Compare,
		Inference: word, Samples: &s.Samples, Seed: seedValue(s.Seed), Correction: s.Correction}
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
	return out, nil
}

func rsaDecode(decode func(any) error, line func(string) int) (any, error) {
	var in rsaSettings
	if err := decode(&in); err != nil {
		return nil, err
	}
	bad := func(key, format string, args ...any) error {
		return &lineError{line: line(key), msg: fmt.Sprintf(format, args...)}
	}
	var s rsa.Spec
	var err error
	if s.Layers, s.Regions, s.Subjects, err = decodeSelection(in.Layers, in.Regions, in.Subjects, bad); err != nil {
		return nil, err
	}
	switch in.Distance {
	case "correlation", "euclidean":
		s.Distance = in.Distance
	case "":
		return nil, bad("distance", "distance is missing (correlation or euclidean)")
	default:
		return nil, bad("distance", "distance %q: use correlation or euclidean", in.Distance)
	}
	if in.Compare == "" {
		return nil, bad("compare", "compare is missing (%s)", strings.Join(compare.Methods, ", "))
	}
	if !slices.Contains(compare.Methods, in.Compare) {
		return nil, bad("compare", "compare %q: use one of %s", in.Compare, strings.Join(compare.Methods, ", "))
	}
	s.Compare = in.Compare
	found := false
	for sc, w := range schemeWords {
		if w == in.Inference {
			s.Scheme, found = sc, true
		}
	}
	if !found {
		return nil, bad("inference", "inference %q: use fixed, bootstrap-stimuli, bootstrap-subjects, bootstrap-both or dual-bootstrap", in.Inference)
	}
	if in.Samples == nil {
		return nil, bad("samples", "samples is missing (the number of bootstrap samples)")
	}
	if *in.Samples < 0 || *in.Samples > inference.MaxSamples {
		return nil, bad("samples", "samples = %d: use 0 to %d", *in.Samples, inference.MaxSamples)
	}
	s.Samples = *in.Samples
	if in.Seed == nil {
		return nil, bad("seed", "seed is missing (the random seed of the bootstrap)")
	}
	seed, err := parseSeed(in.Seed)
	if err != nil {
		return nil, bad("seed", "%v", err)
	}
	s.Seed = seed
	switch in.Correction {
	case "fdr", "bonferroni":
		s.Correction = in.Correction
	case "":
		return nil, bad("correction", "correction is missing (fdr or bonferroni)")
	default:
		return nil, bad("correction", "correction %q: use fdr or bonferroni", in.Correction)
	}
	return s, nil
}

// lineError is a kind's settings error with its line; parse turns it
// into a FormatError.
type lineError struct {
	line int
	msg  string
}

func (e *lineError) Error() string { return e.msg }

func rsaRun(ctx context.Context, p *data.Project, spec any, rep *job.Reporter) (any, error) {
	s, err := rsaSpec(spec)
	if err != nil {
		return nil, err
	}
	return rsa.Run(ctx, p, s, rep)
}

// The cached result: result.toml holds the names, counts and settings,
// result.npz every number (bit for bit), table.csv the exported table.
type rsaMeta struct {
	Kind    string           `toml:"kind"`
	N       int              `toml:"n"`
	Models  []rsaRDMMeta     `toml:"models"`
	Regions []rsaRegionMeta  `toml:"regions"`
	Extra   map[string]int64 `toml:"extra,omitempty"`
}

type rsaRDMMeta struct {
	Method    string `toml:"method"`
	HasLabels bool   `toml:"labels,omitempty"`
}

type rsaRegionMeta struct {
	Region   string       `toml:"region"`
	Subjects []string     `toml:"subjects"`
	Data     []rsaRDMMeta `toml:"data"`
	Error    string       `toml:"error,omitempty"`
	Eval     *rsaEvalMeta `toml:"eval,omitempty"`
}

type rsaEvalMeta struct {
	Method     string `toml:"method"`
	Scheme     string `toml:"scheme"`
	Test       int    `toml:"test"`
	Samples    int    `toml:"samples"`
	Valid      int    `toml:"valid"`
	Seed       any    `toml:"seed"`
	DoF        int    `toml:"dof"`
	NSubjects  int    `toml:"n_subjects"`
	NStimuli   int    `toml:"n_stimuli"`
	PerSubject int    `toml:"per_subject"`
	// Which optional matrices were stored.
	Has []string `toml:"has"`
}

// npzOut collects arrays for result.npz.
type npzOut struct {
	z   *npy.NPZWriter
	err error
}

func (o *npzOut) put(name string, shape []int, vals []float64) {
	if o.err != nil {
		return
	}
	w, err := o.z.Create(name)
	if err == nil {
		err = npy.WriteNPY(w, shape, vals)
	}
	o.err = err
}

func (o *npzOut) dense(name string, m *mat.Dense) {
	r, c := m.Dims()
	vals := make([]float64, 0, r*c)
	for i := 0; i < r; i++ {
		vals = append(vals, m.RawRowView(i)...)
	}
	o.put(name, []int{r, c}, vals)
}

func (o *npzOut) sym(name string, m *mat.SymDense) {
	k := m.SymmetricDim()
	vals := make([]float64, 0, k*k)
	for i := 0; i < k; i++ {
		for j := 0; j < k; j++ {
			vals = append(vals, m.At(i, j))
		}
	}
	o.put(name, []int{k, k}, vals)
}

func emptyDense(m *mat.Dense) bool {
	if m == nil || m.IsEmpty() {
		return true
	}
	r, c := m.Dims()
	return r == 0 || c == 0
}

func rsaWriteResult(create func(string) (io.Writer, error), res any) error {
	r, err := rsaResult(res)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	o := &npzOut{z: npy.NewNPZWriter(&buf)}
	meta := rsaMeta{Kind: KindRSA, N: r.N}
	rdms := func(prefix string, rs []*rdm.RDM) []rsaRDMMeta {
		out := make([]rsaRDMMeta, len(rs))
		if len(rs) == 0 {
			return out
		}
		P := len(rs[0].Vec)
		vals := make([]float64, 0, len(rs)*P)
		for i, d := range rs {
			if len(d.Vec) != P {
				o.err = fmt.Errorf("%s RDM %d has %d values, the first %d", prefix, i+1, len(d.Vec), P)
				return out
			}
			vals = append(vals, d.Vec...)
			out[i] = rsaRDMMeta{Method: d.Method, HasLabels: d.Labels != nil}
			if d.Labels != nil {
				o.put(fmt.Sprintf("%s_labels_%d", prefix, i), []int{len(d.Labels)}, d.Labels)
			}
		}
		o.put(prefix, []int{len(rs), P}, vals)
		return out
	}
	meta.Models = rdms("models", r.Models)
	for ri, rr := range r.Regions {
		pre := fmt.Sprintf("r%d_", ri)
		rm := rsaRegionMeta{Region: rr.Region, Subjects: rr.Subjects}
		if rm.Subjects == nil {
			rm.Subjects = []string{}
		}
		rm.Data = rdms(pre+"data", rr.Data)
		if rr.Err != nil {
			rm.Error = rr.Err.Error()
		}
		if ev := rr.Eval; ev != nil {
			st := ev.Settings
			em := &rsaEvalMeta{Method: st.Method, Scheme: schemeWords[st.Scheme], Test: int(st.Test), Samples: st.Samples,
				Valid: st.Valid, Seed: seedValue(st.Seed), DoF: st.DoF, NSubjects: st.Subjects, NStimuli: st.Stimuli, Has: []string{}}
			k := len(ev.Models)
			S := 0
			if k > 0 {
				S = len(ev.Models[0].PerSubject)
			}
			em.PerSubject = S
			scores := make([]float64, 0, 7*k)
			per := make([]float64, 0, k*S)
			for i, m := range ev.Models {
				if len(m.PerSubject) != S {
					return fmt.Errorf("region %s: model %d has %d per-subject scores, model 1 %d", rr.Region, i+1, len(m.PerSubject), S)
				}
				scores = append(scores, m.Mean, m.Observed, m.SE, m.CILow, m.CIHigh, m.PZero, m.PNoise)
				per = append(per, m.PerSubject...)
			}
			o.put(pre+"scores", []int{k, 7}, scores)
			o.put(pre+"per_subject", []int{k, S}, per)
			o.put(pre+"ceiling", []int{4}, []float64{ev.NoiseCeiling.Lower, ev.NoiseCeiling.Upper,
				ev.ObservedCeiling.Lower, ev.ObservedCeiling.Upper})
			has := func(name string) { em.Has = append(em.Has, name) }
			if ev.Var.Model != nil {
				o.put(pre+"var_model", []int{len(ev.Var.Model)}, ev.Var.Model)
				has("var_model")
			}
			if ev.Var.Noise != nil {
				o.put(pre+"var_noise", []int{len(ev.Var.Noise)}, ev.Var.Noise)
				has("var_noise")
			}
			for _, sm := range []struct {
				name string
				m    *mat.SymDense
			}{{"var_diff", ev.Var.Diff}, {"ppair", ev.PPair}, {"ppair_fdr", ev.PPairFDR}, {"ppair_bonferroni", ev.PPairBonferroni}} {
				if sm.m != nil {
					o.sym(pre+sm.name, sm.m)
					has(sm.name)
				}
			}
			for _, dm := range []struct {
				name string
				m    *mat.Dense
			}{{"samples", ev.Samples}, {"ceiling_samples", ev.CeilingSamples}} {
				switch {
				case dm.m == nil:
				case emptyDense(dm.m):
					has(dm.name + "_empty")
				default:
					o.dense(pre+dm.name, dm.m)
					has(dm.name)
				}
			}
			rm.Eval = em
		}
		meta.Regions = append(meta.Regions, rm)
	}
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
	w, err = create("result.toml")
	if err != nil {
		return err
	}
	enc := toml.NewEncoder(w)
	enc.Indent = ""
	return enc.Encode(meta)
}

// npzIn reads arrays of result.npz.
type npzIn struct {
	f   *npy.File
	err error
}

func (in *npzIn) read(name string, shape ...int) []float64 {
	if in.err != nil {
		return nil
	}
	a := in.f.Array(name)
	if a == nil {
		in.err = fmt.Errorf("result.npz has no array %q", name)
		return nil
	}
	if !slices.Equal(a.Shape, shape) {
		in.err = fmt.Errorf("result.npz: array %q has shape %v, expected %v", name, a.Shape, shape)
		return nil
	}
	n := 1
	for _, d := range shape {
		n *= d
	}
	if n == 0 {
		return []float64{}
	}
	v, err := a.Matrix()
	if err != nil {
		in.err = err
		return nil
	}
	m, err := data.ReadAll(v)
	if err != nil {
		in.err = err
		return nil
	}
	r, c := m.Dims()
	out := make([]float64, 0, r*c)
	for i := 0; i < r; i++ {
		out = append(out, m.RawRowView(i)...)
	}
	return out
}

func (in *npzIn) dense(name string, r, c int) *mat.Dense {
	v := in.read(name, r, c)
	if in.err != nil {
		return nil
	}
	if r == 0 || c == 0 {
		return &mat.Dense{}
	}
	return mat.NewDense(r, c, v)
}

func (in *npzIn) sym(name string, k int) *mat.SymDense {
	v := in.read(name, k, k)
	if in.err != nil {
		return nil
	}
	if k == 0 {
		return &mat.SymDense{}
	}
	return mat.NewSymDense(k, v)
}

func (in *npzIn) shapeOf(name string) []int {
	if a := in.f.Array(name); a != nil {
		return a.Shape
	}
	return nil
}

func rsaReadResult(fsys fs.FS, spec any) (any, error) {
	s, err := rsaSpec(spec)
	if err != nil {
		return nil, err
	}
	text, err := fs.ReadFile(fsys, "result.toml")
	if err != nil {
		return nil, err
	}
	var meta rsaMeta
	if _, err := toml.Decode(string(text), &meta); err != nil {
		return nil, decodeErr("result.toml", err)
	}
	if meta.Kind != KindRSA {
		return nil, fmt.Errorf("result.toml: kind %q, expected rsa", meta.Kind)
	}
	f, err := npy.OpenFS(fsys, "result.npz")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	in := &npzIn{f: f}
	P := meta.N * (meta.N - 1) / 2
	rdms := func(prefix string, ms []rsaRDMMeta) []*rdm.RDM {
		if len(ms) == 0 {
			return nil
		}
		vals := in.read(prefix, len(ms), P)
		if in.err != nil {
			return nil
		}
		out := make([]*rdm.RDM, len(ms))
		for i, m := range ms {
			out[i] = &rdm.RDM{N: meta.N, Vec: vals[i*P : (i+1)*P : (i+1)*P], Method: m.Method}
			if m.HasLabels {
				name := fmt.Sprintf("%s_labels_%d", prefix, i)
				out[i].Labels = in.read(name, in.shapeOf(name)...)
			}
		}
		return out
	}
	r := &rsa.Result{Spec: s, N: meta.N}
	if len(meta.Models) != len(s.Layers) {
		return nil, fmt.Errorf("result.toml: %d model RDMs for %d layers", len(meta.Models), len(s.Layers))
	}
	r.Models = rdms("models", meta.Models)
	for ri, rm := range meta.Regions {
		pre := fmt.Sprintf("r%d_", ri)
		rr := &rsa.RegionResult{Region: rm.Region, Subjects: rm.Subjects}
		if len(rr.Subjects) == 0 {
			rr.Subjects = nil
		}
		rr.Data = rdms(pre+"data", rm.Data)
		if rm.Error != "" {
			rr.Err = errors.New(rm.Error)
		}
		if em := rm.Eval; em != nil {
			k, S := len(s.Layers), em.PerSubject
			ev := &inference.Result{Settings: inference.Settings{Method: em.Method, Test: inference.Test(em.Test),
				Samples: em.Samples, Valid: em.Valid, DoF: em.DoF, Subjects: em.NSubjects, Stimuli: em.NStimuli}}
			found := false
			for sc, w := range schemeWords {
				if w == em.Scheme {
					ev.Settings.Scheme, found = sc, true
				}
			}
			if !found {
				return nil, fmt.Errorf("result.toml: region %s: unknown scheme %q", rm.Region, em.Scheme)
			}
			if ev.Settings.Seed, err = parseSeed(em.Seed); err != nil {
				return nil, fmt.Errorf("result.toml: region %s: %w", rm.Region, err)
			}
			scores := in.read(pre+"scores", k, 7)
			per := in.read(pre+"per_subject", k, S)
			ceil := in.read(pre+"ceiling", 4)
			if in.err != nil {
				return nil, in.err
			}
			ev.Models = make([]inference.ModelScore, k)
			for i := range ev.Models {
				x := scores[7*i : 7*i+7]
				ev.Models[i] = inference.ModelScore{Mean: x[0], Observed: x[1], SE: x[2], CILow: x[3], CIHigh: x[4],
					PZero: x[5], PNoise: x[6], PerSubject: slices.Clone(per[S*i : S*i+S])}
			}
			ev.NoiseCeiling = inference.Ceiling{Lower: ceil[0], Upper: ceil[1]}
			ev.ObservedCeiling = inference.Ceiling{Lower: ceil[2], Upper: ceil[3]}
			has := func(n string) bool { return slices.Contains(em.Has, n) }
			if has("var_model") {
				ev.Var.Model = in.read(pre+"var_model", k)
			}
			if has("var_noise") {
				ev.Var.Noise = in.read(pre+"var_noise", k)
			}
			if has("var_diff") {
				ev.Var.Diff = in.sym(pre+"var_diff", k)
			}
			if has("ppair") {
				ev.PPair = in.sym(pre+"ppair", k)
			}
			if has("ppair_fdr") {
				ev.PPairFDR = in.sym(pre+"ppair_fdr", k)
			}
			if has("ppair_bonferroni") {
				ev.PPairBonferroni = in.sym(pre+"ppair_bonferroni", k)
			}
			if has("samples") {
				sh := in.shapeOf(pre + "samples")
				if len(sh) != 2 {
					return nil, fmt.Errorf("result.npz: %ssamples is not a matrix", pre)
				}
				ev.Samples = in.dense(pre+"samples", sh[0], sh[1])
			} else if has("samples_empty") {
				ev.Samples = &mat.Dense{}
			}
			if has("ceiling_samples") {
				sh := in.shapeOf(pre + "ceiling_samples")
				if len(sh) != 2 {
					return nil, fmt.Errorf("result.npz: %sceiling_samples is not a matrix", pre)
				}
				ev.CeilingSamples = in.dense(pre+"ceiling_samples", sh[0], sh[1])
			} else if has("ceiling_samples_empty") {
				ev.CeilingSamples = &mat.Dense{}
			}
			rr.Eval = ev
		}
		if in.err != nil {
			return nil, in.err
		}
		r.Regions = append(r.Regions, rr)
	}
	if in.err != nil {
		return nil, in.err
	}
	if len(r.Regions) != len(s.Regions) {
		return nil, fmt.Errorf("result.toml: %d regions for the %d of the settings", len(r.Regions), len(s.Regions))
	}
	return r, nil
}

// RSATableFile is the name of the CSV table an RSA analysis writes.
const RSATableFile = "rsa-table.csv"

func rsaWriteTables(dir string, res any) ([]string, error) {
	r, err := rsaResult(res)
	if err != nil {
		return nil, err
	}
	p := filepath.Join(dir, RSATableFile)
	if err := export.WriteRSATable(p, r.Table()); err != nil {
		return nil, err
	}
	return []string{p}, nil
}

func fmtNum(v float64) string {
	switch {
	case math.IsNaN(v):
		return "–"
	case math.IsInf(v, 1):
		return "∞"
	case math.IsInf(v, -1):
		return "−∞"
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}

func fmtP(p float64) string {
	if !math.IsNaN(p) && p < 0.001 {
		return "< 0.001"
	}
	return fmtNum(p)
}

func rsaTables(res any) []Table {
	r, err := rsaResult(res)
	if err != nil {
		return nil
	}
	corr := "FDR"
	if r.Spec.Correction == "bonferroni" {
		corr = "Bonferroni"
	}
	t := Table{Name: "rsa-table", Title: "RSA scores",
		Header: []string{"model", "layer", "region", "score", "95% CI", "SE", "p", "p (" + corr + ")", "p vs ceiling", "noise ceiling", "subjects"},
		Caption: "Score: mean RDM similarity (" + r.Spec.Compare + "); p: one-sided test of score > 0, uncorrected and corrected over the layers of each region; " +
			"p vs ceiling: two-sided test against the lower bound of the noise ceiling, uncorrected."}
	for _, row := range r.Table() {
		t.Rows = append(t.Rows, []string{row.Model, row.Layer, row.Region, fmtNum(row.Score),
			"[" + fmtNum(row.CILow) + ", " + fmtNum(row.CIHigh) + "]", fmtNum(row.SE), fmtP(row.P), fmtP(row.PCorrected),
			fmtP(row.PNoise), fmtNum(row.CeilingLow) + "–" + fmtNum(row.CeilingHigh), strconv.Itoa(row.Subjects)})
	}
	for _, rr := range r.Regions {
		if rr.Err != nil {
			t.Caption += " Region " + rr.Region + " could not be evaluated: " + rr.Err.Error() + "."
		}
	}
	return []Table{t}
}

var (
	distanceWords = map[string]string{
		"correlation": "the correlation distance (1 − Pearson r between the response patterns of two stimuli)",
		"euclidean":   "the squared Euclidean distance between response patterns divided by the number of channels",
	}
	compareWords = map[string]string{
		"spearman":      "Spearman's rank correlation",
		"tau-a":         "Kendall's τa",
		"corr":          "the Pearson correlation",
		"cosine":        "the cosine similarity",
		"rho-a":         "Spearman's ρa (rank correlation without tie correction)",
		"kendall":       "Kendall's τb",
		"corr_cov":      "the Pearson correlation whitened by the covariance of RDM entries (Diedrichsen et al., 2021)",
		"cosine_cov":    "the cosine similarity whitened by the covariance of RDM entries (Diedrichsen et al., 2021)",
		"bures":         "the Bures similarity",
		"bures_metric":  "the Bures metric",
		"neg_riem_dist": "the negative Riemannian distance",
	}
	schemeSentences = map[inference.Scheme]string{
		inference.Stimuli:  "a bootstrap over stimuli, so that conclusions generalise to new stimuli from the same population",
		inference.Subjects: "a bootstrap over subjects, so that conclusions generalise to new subjects",
		inference.Both:     "a bootstrap over stimuli and subjects together, so that conclusions generalise to new stimuli and new subjects",
		inference.Dual:     "the corrected dual bootstrap over stimuli and subjects (Schütt et al., 2023)",
	}
)

func orWord(m map[string]string, k string) string {
	if w, ok := m[k]; ok {
		return w
	}
	return k
}

// listNames writes "a, b and c".
func listNames(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}

func layersText(ls []rsa.LayerRef) string {
	var models []string
	per := map[string][]string{}
	for _, l := range ls {
		if _, ok := per[l.Model]; !ok {
			models = append(models, l.Model)
		}
		per[l.Model] = append(per[l.Model], l.Layer)
	}
	parts := make([]string, len(models))
	for i, m := range models {
		parts[i] = m + ": " + strings.Join(per[m], ", ")
	}
	return strings.Join(parts, "; ")
}

func rsaMethods(specAny, resAny any, software string) string {
	s, err := rsaSpec(specAny)
	if err != nil {
		return ""
	}
	r, _ := resAny.(*rsa.Result)
	var b strings.Builder
	fmt.Fprintf(&b, "Representational similarity analysis (RSA; Kriegeskorte et al., 2008) was performed in %s. ", software)
	stim := "the stimuli"
	if r != nil {
		stim = fmt.Sprintf("the %d stimuli", r.N)
	}
	subj := "every subject with the region"
	if len(s.Subjects) > 0 {
		subj = fmt.Sprintf("%d %s (%s)", len(s.Subjects), plural(len(s.Subjects), "subject", "subjects"), listNames(s.Subjects))
	}
	fmt.Fprintf(&b, "Representational dissimilarity matrices (RDMs) over %s were computed with %s for %d model %s (%s) and for %s %s in %s. ",
		stim, orWord(distanceWords, s.Distance), len(s.Layers), plural(len(s.Layers), "layer", "layers"), layersText(s.Layers),
		plural(len(s.Regions), "the brain region", "the brain regions"), listNames(s.Regions), subj)
	if r != nil {
		var pre []string
		for i, m := range r.Models {
			if m != nil && m.Method == "precomputed" {
				pre = append(pre, s.Layers[i].String())
			}
		}
		for _, rr := range r.Regions {
			for j, d := range rr.Data {
				if d != nil && d.Method == "precomputed" && j < len(rr.Subjects) {
					pre = append(pre, rr.Subjects[j]+"/"+rr.Region)
				}
			}
		}
		if len(pre) > 0 {
			fmt.Fprintf(&b, "Precomputed RDMs were used as provided for %s. ", listNames(pre))
		}
	}
	fmt.Fprintf(&b, "Each model RDM was compared with each subject's data RDM using %s. ", orWord(compareWords, s.Compare))
	corr := "the Benjamini–Hochberg false discovery rate (FDR)"
	if s.Correction == "bonferroni" {
		corr = "Bonferroni correction"
	}
	if s.Scheme == inference.Fixed {
		b.WriteString("Inference treated subjects as the only random effect (fixed stimuli, no resampling; rsatoolbox eval_fixed): " +
			"a layer's score is the mean over subjects, its 95 % confidence interval the t-interval and its tests t-tests with " +
			"the number of subjects minus one degrees of freedom; conclusions hold for these stimuli. ")
	} else {
		fmt.Fprintf(&b, "Uncertainty was estimated with %s, drawing %d bootstrap samples (random seed %d", schemeSentences[s.Scheme], s.Samples, s.Seed)
		if r != nil && len(r.Regions) > 0 && r.Regions[0].Eval != nil {
			fmt.Fprintf(&b, "; %d valid samples", r.Regions[0].Eval.Settings.Valid)
		}
		b.WriteString("); 95 % confidence intervals are the 2.5th and 97.5th percentiles of the bootstrap distribution, and the bootstrap variances, ")
		if s.Scheme == inference.Dual {
			b.WriteString("combined over the three bootstraps with the small-sample correction of Schütt et al. (2023), ")
		} else {
			b.WriteString("with the small-sample correction n/(n − 1) for the n resampled units, ")
		}
		dof := "whose degrees of freedom are the number of resampled units minus one"
		if r != nil && len(r.Regions) > 0 && r.Regions[0].Eval != nil {
			if d := r.Regions[0].Eval.Settings.DoF; d > 0 {
				dof = fmt.Sprintf("with %d degrees of freedom (the number of resampled units minus one)", d)
			}
		}
		b.WriteString("entered t-tests " + dof + ". ")
	}
	fmt.Fprintf(&b, "Each layer's score was tested against zero (one-sided) and against the lower bound of the noise ceiling (two-sided), "+
		"and every pair of layers was compared with a two-sided test of their difference; p-values were corrected for multiple comparisons "+
		"with %s across the layers of each region (tests against zero and against the ceiling) and across the pairs of layers "+
		"(pairwise tests), at α = 0.05. ", corr)
	switch {
	case len(s.Subjects) == 1:
		b.WriteString("With a single subject, no noise ceiling was estimated. ")
	default:
		fmt.Fprintf(&b, "The noise ceiling was estimated by leaving out one subject at a time (Nili et al., 2014): its lower bound is "+
			"the mean %s between each subject's RDM and the average RDM of the other subjects, its upper bound the same with the average "+
			"of all subjects. ", strings.TrimPrefix(orWord(compareWords, s.Compare), "the "))
	}
	b.WriteString("The computations follow the definitions of rsatoolbox (Schütt et al., 2023).")
	return b.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func rsaSummary(spec any) string {
	s, err := rsaSpec(spec)
	if err != nil {
		return "RSA"
	}
	inf := "fixed (no bootstrap)"
	if s.Scheme != inference.Fixed {
		inf = fmt.Sprintf("%s, %d samples, seed %d", s.Scheme, s.Samples, s.Seed)
	}
	subj := "all subjects"
	if len(s.Subjects) > 0 {
		subj = fmt.Sprintf("%d %s", len(s.Subjects), plural(len(s.Subjects), "subject", "subjects"))
	}
	return fmt.Sprintf("RSA · %d %s × %d %s · %s · %s distance · %s · %s · %s", len(s.Layers), plural(len(s.Layers), "layer", "layers"),
		len(s.Regions), plural(len(s.Regions), "region", "regions"), subj, s.Distance, s.Compare, inf, strings.ToUpper(s.Correction))
}
