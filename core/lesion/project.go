package lesion

import (
	"context"
	"fmt"
	"slices"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/job"
	"github.com/alignscope/alignscope/core/rdm"
	"gonum.org/v1/gonum/mat"
)

// ProjectRegion gathers region name of a project for a lesion analysis:
// the correlation-distance RDM of every chosen subject's recording (the
// mean over repetitions; subjects nil: every subject with the region), in
// project order, as a Region, and the recordings as an EncodingRegion
// (default encoding options).
func ProjectRegion(ctx context.Context, p *data.Project, name string, subjects []string) (Region, EncodingRegion, error) {
	reg := Region{Name: name}
	enc := EncodingRegion{Name: name}
	var recs []data.Matrix
	for _, s := range p.Subjects {
		if subjects != nil && !slices.Contains(subjects, s.Name) {
			continue
		}
		r := s.Region(name)
		if r == nil {
			continue
		}
		recs = append(recs, r.Data)
		reg.Subjects = append(reg.Subjects, s.Name)
	}
	if len(recs) == 0 {
		return reg, enc, fmt.Errorf("no chosen subject has a region %q", name)
	}
	n, _ := recs[0].Dims()
	reg.RDMs = mat.NewDense(len(recs), rdm.Pairs(n), nil)
	err := job.For(ctx, len(recs), func(i int) error {
		d, err := rdm.Correlation(ctx, recs[i], nil)
		if err != nil {
			return fmt.Errorf("RDM of %s/%s: %w", reg.Subjects[i], name, err)
		}
		if d.N != n {
			return fmt.Errorf("%s/%s has %d stimuli, %s/%s %d", reg.Subjects[i], name, d.N, reg.Subjects[0], name, n)
		}
		reg.RDMs.SetRow(i, d.Vec)
		return nil
	})
	if err != nil {
		return reg, enc, err
	}
	enc.Recordings = recs
	return reg, enc, nil
}
