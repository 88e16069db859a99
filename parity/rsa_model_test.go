package parity

import (
	"context"
	"fmt"
	"strings"

	"github.com/alignscope/alignscope/core/model"
	"gonum.org/v1/gonum/mat"
)

func init() {
	register("rsa", "model", handleModelPredict)
	register("rsa", "model_fit", handleModelFit)
	register("rsa", "model_fit_real", handleModelFit)
}

// handleModelPredict runs model_* cases: a model of the kind named in the
// id (weighted by default) predicts from parameter theta.
func handleModelPredict(c *Case) (Result, error) {
	comps, err := c.Matrix("components")
	if err != nil {
		return nil, err
	}
	// theta is a list, or one number (a selection model's index).
	var theta []float64
	if _, err := c.Param("theta", &theta); err != nil {
		var one float64
		if _, err := c.Param("theta", &one); err != nil {
			return nil, err
		}
		theta = []float64{one}
	}
	var m model.Model
	switch id := c.ID; {
	case strings.Contains(id, "fixed"):
		m, err = model.NewFixed(id, comps)
	case strings.Contains(id, "select"):
		m, err = model.NewSelect(id, comps)
	case strings.Contains(id, "interpolate"):
		m, err = model.NewInterpolate(id, comps)
	default:
		m, err = model.NewWeighted(id, comps)
	}
	if err != nil {
		return nil, err
	}
	pred, err := m.Predict(theta)
	if err != nil {
		return nil, err
	}
	out := Result{}
	for name := range c.Expected {
		out[name] = Vec(pred)
	}
	return out, nil
}

// fitOptions reads ridge_weight, seed and an optional sigma_k input
// (a vector is a diagonal Σ_k).
func fitOptions(c *Case) (*model.Options, error) {
	opt := &model.Options{Ridge: c.Float("ridge_weight", 0), Seed: uint64(c.Int("seed", 0))}
	if c.Has("sigma_k") {
		t, err := c.Array("sigma_k")
		if err != nil {
			return nil, err
		}
		if len(t.Shape) == 1 {
			d := mat.NewDiagDense(len(t.Data), t.Data)
			opt.SigmaK = mat.DenseCopyOf(d)
		} else {
			opt.SigmaK = t.Matrix()
		}
	}
	return opt, nil
}

// handleModelFit runs the fitting cases, dispatching on the id:
// regress_nn, regress, optimize_positive, optimize, interpolate, select.
func handleModelFit(c *Case) (Result, error) {
	comps, err := c.Matrix("components")
	if err != nil {
		return nil, err
	}
	data, err := c.Matrix("data")
	if err != nil {
		return nil, err
	}
	method := c.String("method", "cosine")
	opt, err := fitOptions(c)
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	var theta []float64
	id := c.ID
	switch {
	case strings.Contains(id, "select"):
		s, err := model.NewSelect(id, comps)
		if err != nil {
			return nil, err
		}
		i, err := model.FitSelect(s, data, method, opt)
		if err != nil {
			return nil, err
		}
		theta = []float64{float64(i)}
	case strings.Contains(id, "interpolate"):
		p, err := model.NewInterpolate(id, comps)
		if err != nil {
			return nil, err
		}
		if theta, err = model.FitInterpolate(ctx, p, data, method, opt); err != nil {
			return nil, err
		}
	default:
		w, err := model.NewWeighted(id, comps)
		if err != nil {
			return nil, err
		}
		switch {
		case strings.Contains(id, "regress_nn"):
			theta, err = model.FitRegressNN(w, data, method, opt)
		case strings.Contains(id, "regress"):
			theta, err = model.FitRegress(w, data, method, opt)
		case strings.Contains(id, "optimize_positive"):
			theta, err = model.FitOptimizePositive(ctx, w, data, method, opt)
		case strings.Contains(id, "optimize"):
			theta, err = model.FitOptimize(ctx, w, data, method, opt)
		default:
			return nil, fmt.Errorf("unknown fitting function in case id %q", id)
		}
		if err != nil {
			return nil, err
		}
	}
	out := Result{}
	for name := range c.Expected {
		if name == "index" {
			out[name] = Scalar(theta[0])
		} else {
			out[name] = Vec(theta)
		}
	}
	return out, nil
}
