package parity

import (
	"fmt"
	"math"

	"github.com/alignscope/alignscope/core/inference"
)

func init() {
	register("rsa", "noise_ceiling", handleNoiseCeiling)
	register("rsa", "noise_ceiling_real", handleNoiseCeiling)
	register("rsa", "eval_fixed", handleEvalFixed)
	register("rsa", "eval_fixed_real", handleEvalFixed)
}

// labels reads an integer-valued label vector.
func labels(c *Case, name string) ([]int, error) {
	t, err := c.Array(name)
	if err != nil {
		return nil, err
	}
	out := make([]int, len(t.Data))
	for i, v := range t.Data {
		if v != math.Trunc(v) {
			return nil, fmt.Errorf("%s[%d] = %v is not an integer label", name, i, v)
		}
		out[i] = int(v)
	}
	return out, nil
}

// handleNoiseCeiling runs boot_noise_ceiling (leave one RDM or one group
// out) and cv_noise_ceiling over the deterministic k-fold split.
func handleNoiseCeiling(c *Case) (Result, error) {
	rdms, err := c.Matrix("rdms")
	if err != nil {
		return nil, err
	}
	method := c.String("method", "cosine")
	var groups []int
	if c.Has("groups") {
		if groups, err = labels(c, "groups"); err != nil {
			return nil, err
		}
	}
	out := Result{}
	if k := c.Int("k_rdm", 0); k > 0 {
		n, _ := rdms.Dims()
		if groups, err = inference.KFoldRDM(n, k); err != nil {
			return nil, err
		}
		f := make([]float64, n)
		for i, g := range groups {
			f[i] = float64(g)
		}
		out["fold_of_rdm"] = Vec(f)
	}
	nc, err := inference.NoiseCeiling(rdms, method, groups)
	if err != nil {
		return nil, err
	}
	out["noise_ceiling"] = Vec([]float64{nc.Lower, nc.Upper})
	return out, nil
}

// handleEvalFixed runs eval_fixed: evaluations, noise ceiling, variances.
func handleEvalFixed(c *Case) (Result, error) {
	models, err := c.Matrix("models")
	if err != nil {
		return nil, err
	}
	rdms, err := c.Matrix("rdms")
	if err != nil {
		return nil, err
	}
	f, err := inference.EvalFixed(models, rdms, c.String("method", "cosine"))
	if err != nil {
		return nil, err
	}
	out := Result{
		"evaluations":   FromMatrix(f.Evaluations),
		"noise_ceiling": Vec([]float64{f.NoiseCeiling.Lower, f.NoiseCeiling.Upper}),
	}
	if f.Variances != nil {
		out["variances"] = FromMatrix(f.Variances)
	}
	return out, nil
}
