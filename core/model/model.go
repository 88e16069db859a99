package model

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Model is an RDM model: it predicts a condensed RDM vector from its
// parameter vector θ.
type Model interface {
	// Name is the model's label.
	Name() string
	// NParam is the length of θ (0 for a fixed model, 1 for a selection
	// model).
	NParam() int
	// NCond is the number of conditions of the predicted RDM.
	NCond() int
	// Predict returns the predicted RDM vector (a new slice).
	Predict(theta []float64) ([]float64, error)
}

// NCondOf returns the number of conditions n with n(n−1)/2 = pairs, or an
// error if there is none or n < 3.
func NCondOf(pairs int) (int, error) {
	n := int(math.Round((1 + math.Sqrt(1+8*float64(pairs))) / 2))
	if n*(n-1)/2 != pairs {
		return 0, fmt.Errorf("an RDM vector has n(n−1)/2 entries; %d is not of that form", pairs)
	}
	if n < 3 {
		return 0, fmt.Errorf("an RDM needs at least 3 conditions, have %d", n)
	}
	return n, nil
}

// components holds the k × m component RDM vectors of a model.
type components struct {
	name string
	r    *mat.Dense
	n    int
}

func newComponents(kind, name string, rdms *mat.Dense, minRows int) (components, error) {
	if rdms == nil {
		return components{}, fmt.Errorf("%s model %q: no component RDMs", kind, name)
	}
	k, m := rdms.Dims()
	if k < minRows {
		return components{}, fmt.Errorf("%s model %q: needs at least %d component RDMs, have %d", kind, name, minRows, k)
	}
	n, err := NCondOf(m)
	if err != nil {
		return components{}, fmt.Errorf("%s model %q: %w", kind, name, err)
	}
	return components{name: name, r: mat.DenseCopyOf(rdms), n: n}, nil
}

func (c components) Name() string { return c.name }
func (c components) NCond() int   { return c.n }

// Components returns a copy of the k × m component RDM vectors.
func (c components) Components() *mat.Dense { return mat.DenseCopyOf(c.r) }

// weightedSum returns Σ_k w_k r_k.
func (c components) weightedSum(w []float64) []float64 {
	k, m := c.r.Dims()
	out := make([]float64, m)
	for i := 0; i < k; i++ {
		// As numpy's matmul, 0·NaN = NaN: a NaN pair stays NaN.
		for j, v := range c.r.RawRowView(i) {
			out[j] += w[i] * v
		}
	}
	return out
}

func (c components) checkTheta(kind string, theta []float64) error {
	k, _ := c.r.Dims()
	if len(theta) != k {
		return fmt.Errorf("%s model %q: θ has %d values, want %d (one per component)", kind, c.name, len(theta), k)
	}
	for i, v := range theta {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%s model %q: θ[%d] = %v is not finite", kind, c.name, i, v)
		}
	}
	return nil
}

// Fixed is a parameter-free model that predicts one RDM (rsatoolbox
// ModelFixed).
type Fixed struct {
	name string
	rdm  []float64
	n    int
}

// NewFixed returns a fixed model predicting the mean of the rows of rdms
// (one row: that RDM), as ModelFixed built from an RDMs object.
func NewFixed(name string, rdms *mat.Dense) (*Fixed, error) {
	if rdms == nil {
		return nil, fmt.Errorf("fixed model %q: no RDM", name)
	}
	k, m := rdms.Dims()
	n, err := NCondOf(m)
	if err != nil {
		return nil, fmt.Errorf("fixed model %q: %w", name, err)
	}
	v := make([]float64, m)
	for i := 0; i < k; i++ {
		for j, x := range rdms.RawRowView(i) {
			v[j] += x
		}
	}
	for j := range v {
		v[j] /= float64(k)
	}
	return &Fixed{name: name, rdm: v, n: n}, nil
}

// Name returns the model's label.
func (f *Fixed) Name() string { return f.name }

// NParam is 0.
func (f *Fixed) NParam() int { return 0 }

// NCond returns the number of conditions.
func (f *Fixed) NCond() int { return f.n }

// Predict returns the model RDM; theta is ignored.
func (f *Fixed) Predict(theta []float64) ([]float64, error) {
	return append([]float64(nil), f.rdm...), nil
}

// Weighted predicts the RDM as a weighted sum of component RDMs,
// pred(θ) = Σ_k θ_k r_k, with no normalisation (rsatoolbox ModelWeighted).
type Weighted struct{ components }

// NewWeighted returns a weighted model over the component RDM vectors in
// the rows of comps (k × m). comps is copied.
func NewWeighted(name string, comps *mat.Dense) (*Weighted, error) {
	c, err := newComponents("weighted", name, comps, 1)
	if err != nil {
		return nil, err
	}
	return &Weighted{c}, nil
}

// NParam returns the number of components k.
func (w *Weighted) NParam() int { r, _ := w.r.Dims(); return r }

// Predict returns Σ_k θ_k r_k.
func (w *Weighted) Predict(theta []float64) ([]float64, error) {
	if err := w.checkTheta("weighted", theta); err != nil {
		return nil, err
	}
	return w.weightedSum(theta), nil
}

// Select predicts one of its component RDMs, chosen by an index
// (rsatoolbox ModelSelect).
type Select struct{ components }

// NewSelect returns a selection model over the rows of comps (k × m).
func NewSelect(name string, comps *mat.Dense) (*Select, error) {
	c, err := newComponents("select", name, comps, 1)
	if err != nil {
		return nil, err
	}
	return &Select{c}, nil
}

// NParam is 1: θ = [index].
func (s *Select) NParam() int { return 1 }

// Len returns the number of component RDMs.
func (s *Select) Len() int { r, _ := s.r.Dims(); return r }

// Predict returns component θ[0], which must be an integer in [0, k).
func (s *Select) Predict(theta []float64) ([]float64, error) {
	if len(theta) != 1 {
		return nil, fmt.Errorf("select model %q: θ must hold one index, has %d values", s.name, len(theta))
	}
	i := theta[0]
	if i != math.Trunc(i) || i < 0 || int(i) >= s.Len() {
		return nil, fmt.Errorf("select model %q: index %v is not an integer in [0, %d)", s.name, i, s.Len())
	}
	return append([]float64(nil), s.r.RawRowView(int(i))...), nil
}

// Interpolate models the RDM as an interpolation between neighbouring
// component RDMs: pred(θ) = Σ_k max(θ_k, 0) r_k (rsatoolbox
// ModelInterpolate.predict_rdm). FitInterpolate fits it.
type Interpolate struct{ components }

// NewInterpolate returns an interpolation model over the rows of comps
// (k × m, k ≥ 2), in the order given.
func NewInterpolate(name string, comps *mat.Dense) (*Interpolate, error) {
	c, err := newComponents("interpolate", name, comps, 2)
	if err != nil {
		return nil, err
	}
	return &Interpolate{c}, nil
}

// NParam returns the number of components k.
func (p *Interpolate) NParam() int { r, _ := p.r.Dims(); return r }

// Predict returns Σ_k max(θ_k, 0) r_k.
func (p *Interpolate) Predict(theta []float64) ([]float64, error) {
	if err := p.checkTheta("interpolate", theta); err != nil {
		return nil, err
	}
	w := make([]float64, len(theta))
	for i, v := range theta {
		w[i] = max(v, 0)
	}
	return p.weightedSum(w), nil
}
