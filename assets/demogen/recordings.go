package demogen

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// simulateSubject makes the recordings of subject number s (see the
// package documentation for the model).
func simulateSubject(name string, s int, net *Model, cats []int, truth []RegionSpec, brain *Brain) (*Subject, error) {
	r := newRand(streamSubject + uint64(s))
	n := len(cats)
	sub := &Subject{Name: name}
	for ri, spec := range truth {
		v := spec.Voxels
		signal := make([]float64, n*v)
		for _, comp := range spec.Components {
			var x []float64
			var p int
			if comp.Source == "category" {
				p = len(Categories)
				x = make([]float64, n*p)
				for i, c := range cats {
					x[i*p+c] = 1
				}
			} else {
				l := net.Layer(comp.Source)
				if l == nil {
					return nil, fmt.Errorf("region %s: no layer %q in %s", spec.Name, comp.Source, net.Name)
				}
				_, p = l.Data.Dims()
				x = rawData(l.Data)
			}
			z, err := zscoreRows(x, n, p)
			if err != nil {
				return nil, fmt.Errorf("region %s: %s: %w", spec.Name, comp.Source, err)
			}
			proj := normals(r, p*v, 1/math.Sqrt(float64(p)))
			c := make([]float64, n*v)
			for i := range n {
				for k := range p {
					axpy(z[i*p+k], proj[k*v:(k+1)*v], c[i*v:(i+1)*v])
				}
			}
			rms := math.Sqrt(dot(c, c) / float64(n*v))
			if comp.Slope == 0 {
				axpy(comp.Weight/rms, c, signal)
				continue
			}
			t := brain.posteriorAnterior(ri)
			if len(t) != v {
				return nil, fmt.Errorf("region %s: %d atlas voxels for %d channels", spec.Name, len(t), v)
			}
			w := make([]float64, v)
			for j := range w {
				w[j] = mul(comp.Weight, 1+mul(comp.Slope, t[j])) / rms
			}
			for i := range n {
				for j := range v {
					signal[i*v+j] += mul(w[j], c[i*v+j])
				}
			}
		}
		scaleVoxels(signal, n, v)
		reg := &Region{Name: spec.Name}
		sd := spec.NoiseSD()
		for range Repetitions {
			y := normals(r, n*v, sd)
			for i := range y {
				y[i] = round32(signal[i] + y[i])
			}
			reg.Reps = append(reg.Reps, mat.NewDense(n, v, y))
		}
		sub.Regions = append(sub.Regions, reg)
	}
	return sub, nil
}

// zscoreRows returns the rows (stimulus patterns) of the n × p row-major
// matrix x centred and scaled to unit variance over the p units, so that
// z_i·z_j / p is the Pearson correlation of patterns i and j.
func zscoreRows(x []float64, n, p int) ([]float64, error) {
	z := make([]float64, n*p)
	for i := range n {
		row := x[i*p : (i+1)*p]
		var m float64
		for _, v := range row {
			m += v
		}
		m /= float64(p)
		var ss float64
		for _, v := range row {
			ss += sq(v - m)
		}
		sd := math.Sqrt(ss / float64(p))
		if !(sd > 0) {
			return nil, fmt.Errorf("stimulus %d has a constant pattern", i)
		}
		for j, v := range row {
			z[i*p+j] = (v - m) / sd
		}
	}
	return z, nil
}

// scaleVoxels divides each column (voxel) of the n × v row-major matrix x
// by its standard deviation over stimuli, leaving its mean (the voxel's
// baseline) scaled but in place.
func scaleVoxels(x []float64, n, v int) {
	for j := range v {
		var m float64
		for i := range n {
			m += x[i*v+j]
		}
		m /= float64(n)
		var ss float64
		for i := range n {
			ss += sq(x[i*v+j] - m)
		}
		sd := math.Sqrt(ss / float64(n))
		for i := range n {
			x[i*v+j] /= sd
		}
	}
}
