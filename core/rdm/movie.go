package rdm

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/alignscope/alignscope/core/data"
	"gonum.org/v1/gonum/mat"
)

// MovieOptions configures CalcMovie.
type MovieOptions struct {
	// Options of the RDM of each time point (or bin).
	Options
	// Times holds the time value of each of the T time points (required;
	// values must be distinct).
	Times []float64
	// Bins, when not nil, averages the measurements over the time points
	// whose time value is in each bin (np.isin) before computing one RDM
	// per bin; the bin's time is the mean of those time values.
	Bins [][]float64
	// Unbalanced computes each RDM with CalcUnbalanced instead of Calc.
	Unbalanced bool
}

// Movie is a time series of RDMs.
type Movie struct {
	RDMs  []*RDM
	Times []float64 // time of each RDM
}

// CalcMovie computes one RDM per time point (rsatoolbox
// rdm/calc.py::calc_rdm_movie) of time-resolved measurements. x is
// n × (p·T): the numpy array of shape (observations, channels, time) in C
// order, element (a, c, t) at column c·T + t, with T = len(opt.Times).
// Time points keep their order; with Bins the RDMs follow the bins.
func CalcMovie(ctx context.Context, x *mat.Dense, opt MovieOptions) (*Movie, error) {
	if x == nil {
		return nil, errors.New("no data")
	}
	nt := len(opt.Times)
	if nt == 0 {
		return nil, errors.New("an RDM movie needs the time value of each time point")
	}
	n, cols := x.Dims()
	if cols%nt != 0 {
		return nil, fmt.Errorf("data have %d columns, not a multiple of %d time points", cols, nt)
	}
	p := cols / nt
	for i, t := range opt.Times {
		if math.IsNaN(t) || math.IsInf(t, 0) {
			return nil, fmt.Errorf("time %d is %v; times must be finite", i, t)
		}
		if j := slices.Index(opt.Times[:i], t); j >= 0 {
			return nil, fmt.Errorf("time points %d and %d have the same time %v; give distinct times or use Bins", j, i, t)
		}
	}
	// sel[k] lists the time points averaged into frame k.
	var sel [][]int
	var times []float64
	if opt.Bins == nil {
		for t := range opt.Times {
			sel = append(sel, []int{t})
		}
		times = slices.Clone(opt.Times)
	} else {
		for bi, bin := range opt.Bins {
			var ts []int
			var sum float64
			for t, v := range opt.Times {
				if slices.Contains(bin, v) {
					ts = append(ts, t)
					sum += v
				}
			}
			if len(ts) == 0 {
				return nil, fmt.Errorf("bin %d %v contains none of the times %v", bi, bin, opt.Times)
			}
			sel = append(sel, ts)
			times = append(times, sum/float64(len(ts)))
		}
	}
	mv := &Movie{Times: times}
	inner := opt.Options
	rep := inner.Progress
	inner.Progress = nil
	if rep != nil {
		rep.SetTotal(len(sel))
	}
	frame := mat.NewDense(n, p, nil)
	for _, ts := range sel {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		inv := 1 / float64(len(ts))
		for a := 0; a < n; a++ {
			src := x.RawRowView(a)
			dst := frame.RawRowView(a)
			for c := range dst {
				var s float64
				for _, t := range ts {
					s += src[c*nt+t]
				}
				dst[c] = s * inv
			}
		}
		var r *RDM
		var err error
		if opt.Unbalanced {
			r, err = CalcUnbalanced(ctx, data.Dense{M: frame}, inner)
		} else {
			r, err = Calc(ctx, data.Dense{M: frame}, inner)
		}
		if err != nil {
			return nil, err
		}
		mv.RDMs = append(mv.RDMs, r)
		if rep != nil {
			rep.Add(1)
		}
	}
	return mv, nil
}
