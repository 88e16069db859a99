package data

import (
	"fmt"
	"math"
	"strings"
)

// Layer is one layer of a model: n stimuli × p units, read lazily.
type Layer struct {
	Name string
	// Shape is the unit shape, e.g. [C, H, W] for a convolutional layer;
	// its product is p. Empty means [p].
	Shape []int
	// DType is the stored element type ("float32", "float64", "int16", …).
	DType string
	Data  Matrix
	// Source names the file (and key) it came from, for messages.
	Source string
	// NonFinite counts NaN and ±Inf entries found at load time.
	NonFinite int
	// StimulusNames, when the file carries them, must match the project.
	StimulusNames []string
	// RDM, when set, is the layer's precomputed RDM (condensed upper
	// triangle, row-major, i < j) and Data is nil: the layer came as an RDM
	// rather than as activations.
	RDM []float64
}

// Units is p, the number of units (0 for a precomputed RDM).
func (l *Layer) Units() int {
	if l.Data == nil {
		return 0
	}
	_, p := l.Data.Dims()
	return p
}

// NStimuli is the number of stimuli (rows, or the RDM's conditions).
func (l *Layer) NStimuli() int { return nStimuli(l.Data, l.RDM) }

// StimuliOfPairs returns n with n(n−1)/2 = pairs, or −1 when pairs is not
// such a number.
func StimuliOfPairs(pairs int) int {
	n := int((1 + math.Sqrt(1+8*float64(pairs))) / 2)
	for c := max(n-1, 1); c <= n+1; c++ {
		if c*(c-1)/2 == pairs {
			return c
		}
	}
	return -1
}

func nStimuli(m Matrix, rdm []float64) int {
	if m != nil {
		n, _ := m.Dims()
		return n
	}
	return StimuliOfPairs(len(rdm))
}

// ShapeString formats the unit shape as "64×8×8" ("RDM" for a
// precomputed RDM).
func (l *Layer) ShapeString() string {
	if l.Data == nil {
		return "RDM"
	}
	if len(l.Shape) == 0 {
		return fmt.Sprint(l.Units())
	}
	parts := make([]string, len(l.Shape))
	for i, s := range l.Shape {
		parts[i] = fmt.Sprint(s)
	}
	return strings.Join(parts, "×")
}

// Bytes is the stored size of the layer's data.
func (l *Layer) Bytes() int64 {
	if l.Data == nil {
		return int64(8 * len(l.RDM))
	}
	n, p := l.Data.Dims()
	return int64(n) * int64(p) * int64(dtypeSize(l.DType))
}

func dtypeSize(dt string) int {
	switch dt {
	case "float32", "int32", "uint32":
		return 4
	case "int16", "uint16", "float16":
		return 2
	case "int8", "uint8", "bool":
		return 1
	}
	return 8
}

// LayerRef names a layer of a model, as analyses choose it.
type LayerRef struct{ Model, Layer string }

func (l LayerRef) String() string { return l.Model + "/" + l.Layer }

// Model is a network: an ordered list of layers over the project's stimuli.
type Model struct {
	Name   string
	Layers []*Layer
	Source string
}

// Layer returns the layer called name, or nil.
func (m *Model) Layer(name string) *Layer {
	for _, l := range m.Layers {
		if l.Name == name {
			return l
		}
	}
	return nil
}

// Recording is one region of one subject: n stimuli × v voxels or neurons.
// When repetitions were recorded, Reps holds one n × v matrix per
// repetition and Data is their mean.
type Recording struct {
	Data      Matrix
	Reps      []Matrix
	DType     string
	Source    string
	NonFinite int
	// StimulusNames, when the file carries them, must match the project.
	StimulusNames []string
	// Geometry places the channels in space (voxels or units), or nil.
	Geometry *Geometry
	// RDM, when set, is the subject's precomputed RDM of the region
	// (condensed, i < j) and Data is nil.
	RDM []float64
}

// Channels is v, the number of voxels or neurons (0 for a precomputed RDM).
func (r *Recording) Channels() int {
	if r.Data == nil {
		return 0
	}
	_, v := r.Data.Dims()
	return v
}

// NStimuli is the number of stimuli (rows, or the RDM's conditions).
func (r *Recording) NStimuli() int { return nStimuli(r.Data, r.RDM) }

// Region is a named brain region of a subject.
type Region struct {
	Name string
	*Recording
}

// Subject is a participant (or animal) with recordings from regions.
type Subject struct {
	Name    string
	Regions []*Region
}

// Region returns the region called name, or nil.
func (s *Subject) Region(name string) *Region {
	for _, r := range s.Regions {
		if r.Name == name {
			return r
		}
	}
	return nil
}

// Project is the set of data that share one stimulus order.
type Project struct {
	Name     string
	Stimuli  *Stimuli
	Models   []*Model
	Subjects []*Subject
	// Sources lists the files the project was built from, in the order
	// they were added, and Edits the renames and removals made after,
	// so that the project can be saved and built again.
	Sources []Source
	Edits   []Edit
}

// Edit is a rename or removal of a model or subject, recorded so that a
// saved project can be built again from its sources.
type Edit struct {
	Op   string `toml:"op"`   // "rename" or "remove"
	Kind string `toml:"kind"` // "model" or "subject"
	Name string `toml:"name"`
	To   string `toml:"to,omitempty"`
}

// Apply performs the edit on p.
func (e Edit) Apply(p *Project) error {
	switch e.Op {
	case "rename":
		return p.Rename(e.Kind, e.Name, e.To)
	case "remove":
		return p.Remove(e.Kind, e.Name)
	}
	return fmt.Errorf("unknown edit %q", e.Op)
}

// Source is one file added to a project and what the user said it is.
type Source struct {
	// Kind is what the file holds: "model", "recording", "stimuli",
	// "model-rdms", "region-rdms" or "folder".
	Kind string `toml:"kind"`
	Path string `toml:"path"`
	// Name is the model name, the subject, or the prefix of subject names.
	Name string `toml:"name,omitempty"`
	// Region names the region of a single-array file.
	Region string `toml:"region,omitempty"`
	// NIfTI recordings: the atlas (or mask) and its label table, an
	// optional anatomical image, the number of repetitions and whether
	// volumes are ordered stimulus-major.
	Atlas     string `toml:"atlas,omitempty"`
	Labels    string `toml:"labels,omitempty"`
	Anat      string `toml:"anat,omitempty"`
	Reps      int    `toml:"reps,omitempty"`
	StimMajor bool   `toml:"stim_major,omitempty"`
	// Units names a CSV of unit coordinates (x, y, z per channel) for
	// electrophysiology recordings.
	Units string `toml:"units,omitempty"`
}

// MismatchError reports data that disagree with the project's stimuli.
type MismatchError struct {
	Source   string // file (and key) of the offending data
	What     string // "stimulus count", "stimulus name 3", …
	Expected string
	Found    string
}

func (e *MismatchError) Error() string {
	return fmt.Sprintf("%s: %s: expected %s, found %s", e.Source, e.What, e.Expected, e.Found)
}

// Model returns the model called name, or nil.
func (p *Project) Model(name string) *Model {
	for _, m := range p.Models {
		if m.Name == name {
			return m
		}
	}
	return nil
}

// Subject returns the subject called name, or nil.
func (p *Project) Subject(name string) *Subject {
	for _, s := range p.Subjects {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// NStimuli is the project's stimulus count, or -1 while it has none.
func (p *Project) NStimuli() int {
	if p.Stimuli == nil {
		return -1
	}
	return p.Stimuli.Len()
}

func (p *Project) checkRows(src string, n int, names []string) error {
	if n < 0 {
		return &MismatchError{Source: src, What: "RDM length", Expected: "n(n−1)/2 values for n stimuli", Found: "another length"}
	}
	want := p.NStimuli()
	if want < 0 {
		return nil
	}
	if n != want {
		return &MismatchError{Source: src, What: "stimulus count (rows)",
			Expected: fmt.Sprintf("%d stimuli as in %s", want, p.stimSource()),
			Found:    fmt.Sprintf("%d rows", n)}
	}
	return p.checkNames(src, names)
}

func (p *Project) stimSource() string {
	if p.Stimuli.Source != "" {
		return p.Stimuli.Source
	}
	return "the project"
}

func (p *Project) checkNames(src string, names []string) error {
	if names == nil || p.Stimuli == nil {
		return nil
	}
	if len(names) != p.Stimuli.Len() {
		return &MismatchError{Source: src, What: "stimulus names",
			Expected: fmt.Sprintf("%d names", p.Stimuli.Len()), Found: fmt.Sprintf("%d names", len(names))}
	}
	for i, nm := range names {
		if nm != p.Stimuli.Names[i] {
			return &MismatchError{Source: src, What: fmt.Sprintf("stimulus name at row %d", i+1),
				Expected: fmt.Sprintf("%q (from %s)", p.Stimuli.Names[i], p.stimSource()), Found: fmt.Sprintf("%q", nm)}
		}
	}
	return nil
}

// SetStimuli installs the stimulus table. When the project already holds
// data, the table must have as many stimuli as their rows.
func (p *Project) SetStimuli(s *Stimuli) error {
	if err := s.Validate(); err != nil {
		return err
	}
	for _, m := range p.Models {
		for _, l := range m.Layers {
			if n := l.NStimuli(); n != s.Len() {
				return &MismatchError{Source: s.Source, What: "stimulus count",
					Expected: fmt.Sprintf("%d stimuli (rows of layer %s/%s from %s)", n, m.Name, l.Name, l.Source),
					Found:    fmt.Sprintf("%d rows", s.Len())}
			}
		}
	}
	for _, sub := range p.Subjects {
		for _, r := range sub.Regions {
			if n := r.NStimuli(); n != s.Len() {
				return &MismatchError{Source: s.Source, What: "stimulus count",
					Expected: fmt.Sprintf("%d stimuli (rows of %s/%s from %s)", n, sub.Name, r.Name, r.Source),
					Found:    fmt.Sprintf("%d rows", s.Len())}
			}
		}
	}
	p.Stimuli = s
	return nil
}

// ensureStimuli gives a project without a table default stimulus names.
func (p *Project) ensureStimuli(n int) {
	if p.Stimuli == nil {
		p.Stimuli = NewStimuli(n)
		p.Stimuli.Source = "the first loaded file"
	}
}

// AddModel adds a model after checking every layer against the stimuli.
// A model of the same name is an error; nothing changes on error.
func (p *Project) AddModel(m *Model) error {
	if m.Name == "" {
		return fmt.Errorf("%s: model has no name", m.Source)
	}
	if p.Model(m.Name) != nil {
		return fmt.Errorf("%s: the project already has a model called %q; choose another name or remove it first", m.Source, m.Name)
	}
	if len(m.Layers) == 0 {
		return fmt.Errorf("%s: model %q has no layers", m.Source, m.Name)
	}
	seen := map[string]bool{}
	var n0 = -1
	for _, l := range m.Layers {
		if seen[l.Name] {
			return fmt.Errorf("%s: layer %q appears twice", l.Source, l.Name)
		}
		seen[l.Name] = true
		if (l.Data == nil) == (l.RDM == nil) {
			return fmt.Errorf("%s: layer %q needs either activations or a precomputed RDM", l.Source, l.Name)
		}
		n := l.NStimuli()
		if err := p.checkRows(l.Source, n, l.StimulusNames); err != nil {
			return err
		}
		if n0 >= 0 && n != n0 {
			return &MismatchError{Source: l.Source, What: "stimulus count (rows)",
				Expected: fmt.Sprintf("%d rows like the model's first layer", n0), Found: fmt.Sprintf("%d rows", n)}
		}
		n0 = n
	}
	p.ensureStimuli(n0)
	p.Models = append(p.Models, m)
	return nil
}

// AddRecording adds region rec of subject (created when new). A region
// that the subject already has is an error; nothing changes on error.
func (p *Project) AddRecording(subject, region string, rec *Recording) error {
	if subject == "" || region == "" {
		return fmt.Errorf("%s: a recording needs a subject and a region name", rec.Source)
	}
	if (rec.Data == nil) == (rec.RDM == nil) {
		return fmt.Errorf("%s: a recording needs either data or a precomputed RDM", rec.Source)
	}
	n := rec.NStimuli()
	if err := p.checkRows(rec.Source, n, rec.StimulusNames); err != nil {
		return err
	}
	v := rec.Channels()
	for i, r := range rec.Reps {
		rn, rv := r.Dims()
		if rn != n || rv != v {
			return &MismatchError{Source: rec.Source, What: fmt.Sprintf("repetition %d", i+1),
				Expected: fmt.Sprintf("%d × %d", n, v), Found: fmt.Sprintf("%d × %d", rn, rv)}
		}
	}
	if rec.Geometry != nil {
		if err := rec.Geometry.Check(v); err != nil {
			return err
		}
	}
	s := p.Subject(subject)
	if s != nil && s.Region(region) != nil {
		return fmt.Errorf("%s: subject %q already has a region %q; remove it first or choose another name", rec.Source, subject, region)
	}
	p.ensureStimuli(n)
	if s == nil {
		s = &Subject{Name: subject}
		p.Subjects = append(p.Subjects, s)
	}
	s.Regions = append(s.Regions, &Region{Name: region, Recording: rec})
	return nil
}

// RegionNames lists the distinct region names over all subjects, in order of
// first appearance.
func (p *Project) RegionNames() []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range p.Subjects {
		for _, r := range s.Regions {
			if !seen[r.Name] {
				seen[r.Name] = true
				out = append(out, r.Name)
			}
		}
	}
	return out
}

// Rename renames the model or subject (kind "model" or "subject") called
// old; the new name must be free.
func (p *Project) Rename(kind, old, name string) error {
	name = strings.TrimSpace(name)
	if name == "" {
		return fmt.Errorf("a %s needs a name", kind)
	}
	switch kind {
	case "model":
		m := p.Model(old)
		if m == nil {
			return fmt.Errorf("no model %q", old)
		}
		if name != old && p.Model(name) != nil {
			return fmt.Errorf("there is already a model %q", name)
		}
		mc := *m
		mc.Name = name
		for i := range p.Models {
			if p.Models[i] == m {
				p.Models[i] = &mc
			}
		}
	case "subject":
		s := p.Subject(old)
		if s == nil {
			return fmt.Errorf("no subject %q", old)
		}
		if name != old && p.Subject(name) != nil {
			return fmt.Errorf("there is already a subject %q", name)
		}
		sc := *s
		sc.Name = name
		for i := range p.Subjects {
			if p.Subjects[i] == s {
				p.Subjects[i] = &sc
			}
		}
	default:
		return fmt.Errorf("cannot rename a %s", kind)
	}
	p.Edits = append(p.Edits, Edit{Op: "rename", Kind: kind, Name: old, To: name})
	return nil
}

// Remove removes the model or subject (kind "model" or "subject") called
// name.
func (p *Project) Remove(kind, name string) error {
	switch kind {
	case "model":
		for i, m := range p.Models {
			if m.Name == name {
				p.Models = append(p.Models[:i:i], p.Models[i+1:]...)
				p.Edits = append(p.Edits, Edit{Op: "remove", Kind: kind, Name: name})
				return nil
			}
		}
	case "subject":
		for i, s := range p.Subjects {
			if s.Name == name {
				p.Subjects = append(p.Subjects[:i:i], p.Subjects[i+1:]...)
				p.Edits = append(p.Edits, Edit{Op: "remove", Kind: kind, Name: name})
				return nil
			}
		}
	}
	return fmt.Errorf("no %s %q to remove", kind, name)
}
