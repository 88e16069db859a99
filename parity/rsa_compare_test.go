package parity

import (
	"fmt"
	"math"
	"strings"

	"github.com/alignscope/alignscope/core/compare"
	"github.com/alignscope/alignscope/core/rdm"
	"gonum.org/v1/gonum/mat"
)

func init() {
	register("rsa", "compare", handleCompare)
	register("rsa", "compare_real", handleCompare)
	register("rsa", "transform", handleTransform)
	register("rsa", "rdm_ops", handleRDMOps)
	register("rsa", "pool_rdm", handlePoolRDM)
}

// handleCompare runs rsatoolbox.rdm.compare(rdms1, rdms2, method[, sigma_k]).
func handleCompare(c *Case) (Result, error) {
	a, err := c.Matrix("rdms1")
	if err != nil {
		return nil, err
	}
	b, err := c.Matrix("rdms2")
	if err != nil {
		return nil, err
	}
	opt := &compare.Options{}
	if c.Has("sigma_k") {
		s, err := c.Array("sigma_k")
		if err != nil {
			return nil, err
		}
		switch len(s.Shape) {
		case 1:
			opt.SigmaKDiag = s.Data
		case 2:
			opt.SigmaK = s.Matrix()
		default:
			return nil, fmt.Errorf("sigma_k of shape %v", s.Shape)
		}
	}
	sim, err := compare.Compare(a, b, c.String("method", "cosine"), opt)
	if err != nil {
		return nil, err
	}
	return Result{"similarity": FromMatrix(sim)}, nil
}

// handleTransform runs the rdm/transform.py transforms, chosen by case id.
func handleTransform(c *Case) (Result, error) {
	v, err := c.Matrix("rdms")
	if err != nil {
		return nil, err
	}
	var out *mat.Dense
	switch id := c.ID; {
	case strings.HasPrefix(id, "transform_rank"):
		ties, err := rdm.ParseTies(c.String("method", "average"))
		if err != nil {
			return nil, err
		}
		out = rdm.RankTransform(v, ties)
	case strings.HasPrefix(id, "transform_sqrt"):
		out = rdm.SqrtTransform(v)
	case strings.HasPrefix(id, "transform_positive"):
		out = rdm.PositiveTransform(v)
	case strings.HasPrefix(id, "transform_minmax"):
		out = rdm.MinMaxTransform(v)
	case strings.HasPrefix(id, "transform_geotopological"):
		out, err = rdm.GeotopologicalTransform(v, c.Float("low", 0), c.Float("up", 1))
	case strings.HasPrefix(id, "transform_geodesic"):
		out, err = rdm.GeodesicTransform(v)
	default:
		return nil, fmt.Errorf("unknown transform case %q", id)
	}
	if err != nil {
		return nil, err
	}
	return Result{"rdms": FromMatrix(out)}, nil
}

// intLabels converts integer-valued float64 labels to ints.
func intLabels(x []float64, what string) ([]int, error) {
	out := make([]int, len(x))
	for i, v := range x {
		if v != math.Trunc(v) {
			return nil, fmt.Errorf("%s[%d] = %g is not an integer", what, i, v)
		}
		out[i] = int(v)
	}
	return out, nil
}

// handleRDMOps runs RDMs.subset_pattern, subsample_pattern, reorder,
// sort_by and get_categorical_rdm, chosen by case id.
func handleRDMOps(c *Case) (Result, error) {
	id := c.ID
	if strings.HasPrefix(id, "rdm_categorical") {
		cat, err := c.Array("categories")
		if err != nil {
			return nil, err
		}
		r, err := rdm.Categorical(cat.Data)
		if err != nil {
			return nil, err
		}
		return Result{"rdm": Tensor{Shape: []int{1, len(r.Vec)}, Data: r.Vec}}, nil
	}
	v, err := c.Matrix("rdms")
	if err != nil {
		return nil, err
	}
	_, m := v.Dims()
	n, err := rdm.Conditions(m)
	if err != nil {
		return nil, err
	}
	var out *mat.Dense
	switch {
	case strings.HasPrefix(id, "rdm_subset_pattern"), strings.HasPrefix(id, "rdm_subsample_pattern"):
		if by := c.String("by", "index"); by != "index" {
			return nil, fmt.Errorf("descriptor %q is not available", by)
		}
		var vals []int
		if _, err := c.Param("value", &vals); err != nil {
			return nil, err
		}
		if strings.HasPrefix(id, "rdm_subset_pattern") {
			out, _, err = rdm.SubsetPattern(v, rdm.Seq(n), vals)
		} else {
			out, _, err = rdm.SubsamplePattern(v, rdm.Seq(n), vals)
		}
	case strings.HasPrefix(id, "rdm_reorder"):
		o, err2 := c.Array("order")
		if err2 != nil {
			return nil, err2
		}
		order, err2 := intLabels(o.Data, "order")
		if err2 != nil {
			return nil, err2
		}
		out, err = rdm.Reorder(v, order)
	case strings.HasPrefix(id, "rdm_sort_by"):
		l, err2 := c.Array("labels")
		if err2 != nil {
			return nil, err2
		}
		out, _, err = rdm.SortBy(v, l.Data)
	default:
		return nil, fmt.Errorf("unknown rdm_ops case %q", id)
	}
	if err != nil {
		return nil, err
	}
	return Result{"rdms": FromMatrix(out)}, nil
}

// handlePoolRDM runs util/inference_util.py::pool_rdm(rdms, method).
func handlePoolRDM(c *Case) (Result, error) {
	v, err := c.Matrix("rdms")
	if err != nil {
		return nil, err
	}
	p, err := compare.Pool(v, c.String("method", "cosine"))
	if err != nil {
		return nil, err
	}
	return Result{"pooled": Tensor{Shape: []int{1, len(p)}, Data: p}}, nil
}
