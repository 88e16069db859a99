package loader

import (
	"errors"
	"fmt"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/io/nifti"
)

// Source is one file added to a project, as the user described it in the
// open form (data.Source; its Kind is one of the Kind constants). A
// project records its sources so it can load them again.
type Source = data.Source

// Change is a prepared addition to a project: applying it adds what the
// file holds, or fails without changing anything when run inside a
// workspace update.
type Change func(p *data.Project) error

// Load reads the headers of src's file and returns the change that adds it
// to a project, and the matrices a value check should stream.
func Load(src Source) (Change, []data.Matrix, []string, error) {
	var (
		change  Change
		mats    []data.Matrix
		sources []string
	)
	addLayers := func(m *data.Model) {
		for _, l := range m.Layers {
			if l.Data != nil {
				mats, sources = append(mats, l.Data), append(sources, l.Source)
			}
		}
	}
	switch src.Kind {
	case KindModel:
		if src.Name == "" {
			return nil, nil, nil, errors.New("give the model a name")
		}
		m, err := LoadModel(src.Path, src.Name)
		if err != nil {
			return nil, nil, nil, err
		}
		change = func(p *data.Project) error { return p.AddModel(m) }
		addLayers(m)
	case KindRecording:
		if src.Name == "" {
			return nil, nil, nil, errors.New("give the subject a name")
		}
		recs, err := LoadRecordings(src.Path, src.Region)
		if err != nil {
			return nil, nil, nil, err
		}
		if src.Units != "" {
			if err := attachUnits(recs, src.Units); err != nil {
				return nil, nil, nil, err
			}
		}
		change = func(p *data.Project) error {
			for _, r := range recs {
				if err := p.AddRecording(src.Name, r.Region, r.Recording); err != nil {
					return err
				}
			}
			return nil
		}
		for _, r := range recs {
			mats, sources = append(mats, r.Data), append(sources, r.Source)
		}
	case KindModelDir:
		if src.Name == "" {
			return nil, nil, nil, errors.New("give the model a name")
		}
		m, stim, err := loadModelDir(src.Path, src.Name)
		if err != nil {
			return nil, nil, nil, err
		}
		change = func(p *data.Project) error {
			if p.Stimuli == nil { // the folder's table becomes the project's
				if err := p.SetStimuli(stim); err != nil {
					return err
				}
			}
			return p.AddModel(m)
		}
		addLayers(m)
	case KindModelRDMs:
		if src.Name == "" {
			return nil, nil, nil, errors.New("give the model a name")
		}
		m, err := LoadModelRDMs(src.Path, src.Name)
		if err != nil {
			return nil, nil, nil, err
		}
		change = func(p *data.Project) error { return p.AddModel(m) }
	case KindRegionRDMs:
		rdms, err := LoadRegionRDMs(src.Path, src.Region, src.Name)
		if err != nil {
			return nil, nil, nil, err
		}
		change = func(p *data.Project) error {
			for _, r := range rdms {
				if err := p.AddRecording(r.Subject, r.Region, r.Recording); err != nil {
					return err
				}
			}
			return nil
		}
	case KindNIfTI:
		if src.Name == "" {
			return nil, nil, nil, errors.New("give the subject a name")
		}
		opt := NIfTIOptions{Betas: src.Path, Reps: max(src.Reps, 1), StimMajor: src.StimMajor, Anat: src.Anat}
		if src.Labels != "" {
			opt.Atlas, opt.Labels = src.Atlas, src.Labels
		} else {
			opt.Mask, opt.Region = src.Atlas, src.Region
		}
		res, err := LoadNIfTI(opt)
		if err != nil {
			return nil, nil, nil, err
		}
		change = func(p *data.Project) error {
			for _, r := range res.Regions {
				if err := p.AddRecording(src.Name, r.Region, r.Recording); err != nil {
					return err
				}
			}
			return nil
		}
		for _, r := range res.Regions {
			mats, sources = append(mats, r.Data), append(sources, r.Source)
		}
	case KindStimuli:
		s, err := LoadStimuli(src.Path)
		if err != nil {
			return nil, nil, nil, err
		}
		change = func(p *data.Project) error { return p.SetStimuli(s) }
	default:
		return nil, nil, nil, fmt.Errorf("%s: unknown kind of data %q", src.Path, src.Kind)
	}
	record := func(p *data.Project) error {
		if err := change(p); err != nil {
			return err
		}
		p.Sources = append(p.Sources, src)
		return nil
	}
	return record, mats, sources, nil
}

// attachUnits gives every recording the unit coordinates of a CSV; each
// must have one channel per row.
func attachUnits(recs []RegionRecording, path string) error {
	u, err := nifti.ReadUnits(path)
	if err != nil {
		return err
	}
	g := u.Geometry()
	for _, r := range recs {
		if r.Channels() != len(g.Units) {
			return fmt.Errorf("%s has %d unit coordinates but %s has %d channels; give one row per channel, in channel order",
				path, len(g.Units), r.Source, r.Channels())
		}
		r.Geometry = g
	}
	return nil
}
