package parity

import (
	"context"
	"fmt"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/noise"
	"github.com/alignscope/alignscope/core/rdm"
	"gonum.org/v1/gonum/mat"
)

func init() {
	register("rsa", "calc_rdm", handleCalcRDM)
	register("rsa", "calc_rdm_movie", handleCalcRDMMovie)
	register("rsa", "calc_rdm_unbalanced", handleCalcRDMUnbalanced)
	register("rsa", "noise", handleNoise)
}

// calcOptions builds rdm.Options from the case: the descriptor and
// cv_descriptor parameters name the label inputs, noise is one
// precision, noise_list one per fold.
func calcOptions(c *Case) (rdm.Options, error) {
	opt := rdm.Options{
		Method:     rdm.Method(c.String("method", "euclidean")),
		RemoveMean: c.Bool("remove_mean", false),
	}
	if d := c.String("descriptor", ""); d != "" {
		t, err := c.Array(d)
		if err != nil {
			return opt, err
		}
		opt.Conditions = t.Data
	}
	if d := c.String("cv_descriptor", ""); d != "" {
		t, err := c.Array(d)
		if err != nil {
			return opt, err
		}
		opt.Folds = t.Data
	}
	if c.Has("noise") {
		p, err := c.Matrix("noise")
		if err != nil {
			return opt, err
		}
		opt.Precision = p
	}
	if c.Has("noise_list") {
		t, err := c.Array("noise_list")
		if err != nil {
			return opt, err
		}
		if len(t.Shape) != 3 || t.Shape[1] != t.Shape[2] {
			return opt, fmt.Errorf("noise_list has shape %v, want k × p × p", t.Shape)
		}
		p := t.Shape[1]
		for k := 0; k < t.Shape[0]; k++ {
			opt.FoldPrecisions = append(opt.FoldPrecisions, mat.NewDense(p, p, t.Data[k*p*p:(k+1)*p*p]))
		}
	}
	if _, ok := c.Parameters["prior_lambda"]; ok {
		opt.Prior = &rdm.Prior{Lambda: c.Float("prior_lambda", 1), Weight: c.Float("prior_weight", 0.1)}
	} else if _, ok := c.Parameters["prior_weight"]; ok {
		opt.Prior = &rdm.Prior{Lambda: 1, Weight: c.Float("prior_weight", 0.1)}
	}
	if w := c.String("weighting", "number"); w == "equal" {
		opt.Weighting = rdm.WeightEqual
	}
	return opt, nil
}

func rdmResult(c *Case, r *rdm.RDM) Result {
	res := Result{"rdm": {Shape: []int{1, len(r.Vec)}, Data: r.Vec}}
	if _, ok := c.Expected["condition_order"]; ok && r.Labels != nil {
		res["condition_order"] = Vec(r.Labels)
	}
	return res
}

func handleCalcRDM(c *Case) (Result, error) {
	x, err := c.Matrix("X")
	if err != nil {
		return nil, err
	}
	opt, err := calcOptions(c)
	if err != nil {
		return nil, err
	}
	r, err := rdm.Calc(context.Background(), data.Dense{M: x}, opt)
	if err != nil {
		return nil, err
	}
	res := rdmResult(c, r)
	if _, ok := c.Expected["implied_folds"]; ok {
		f, err := rdm.DefaultFolds(opt.Conditions)
		if err != nil {
			return nil, err
		}
		res["implied_folds"] = Vec(f)
	}
	if _, ok := c.Expected["precision"]; ok {
		// Re-estimate the precision from the residuals, so that the case
		// also tests core/noise.
		resid, err := c.Matrix("residuals")
		if err != nil {
			return nil, err
		}
		p, err := noise.Precision(resid, noise.Method(c.String("prec_method", "shrinkage_diag")), 0)
		if err != nil {
			return nil, err
		}
		res["precision"] = FromMatrix(p)
	}
	return res, nil
}

func handleCalcRDMUnbalanced(c *Case) (Result, error) {
	x, err := c.Matrix("X")
	if err != nil {
		return nil, err
	}
	opt, err := calcOptions(c)
	if err != nil {
		return nil, err
	}
	r, err := rdm.CalcUnbalanced(context.Background(), data.Dense{M: x}, opt)
	if err != nil {
		return nil, err
	}
	return rdmResult(c, r), nil
}

func handleCalcRDMMovie(c *Case) (Result, error) {
	xt, err := c.Array("X")
	if err != nil {
		return nil, err
	}
	if len(xt.Shape) != 3 {
		return nil, fmt.Errorf("X has shape %v, want observations × channels × time", xt.Shape)
	}
	times, err := c.Array("times")
	if err != nil {
		return nil, err
	}
	opt, err := calcOptions(c)
	if err != nil {
		return nil, err
	}
	mo := rdm.MovieOptions{Options: opt, Times: times.Data}
	if _, err := c.Param("bins", &mo.Bins); err != nil {
		return nil, err
	}
	mv, err := rdm.CalcMovie(context.Background(), xt.Matrix(), mo)
	if err != nil {
		return nil, err
	}
	var d []float64
	for _, r := range mv.RDMs {
		d = append(d, r.Vec...)
	}
	return Result{
		"rdms": {Shape: []int{len(mv.RDMs), len(d) / len(mv.RDMs)}, Data: d},
		"time": Vec(mv.Times),
	}, nil
}

func handleNoise(c *Case) (Result, error) {
	method := noise.Method(c.String("method", "shrinkage_diag"))
	dof := c.Int("dof", 0)
	switch {
	case c.Has("residuals"):
		r, err := c.Matrix("residuals")
		if err != nil {
			return nil, err
		}
		res := Result{}
		if _, ok := c.Expected["cov"]; ok {
			cov, err := noise.Covariance(r, method, dof)
			if err != nil {
				return nil, err
			}
			res["cov"] = FromMatrix(cov)
		}
		if _, ok := c.Expected["prec"]; ok {
			p, err := noise.Precision(r, method, dof)
			if err != nil {
				return nil, err
			}
			res["prec"] = FromMatrix(p)
		}
		return res, nil
	case c.Has("runs"):
		x, err := c.Matrix("X")
		if err != nil {
			return nil, err
		}
		conds, err := c.Array(c.String("obs_descriptor", "conds"))
		if err != nil {
			return nil, err
		}
		runs, err := c.Array(c.String("cv_descriptor", "runs"))
		if err != nil {
			return nil, err
		}
		var prec mat.Matrix
		if c.Has("noise") {
			p, err := c.Matrix("noise")
			if err != nil {
				return nil, err
			}
			prec = p
		}
		sk, _, err := noise.SigmaK(x, conds.Data, runs.Data, prec)
		if err != nil {
			return nil, err
		}
		return Result{"sigma_k": FromMatrix(sk)}, nil
	default:
		x, err := c.Matrix("X")
		if err != nil {
			return nil, err
		}
		conds, err := c.Array(c.String("obs_desc", "conds"))
		if err != nil {
			return nil, err
		}
		res := Result{}
		if _, ok := c.Expected["cov"]; ok {
			cov, err := noise.CovarianceFromMeasurements(x, conds.Data, method)
			if err != nil {
				return nil, err
			}
			res["cov"] = FromMatrix(cov)
		}
		if _, ok := c.Expected["prec"]; ok {
			p, err := noise.PrecisionFromMeasurements(x, conds.Data, method)
			if err != nil {
				return nil, err
			}
			res["prec"] = FromMatrix(p)
		}
		return res, nil
	}
}
