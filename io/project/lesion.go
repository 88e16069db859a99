package project

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/alignscope/alignscope/core/compare"
	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/decode"
	"github.com/alignscope/alignscope/core/encoding"
	"github.com/alignscope/alignscope/core/inference"
	"github.com/alignscope/alignscope/core/job"
	"github.com/alignscope/alignscope/core/lesion"
	"github.com/alignscope/alignscope/core/rdm"
	"github.com/alignscope/alignscope/core/rsa"
	"github.com/alignscope/alignscope/core/voxelwise"
	"github.com/alignscope/alignscope/io/export"
	"github.com/alignscope/alignscope/io/npy"
)

// KindLesion is the kind of an in silico lesion analysis (core/lesion,
// the Lesions page): Spec is a LesionSettings, Result a *lesion.Result,
// cached bit for bit (every effect's curve, null band, p-values and
// random draws, and the RDMs and decoding results before and after).
const KindLesion = "lesion"

func init() {
	Register(&Kind{
		Name:        KindLesion,
		Title:       "In silico lesions",
		Settings:    lesionSettingsOf,
		Decode:      lesionDecode,
		Key:         func(spec any) (string, error) { s, err := lesionSettings(spec); return s.Key(), err },
		Run:         lesionRun,
		WriteResult: lesionWriteResult,
		ReadResult:  lesionReadResult,
		WriteTables: lesionWriteTables,
		Tables:      lesionTables,
		Methods:     lesionMethods,
		Summary:     lesionSummary,
	})
}

// The lesion plans of LesionSettings.Plan.
const (
	// LesionSelective silences the units most selective for a
	// descriptor contrast first (|d′| of Level against the rest, or of
	// the first two levels; one-way F over all levels with more).
	LesionSelective = "selective"
	// LesionLeastSelective silences the least selective units first.
	LesionLeastSelective = "least-selective"
	// LesionVariance silences the highest-variance units first.
	LesionVariance = "variance"
	// LesionSelectiveChannels silences whole channels of a C×H×W layer,
	// ranked by their units' mean selectivity.
	LesionSelectiveChannels = "selective-channels"
	// LesionRandomChannels silences whole channels in a random (seeded)
	// order.
	LesionRandomChannels = "random-channels"
	// LesionWeights silences the units with the largest encoding
	// weights for WeightRegion first: per subject with the region, ridge
	// from the layer to the region's targets (penalties
	// LesionWeightAlphas, one per target by LesionWeightFolds-fold
	// cross-validation), a unit's weight being its mean |β| over the
	// targets, summed over subjects (core/voxelwise.UnitWeights).
	LesionWeights = "weights"
	// LesionUnits silences exactly the listed units, as one lesion.
	LesionUnits = "units"
)

// The ridge fits behind LesionWeights: the Encoding page's default grid,
// 10 penalties from 10⁻² to 10⁵, and 5 folds.
var (
	LesionWeightAlphas = encoding.DefaultAlphas(-2, 5, 10)
	LesionWeightFolds  = 5
)

// LesionPlans lists the plans, in the order the Lesions page offers them.
var LesionPlans = []string{LesionSelective, LesionLeastSelective, LesionVariance, LesionSelectiveChannels, LesionRandomChannels,
	LesionWeights, LesionUnits}

// MaxLesionDraws is the largest number of random lesions per fraction a
// project may ask for.
const MaxLesionDraws = 100000

// LesionSettings are every choice of a lesion analysis, as a project
// records them; LesionSpec builds the core/lesion.Spec they stand for on
// a project's data.
type LesionSettings struct {
	// Model and Layer name the layer lesioned.
	Model, Layer string
	// Plan is one of LesionPlans.
	Plan string
	// Descriptor is the stimulus column of the selective plans; Level,
	// when set, is contrasted against the other levels ("": the first
	// two levels, or the F over all levels when there are more).
	Descriptor, Level string
	// Fill is "zero" or "mean" (lesion.ParseFill).
	Fill string
	// Fractions lesioned, each in [0, 1] (ignored by LesionUnits).
	Fractions []float64
	// Draws is the number of random lesions per fraction.
	Draws int
	// Seed seeds the random lesions (and the decoder's folds).
	Seed uint64
	// Units are the 0-based units of LesionUnits.
	Units []int
	// WeightRegion is the region whose encoding weights rank the units
	// (LesionWeights).
	WeightRegion string
	// Regions whose RSA agreement is measured (every subject's
	// correlation-distance RDM).
	Regions []string
	// Compare is the RDM comparison method (core/compare).
	Compare string
	// Readout is the stimulus column decoded ("": none), with the
	// classifier ("": ridge) and its folds (0: decode.DefaultFolds).
	Readout     string
	Classifier  string
	DecodeFolds int
}

func (s LesionSettings) classifier() string {
	if s.Classifier == "" {
		return decode.Ridge
	}
	return s.Classifier
}

func (s LesionSettings) decodeFolds() int {
	if s.DecodeFolds == 0 {
		return decode.DefaultFolds
	}
	return s.DecodeFolds
}

// Key identifies the settings for caching: equal keys give the same
// result on the same data.
func (s LesionSettings) Key() string {
	return fmt.Sprintf("%q/%q|%s|%q|%q|%s|%v|%d|%d|%v|%q|%q|%s|%q|%s|%d", s.Model, s.Layer, s.Plan, s.Descriptor, s.Level,
		s.Fill, s.Fractions, s.Draws, s.Seed, s.Units, s.WeightRegion, s.Regions, s.Compare, s.Readout, s.classifier(), s.decodeFolds())
}

// selective reports whether the plan ranks units by a descriptor
// contrast.
func (s LesionSettings) selective() bool {
	return s.Plan == LesionSelective || s.Plan == LesionLeastSelective || s.Plan == LesionSelectiveChannels
}

// Check validates the settings as far as they do not depend on data.
func (s LesionSettings) Check() error {
	_, err := s.check()
	return err
}

// check validates s; key names the settings key at fault.
func (s LesionSettings) check() (key string, err error) {
	switch {
	case s.Model == "" || s.Layer == "":
		return "layer", errors.New("choose a model and a layer")
	case !slices.Contains(LesionPlans, s.Plan):
		return "plan", fmt.Errorf("unknown lesion plan %q (use %s)", s.Plan, strings.Join(LesionPlans, ", "))
	case s.selective() && s.Descriptor == "":
		return "descriptor", errors.New("choose a descriptor (a column of the stimulus table) for a selective plan")
	case s.Plan == LesionWeights && s.WeightRegion == "":
		return "weight_region", errors.New("choose the region whose encoding weights rank the units")
	case s.Plan == LesionUnits && len(s.Units) == 0:
		return "units", errors.New("list the units to silence (0-based indices), or choose another plan")
	case s.Plan != LesionUnits && len(s.Fractions) == 0:
		return "fractions", errors.New("give at least one fraction to lesion")
	case s.Draws < 1 || s.Draws > MaxLesionDraws:
		return "draws", fmt.Errorf("random draws must be from 1 to %d, not %d", MaxLesionDraws, s.Draws)
	case len(s.Regions) == 0 && s.Readout == "":
		return "regions", errors.New("choose at least one region or a descriptor to decode: there is nothing to measure")
	case !slices.Contains(compare.Methods, s.Compare):
		return "compare", fmt.Errorf("unknown RDM comparison %q (use one of %s)", s.Compare, strings.Join(compare.Methods, ", "))
	case s.Readout != "" && s.classifier() != decode.Ridge && s.classifier() != decode.NCM:
		return "classifier", fmt.Errorf("unknown classifier %q (use %s or %s)", s.Classifier, decode.Ridge, decode.NCM)
	case s.DecodeFolds < 0 || s.DecodeFolds == 1:
		return "decode_folds", fmt.Errorf("decoding needs at least 2 folds, not %d", s.DecodeFolds)
	}
	if _, err := lesion.ParseFill(s.Fill); err != nil || s.Fill == "" {
		return "fill", fmt.Errorf("unknown fill %q: a silenced unit is set to zero or to its mean", s.Fill)
	}
	for _, f := range s.Fractions {
		if !(f >= 0 && f <= 1) {
			return "fractions", fmt.Errorf("fraction %v is outside 0–1 (0 %%–100 %%)", f)
		}
	}
	for _, u := range s.Units {
		if u < 0 {
			return "units", fmt.Errorf("unit %d: units are 0-based indices", u)
		}
	}
	return "", nil
}

// RandomChannelsStream is added to the seed for the order of the
// random-channels plan, so that it differs from the random draws of the
// null band.
const RandomChannelsStream = 1_000_003

// LesionSpec builds the lesion analysis that s stands for on project p:
// the layer, the plan (it reads the layer to rank units by selectivity
// or variance), the regions' RDMs (correlation distance of every
// subject's recording, or the precomputed RDMs) and the readout. It runs
// in a background job; the Lesions page and recipes share it, so both
// compute the same.
func LesionSpec(ctx context.Context, p *data.Project, s LesionSettings) (lesion.Spec, error) {
	if err := s.Check(); err != nil {
		return lesion.Spec{}, err
	}
	m := p.Model(s.Model)
	if m == nil || m.Layer(s.Layer) == nil {
		return lesion.Spec{}, fmt.Errorf("the project has no layer %s/%s", s.Model, s.Layer)
	}
	layer := m.Layer(s.Layer)
	if layer.Data == nil {
		return lesion.Spec{}, fmt.Errorf("layer %s/%s came as an RDM: lesions need its activations", s.Model, s.Layer)
	}
	fill, _ := lesion.ParseFill(s.Fill)
	spec := lesion.Spec{Layer: layer.Data, Fill: fill, Fractions: s.Fractions, Draws: s.Draws, Seed: s.Seed, Compare: s.Compare}
	column := func(name, what string) ([]string, error) {
		if p.Stimuli == nil || p.Stimuli.Descriptor(name) == nil {
			return nil, fmt.Errorf("%s: the stimulus table has no column %q", what, name)
		}
		return p.Stimuli.Descriptor(name), nil
	}
	contrast := func() (lesion.Contrast, error) {
		vals, err := column(s.Descriptor, "the selective plan")
		if err != nil {
			return lesion.Contrast{}, err
		}
		return lesion.Contrast{Descriptor: s.Descriptor, Values: vals, Level: s.Level}, nil
	}
	var err error
	switch s.Plan {
	case LesionSelective, LesionLeastSelective, LesionSelectiveChannels:
		c, cerr := contrast()
		if cerr != nil {
			return spec, cerr
		}
		order := lesion.Highest
		if s.Plan == LesionLeastSelective {
			order = lesion.Lowest
		}
		if s.Plan == LesionSelectiveChannels {
			score, serr := lesion.Selectivity(ctx, layer.Data, c)
			if serr != nil {
				return spec, serr
			}
			spec.Plan, err = lesion.RankedChannels("most selective channels ("+s.Descriptor+")", layer.Shape, score, lesion.Highest)
		} else {
			spec.Plan, err = lesion.Selective(ctx, layer.Data, c, order)
		}
	case LesionVariance:
		spec.Plan, err = lesion.Variance(ctx, layer.Data)
	case LesionRandomChannels:
		spec.Plan, err = lesion.RandomChannels(layer.Shape, s.Seed+RandomChannelsStream)
	case LesionUnits:
		spec.Plan, err = lesion.List(layer.Units(), s.Units)
		spec.Fractions = nil
	case LesionWeights:
		var w []float64
		subjects := 0
		for _, sub := range p.Subjects {
			r := sub.Region(s.WeightRegion)
			if r == nil || r.Data == nil {
				continue
			}
			ws, werr := voxelwise.UnitWeights(ctx, layer.Data, r.Data, LesionWeightAlphas, LesionWeightFolds)
			if werr != nil {
				return spec, fmt.Errorf("encoding weights for %s / %s: %w", sub.Name, s.WeightRegion, werr)
			}
			if w == nil {
				w = make([]float64, len(ws))
			}
			for u := range ws {
				w[u] += ws[u]
			}
			subjects++
		}
		if subjects == 0 {
			return spec, fmt.Errorf("no subject has recordings of region %q to fit encoding weights", s.WeightRegion)
		}
		spec.Plan, err = lesion.Weights(w)
	}
	if err != nil {
		return spec, err
	}
	for _, region := range s.Regions {
		rdms, subjects, err := rsa.RegionRDMs(ctx, p, region, nil, "correlation")
		if err != nil {
			return spec, err
		}
		spec.Regions = append(spec.Regions, lesion.Region{Name: region, RDMs: rdms, Subjects: subjects})
	}
	if s.Readout != "" {
		labels, err := column(s.Readout, "the decoding readout")
		if err != nil {
			return spec, err
		}
		spec.Readout = &lesion.Readout{Descriptor: s.Readout, Labels: labels,
			Options: decode.Options{Method: s.Classifier, Folds: s.DecodeFolds, Seed: s.Seed}}
	}
	return spec, nil
}

// lesionTOML is the [analyses.settings] table of a lesion analysis.
type lesionTOML struct {
	Model      string `toml:"model"`
	Layer      string `toml:"layer"`
	Plan       string `toml:"plan"`
	Descriptor string `toml:"descriptor"`
	Level      string `toml:"level"`
	Fill       string `toml:"fill"`
	// Fractions in [0, 1], every value exactly.
	Fractions []float64 `toml:"fractions"`
	Draws     *int      `toml:"draws"`
	// Seed is an integer (a string for seeds ≥ 2⁶³).
	Seed         any      `toml:"seed"`
	Units        []int    `toml:"units"`
	WeightRegion string   `toml:"weight_region"`
	Regions      []string `toml:"regions"`
	Compare      string   `toml:"compare"`
	Readout      string   `toml:"readout"`
	Classifier   string   `toml:"classifier"`
	DecodeFolds  int      `toml:"decode_folds"`
}

func lesionSettings(spec any) (LesionSettings, error) {
	switch s := spec.(type) {
	case LesionSettings:
		return s, nil
	case *LesionSettings:
		return *s, nil
	}
	return LesionSettings{}, fmt.Errorf("a lesion analysis needs project.LesionSettings, not %T", spec)
}

func lesionResult(res any) (*lesion.Result, error) {
	r, ok := res.(*lesion.Result)
	if !ok || r == nil {
		return nil, fmt.Errorf("a lesion result must be a *lesion.Result, not %T", res)
	}
	return r, nil
}

func orEmpty[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}

func lesionSettingsOf(spec any) (any, error) {
	s, err := lesionSettings(spec)
	if err != nil {
		return nil, err
	}
	draws := s.Draws
	return lesionTOML{Model: s.Model, Layer: s.Layer, Plan: s.Plan, Descriptor: s.Descriptor, Level: s.Level, Fill: s.Fill,
		Fractions: orEmpty(s.Fractions), Draws: &draws, Seed: seedValue(s.Seed), Units: orEmpty(s.Units), WeightRegion: s.WeightRegion, Regions: orEmpty(s.Regions),
		Compare: s.Compare, Readout: s.Readout, Classifier: s.classifier(), DecodeFolds: s.decodeFolds()}, nil
}

func lesionDecode(decode func(any) error, line func(string) int) (any, error) {
	var in lesionTOML
	if err := decode(&in); err != nil {
		return nil, err
	}
	bad := func(key, format string, args ...any) error {
		return &lineError{line: line(key), msg: fmt.Sprintf(format, args...)}
	}
	s := LesionSettings{Model: in.Model, Layer: in.Layer, Plan: in.Plan, Descriptor: in.Descriptor, Level: in.Level, Fill: in.Fill,
		WeightRegion: in.WeightRegion, Compare: in.Compare, Readout: in.Readout, Classifier: in.Classifier, DecodeFolds: in.DecodeFolds}
	if len(in.Fractions) > 0 {
		s.Fractions = in.Fractions
	}
	if len(in.Units) > 0 {
		s.Units = in.Units
	}
	if len(in.Regions) > 0 {
		s.Regions = in.Regions
	}
	switch {
	case s.Model == "":
		return nil, bad("model", "model is missing (the network whose layer is lesioned)")
	case s.Layer == "":
		return nil, bad("layer", "layer is missing (the layer lesioned)")
	case s.Plan == "":
		return nil, bad("plan", "plan is missing (%s)", strings.Join(LesionPlans, ", "))
	case s.Fill == "":
		return nil, bad("fill", "fill is missing (zero or mean)")
	case s.Compare == "":
		return nil, bad("compare", "compare is missing (%s)", strings.Join(compare.Methods, ", "))
	case in.Draws == nil:
		return nil, bad("draws", "draws is missing (the number of random lesions per fraction)")
	case in.Seed == nil:
		return nil, bad("seed", "seed is missing (the random seed of the random lesions)")
	}
	s.Draws = *in.Draws
	seed, err := parseSeed(in.Seed)
	if err != nil {
		return nil, bad("seed", "%v", err)
	}
	s.Seed = seed
	if key, err := s.check(); err != nil {
		return nil, bad(key, "%v", err)
	}
	return s, nil
}

func lesionRun(ctx context.Context, p *data.Project, spec any, rep *job.Reporter) (any, error) {
	s, err := lesionSettings(spec)
	if err != nil {
		return nil, err
	}
	if rep != nil {
		rep.Message("ranking units and computing region RDMs")
	}
	ls, err := LesionSpec(ctx, p, s)
	if err != nil {
		return nil, err
	}
	return lesion.Run(ctx, ls, rep)
}

// The cached result: result.toml holds the names, result.npz every
// number.
type lesionMeta struct {
	Kind     string             `toml:"kind"`
	Plan     string             `toml:"plan"`
	Channels bool               `toml:"channels"`
	Fill     string             `toml:"fill"`
	Draws    int                `toml:"draws"`
	Seed     any                `toml:"seed"`
	Effects  []lesionEffectMeta `toml:"effects"`
	Detail   *lesionDetailMeta  `toml:"detail,omitempty"`
}

type lesionEffectMeta struct {
	Name        string `toml:"name"`
	Kind        string `toml:"kind"`
	Measure     string `toml:"measure"`
	CeilingNote string `toml:"ceiling_note,omitempty"`
}

type lesionDetailMeta struct {
	Intact         *rdmMeta    `toml:"intact_rdm,omitempty"`
	Lesioned       *rdmMeta    `toml:"lesioned_rdm,omitempty"`
	IntactDecode   *decodeMeta `toml:"intact_decode,omitempty"`
	LesionedDecode *decodeMeta `toml:"lesioned_decode,omitempty"`
}

type rdmMeta struct {
	N      int    `toml:"n"`
	Method string `toml:"method"`
}

type decodeMeta struct {
	Levels []string `toml:"levels"`
	Method string   `toml:"method"`
	Folds  int      `toml:"folds"`
}

func lesionWriteResult(create func(string) (io.Writer, error), res any) error {
	r, err := lesionResult(res)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	o := &npzOut{z: npy.NewNPZWriter(&buf)}
	meta := lesionMeta{Kind: KindLesion, Plan: r.Plan, Channels: r.Channels, Fill: r.Fill.String(), Draws: r.Draws,
		Seed: seedValue(r.Seed), Effects: []lesionEffectMeta{}}
	o.vec("fractions", r.Fractions)
	o.ints("groups", r.Groups)
	o.ints("units", r.Units)
	for i, e := range r.Effects {
		pre := fmt.Sprintf("e%d_", i)
		meta.Effects = append(meta.Effects, lesionEffectMeta{Name: e.Name, Kind: e.Kind, Measure: e.Measure, CeilingNote: e.CeilingNote})
		o.put(pre+"scalars", []int{4}, []float64{e.Intact, e.Ceiling.Lower, e.Ceiling.Upper, e.Chance})
		o.vec(pre+"targeted", e.Targeted)
		o.vec(pre+"null_median", e.NullMedian)
		o.vec(pre+"null_low", e.NullLow)
		o.vec(pre+"null_high", e.NullHigh)
		o.vec(pre+"p", e.P)
		if e.Null != nil {
			lens := make([]int, len(e.Null))
			var all []float64
			for f, row := range e.Null {
				if row == nil {
					return fmt.Errorf("effect %s: random draws of fraction %d missing", e.Name, f+1)
				}
				lens[f] = len(row)
				all = append(all, row...)
			}
			o.ints(pre+"null_lengths", lens)
			o.vec(pre+"null", orEmpty(all))
		}
	}
	if d := r.Detail; d != nil {
		dm := &lesionDetailMeta{}
		o.put("detail_fraction", []int{1}, []float64{d.Fraction})
		o.ints("detail_units", d.Units)
		rdmOut := func(name string, x *rdm.RDM) *rdmMeta {
			if x == nil {
				return nil
			}
			o.vec(name, orEmpty(x.Vec))
			o.vec(name+"_labels", x.Labels)
			return &rdmMeta{N: x.N, Method: x.Method}
		}
		dm.Intact = rdmOut("detail_intact_rdm", d.IntactRDM)
		dm.Lesioned = rdmOut("detail_lesioned_rdm", d.LesionedRDM)
		decOut := func(name string, x *decode.Result) *decodeMeta {
			if x == nil {
				return nil
			}
			o.put(name+"_scores", []int{2}, []float64{x.Accuracy, x.Chance})
			o.denseOpt(name+"_confusion", x.Confusion)
			o.ints(name+"_predicted", x.Predicted)
			o.ints(name+"_fold", x.Fold)
			return &decodeMeta{Levels: orEmpty(x.Levels), Method: x.Method, Folds: x.Folds}
		}
		dm.IntactDecode = decOut("detail_intact_decode", d.IntactDecode)
		dm.LesionedDecode = decOut("detail_lesioned_decode", d.LesionedDecode)
		meta.Detail = dm
	}
	return o.finish(&buf, create, meta)
}

func lesionReadResult(fsys fs.FS, spec any) (any, error) {
	if _, err := lesionSettings(spec); err != nil {
		return nil, err
	}
	var meta lesionMeta
	in, done, err := openResult(fsys, KindLesion, &meta, func() string { return meta.Kind })
	if err != nil {
		return nil, err
	}
	defer done()
	r := &lesion.Result{Plan: meta.Plan, Channels: meta.Channels, Draws: meta.Draws}
	if r.Fill, err = lesion.ParseFill(meta.Fill); err != nil {
		return nil, fmt.Errorf("%s: %w", resultMeta, err)
	}
	if r.Seed, err = parseSeed(meta.Seed); err != nil {
		return nil, fmt.Errorf("%s: %w", resultMeta, err)
	}
	r.Fractions = in.vec("fractions", -1)
	F := len(r.Fractions)
	r.Groups = in.ints("groups", F)
	r.Units = in.ints("units", F)
	for i, em := range meta.Effects {
		pre := fmt.Sprintf("e%d_", i)
		e := lesion.Effect{Name: em.Name, Kind: em.Kind, Measure: em.Measure, CeilingNote: em.CeilingNote}
		sc := in.read(pre+"scalars", 4)
		e.Targeted = in.vec(pre+"targeted", F)
		e.NullMedian = in.vec(pre+"null_median", F)
		e.NullLow = in.vec(pre+"null_low", F)
		e.NullHigh = in.vec(pre+"null_high", F)
		e.P = in.vec(pre+"p", F)
		if in.has(pre + "null_lengths") {
			lens := in.ints(pre+"null_lengths", -1)
			all := in.vec(pre+"null", -1)
			if in.err != nil {
				return nil, in.err
			}
			e.Null = make([][]float64, len(lens))
			k := 0
			for f, n := range lens {
				if n < 0 || k+n > len(all) {
					return nil, fmt.Errorf("result.npz: effect %s: the random draws do not match their counts", em.Name)
				}
				e.Null[f] = slices.Clone(all[k : k+n])
				if e.Null[f] == nil {
					e.Null[f] = []float64{}
				}
				k += n
			}
			if k != len(all) {
				return nil, fmt.Errorf("result.npz: effect %s: the random draws do not match their counts", em.Name)
			}
		}
		if in.err != nil {
			return nil, in.err
		}
		e.Intact, e.Ceiling, e.Chance = sc[0], inference.Ceiling{Lower: sc[1], Upper: sc[2]}, sc[3]
		r.Effects = append(r.Effects, e)
	}
	if dm := meta.Detail; dm != nil {
		d := &lesion.Detail{}
		fr := in.read("detail_fraction", 1)
		d.Units = in.ints("detail_units", -1)
		if in.err != nil {
			return nil, in.err
		}
		d.Fraction = fr[0]
		rdmIn := func(name string, m *rdmMeta) *rdm.RDM {
			if m == nil {
				return nil
			}
			x := &rdm.RDM{N: m.N, Method: m.Method, Vec: in.vec(name, rdm.Pairs(m.N))}
			x.Labels = in.vec(name+"_labels", -1)
			return x
		}
		d.IntactRDM = rdmIn("detail_intact_rdm", dm.Intact)
		d.LesionedRDM = rdmIn("detail_lesioned_rdm", dm.Lesioned)
		decIn := func(name string, m *decodeMeta) *decode.Result {
			if m == nil {
				return nil
			}
			sc := in.read(name+"_scores", 2)
			x := &decode.Result{Levels: m.Levels, Method: m.Method, Folds: m.Folds}
			x.Confusion = in.denseOpt(name + "_confusion")
			x.Predicted = in.ints(name+"_predicted", -1)
			x.Fold = in.ints(name+"_fold", -1)
			if in.err == nil {
				x.Accuracy, x.Chance = sc[0], sc[1]
			}
			return x
		}
		d.IntactDecode = decIn("detail_intact_decode", dm.IntactDecode)
		d.LesionedDecode = decIn("detail_lesioned_decode", dm.LesionedDecode)
		if in.err != nil {
			return nil, in.err
		}
		r.Detail = d
	}
	if in.err != nil {
		return nil, in.err
	}
	if r.Fractions == nil || r.Groups == nil || r.Units == nil {
		return nil, errors.New("result.npz: the fractions, groups or units are missing")
	}
	return r, nil
}

// LesionTableFile is the name of the CSV table a lesion analysis writes
// (export.WriteLesionTable).
const LesionTableFile = "lesion-table.csv"

func lesionWriteTables(dir string, res any) ([]string, error) {
	r, err := lesionResult(res)
	if err != nil {
		return nil, err
	}
	p := filepath.Join(dir, LesionTableFile)
	if err := export.WriteLesionTable(p, r.Table()); err != nil {
		return nil, err
	}
	return []string{p}, nil
}

func fmtPercent(f float64) string { return strconv.FormatFloat(100*f, 'g', 4, 64) + " %" }

func lesionTables(res any) []Table {
	r, err := lesionResult(res)
	if err != nil {
		return nil
	}
	t := Table{Name: "lesion-table", Title: "Lesion effects",
		Header: []string{"effect", "measure", "lesioned", "units", "intact", "change", "random: median [2.5–97.5 %]", "excess", "z", "p"},
		Caption: fmt.Sprintf("Change = lesioned − intact score of the targeted lesion (%s); random: the changes of %d random lesions of as many %s; "+
			"excess = change − random median (negative: more harm than random); p = (1 + #{random changes ≤ change}) / (1 + draws), one-sided.",
			r.Plan, r.Draws, map[bool]string{false: "units", true: "channels"}[r.Channels])}
	for _, row := range r.Table() {
		t.Rows = append(t.Rows, []string{row.Effect, row.Measure, fmtPercent(row.Fraction), strconv.Itoa(row.Units), fmtNum(row.Intact),
			fmtNum(row.Change), fmtNum(row.NullMedian) + " [" + fmtNum(row.NullLow) + ", " + fmtNum(row.NullHigh) + "]",
			fmtNum(row.Excess), fmtNum(row.Z), fmtP(row.P)})
	}
	return []Table{t}
}

var planSentences = map[string]string{
	LesionSelective:         "the units most selective for %s first (units ranked by the absolute value of d′ between %s, or of the one-way F statistic over all levels of the descriptor when it has more than two)",
	LesionLeastSelective:    "the units least selective for %s first (units ranked by the absolute value of d′ between %s, or of the one-way F statistic over all levels, smallest first) — a control for the selective plan",
	LesionSelectiveChannels: "whole channels, the most selective for %s first (channels ranked by the mean selectivity of their units, d′ between %s or the one-way F over all levels)",
	LesionVariance:          "the units with the highest variance over the stimuli first",
	LesionRandomChannels:    "whole channels in a random order (seed %d)",
	LesionWeights: "the units with the largest encoding weights for %s first (per subject with the region, ridge regression from the layer " +
		"to every target of the region with a penalty per target chosen by %d-fold cross-validation from %s; a unit's weight is its mean " +
		"absolute coefficient over the targets, summed over subjects)",
}

func lesionMethods(specAny, resAny any, software string) string {
	s, err := lesionSettings(specAny)
	if err != nil {
		return ""
	}
	r, _ := resAny.(*lesion.Result)
	var b strings.Builder
	fmt.Fprintf(&b, "In silico lesions were performed in %s on layer %s of %s, using its stored activations. ", software, s.Layer, s.Model)
	fill := "set to zero for every stimulus"
	if s.Fill == "mean" {
		fill = "set to its mean activation over the stimuli"
	}
	channels := s.Plan == LesionSelectiveChannels || s.Plan == LesionRandomChannels
	group := "units"
	if channels {
		group = "channels"
	}
	if s.Plan == LesionUnits {
		fmt.Fprintf(&b, "A fixed set of %d %s (%s) was silenced: each silenced unit was %s. ", len(s.Units),
			plural(len(s.Units), "unit", "units"), intsText(s.Units, 20), fill)
	} else {
		var plan string
		switch s.Plan {
		case LesionSelective, LesionLeastSelective, LesionSelectiveChannels:
			between := "its first two levels"
			if s.Level != "" {
				between = fmt.Sprintf("%q and the other levels", s.Level)
			}
			plan = fmt.Sprintf(planSentences[s.Plan], "the descriptor "+strconv.Quote(s.Descriptor), between)
		case LesionRandomChannels:
			plan = fmt.Sprintf(planSentences[s.Plan], s.Seed+RandomChannelsStream)
		case LesionWeights:
			plan = fmt.Sprintf(planSentences[s.Plan], s.WeightRegion, LesionWeightFolds, alphaGridText(LesionWeightAlphas))
		default:
			plan = planSentences[s.Plan]
		}
		fr := make([]string, len(s.Fractions))
		for i, f := range s.Fractions {
			fr[i] = strconv.FormatFloat(100*f, 'g', 4, 64)
		}
		if r != nil && r.Plan != "" {
			plan += " (" + r.Plan + ")"
		}
		fmt.Fprintf(&b, "The targeted lesion silenced %s; at each fraction f of %s %% the first round(f·G) of the G %s in this order were silenced "+
			"(the lesions are nested), and each silenced unit was %s. ", plan, listNames(fr), group, fill)
	}
	fmt.Fprintf(&b, "For each lesion size, %d random lesions of as many %s (drawn with random seed %d; draw d uses the PCG stream (seed, d + 1)) "+
		"formed the null distribution. Effects are changes from the intact layer (lesioned − intact score); the null band is the 2.5th to 97.5th "+
		"percentile of the random changes, and the permutation p-value of the targeted lesion hurting more than a random one is "+
		"p = (1 + #{random changes ≤ targeted change}) / (1 + number of random lesions), one-sided. ", s.Draws, group, s.Seed)
	if len(s.Regions) > 0 {
		fmt.Fprintf(&b, "Agreement with %s %s was measured by RSA: the correlation-distance RDM of the (lesioned) layer was compared with each "+
			"subject's correlation-distance RDM of the region using %s, and the score is the mean over subjects (pairs undefined in an RDM "+
			"left out); the region's noise ceiling was estimated by leaving out one subject at a time (Nili et al., 2014). ",
			plural(len(s.Regions), "the brain region", "the brain regions"), listNames(s.Regions), orWord(compareWords, s.Compare))
	}
	if s.Readout != "" {
		clf := "a ridge classifier (one-vs-rest least squares on one-hot targets with an intercept, as scikit-learn's RidgeClassifier, " +
			"penalty λ = tr(K_c)/n_train on the centred patterns)"
		if s.classifier() == decode.NCM {
			clf = "a nearest-class-mean classifier (Euclidean distance to each level's mean pattern)"
		}
		fmt.Fprintf(&b, "As a behaviour-like readout, the descriptor %q was decoded from the layer's patterns (each pattern's mean over units "+
			"removed) by %s, with stratified %d-fold cross-validation (stimuli shuffled within each level with seed %d); the score is the accuracy, and chance "+
			"the accuracy of always guessing the most frequent level. ", s.Readout, clf, s.decodeFolds(), s.Seed)
	}
	if r != nil && r.Detail != nil {
		fmt.Fprintf(&b, "The RDMs and confusion matrices before and after are shown for the targeted lesion of %s (%d %s). ",
			fmtPercent(r.Detail.Fraction), len(r.Detail.Units), plural(len(r.Detail.Units), "unit", "units"))
	}
	b.WriteString("Lesioned scores were computed exactly from the intact layer's Gram matrix by downdating the silenced units (core/lesion).")
	return b.String()
}

func intsText(xs []int, most int) string {
	parts := make([]string, 0, min(len(xs), most))
	for i, x := range xs {
		if i == most {
			parts = append(parts, fmt.Sprintf("… %d more", len(xs)-most))
			break
		}
		parts = append(parts, strconv.Itoa(x))
	}
	return strings.Join(parts, ", ")
}

func lesionSummary(spec any) string {
	s, err := lesionSettings(spec)
	if err != nil {
		return "Lesions"
	}
	plan := s.Plan
	if s.Plan == LesionWeights {
		plan += " (" + s.WeightRegion + ")"
	}
	if s.selective() {
		plan += " (" + s.Descriptor
		if s.Level != "" {
			plan += ": " + s.Level + " vs rest"
		}
		plan += ")"
	}
	what := listNames(s.Regions)
	if s.Readout != "" {
		if what != "" {
			what += " + "
		}
		what += "decode " + s.Readout
	}
	fr := fmt.Sprintf("%d %s", len(s.Fractions), plural(len(s.Fractions), "fraction", "fractions"))
	if s.Plan == LesionUnits {
		fr = fmt.Sprintf("%d %s", len(s.Units), plural(len(s.Units), "unit", "units"))
	}
	return fmt.Sprintf("Lesions · %s/%s · %s · fill %s · %s · %d draws, seed %d · %s · %s", s.Model, s.Layer, plan, s.Fill, fr, s.Draws, s.Seed,
		what, s.Compare)
}
