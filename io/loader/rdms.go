package loader

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/io/npy"
)

// Precomputed RDMs come as one array (or one per .npz key) shaped
//
//	(pairs,)       one RDM as a condensed vector (upper triangle, i < j)
//	(n, n)         one RDM as a square matrix
//	(k, pairs)     k RDMs as condensed vectors
//	(k, n, n)      k RDMs as square matrices
//
// A square matrix must be symmetric; its diagonal is ignored.

// readRDMs reads the RDMs of one array as condensed vectors.
func readRDMs(a *npy.Array) ([][]float64, error) {
	if err := usable(a); err != nil {
		return nil, err
	}
	v, err := a.Matrix()
	if err != nil {
		return nil, err
	}
	m, err := data.ReadAll(v)
	if err != nil {
		return nil, err
	}
	raw := m.RawMatrix().Data
	square := func(n int, x []float64) ([]float64, error) {
		out := make([]float64, 0, n*(n-1)/2)
		for i := 0; i < n; i++ {
			for j := i + 1; j < n; j++ {
				a, b := x[i*n+j], x[j*n+i]
				if !(a == b || math.IsNaN(a) && math.IsNaN(b)) && math.Abs(a-b) > 1e-9*math.Max(1, math.Abs(a)) {
					return nil, fmt.Errorf("not symmetric: entry (%d,%d) is %g but (%d,%d) is %g", i+1, j+1, a, j+1, i+1, b)
				}
				out = append(out, a)
			}
		}
		return out, nil
	}
	shapeErr := func() error {
		return fmt.Errorf("%s has shape %s, which is not an RDM: use (pairs,), (n, n), (k, pairs) or (k, n, n) with pairs = n(n−1)/2",
			a.Source, shapeString(a.Shape))
	}
	switch s := a.Shape; len(s) {
	case 1:
		if data.StimuliOfPairs(s[0]) < 2 {
			return nil, shapeErr()
		}
		return [][]float64{raw}, nil
	case 2:
		if s[0] == s[1] && s[0] > 2 {
			r, err := square(s[0], raw)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", a.Source, err)
			}
			return [][]float64{r}, nil
		}
		if data.StimuliOfPairs(s[1]) < 2 {
			return nil, shapeErr()
		}
		out := make([][]float64, s[0])
		for k := range out {
			out[k] = raw[k*s[1] : (k+1)*s[1]]
		}
		return out, nil
	case 3:
		if s[1] != s[2] || s[1] < 3 {
			return nil, shapeErr()
		}
		out := make([][]float64, s[0])
		for k := range out {
			r, err := square(s[1], raw[k*s[1]*s[1]:(k+1)*s[1]*s[1]])
			if err != nil {
				return nil, fmt.Errorf("%s: RDM %d: %w", a.Source, k+1, err)
			}
			out[k] = r
		}
		return out, nil
	}
	return nil, shapeErr()
}

// LoadModelRDMs opens precomputed model RDMs as a model called name: every
// RDM becomes a layer, named by its .npz key (with the RDM's number when a
// key holds several) or "rdm1", "rdm2", … for a .npy.
func LoadModelRDMs(path, name string) (*data.Model, error) {
	if err := checkRegular(path); err != nil {
		return nil, err
	}
	f, err := npy.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m := &data.Model{Name: name, Source: path}
	for _, a := range f.Arrays {
		rdms, err := readRDMs(a)
		if err != nil {
			return nil, err
		}
		for k, r := range rdms {
			lname := a.Name
			switch {
			case f.Kind == "npy":
				lname = fmt.Sprintf("rdm%d", k+1)
			case len(rdms) > 1:
				lname = fmt.Sprintf("%s%d", a.Name, k+1)
			}
			m.Layers = append(m.Layers, &data.Layer{Name: lname, DType: a.DType, RDM: r,
				Source: fmt.Sprintf("%s[%d]", a.Source, k)})
		}
	}
	if len(m.Layers) == 0 {
		return nil, fmt.Errorf("%s holds no RDMs", path)
	}
	return m, nil
}

// SubjectRDMs is one subject's precomputed RDM of a region.
type SubjectRDMs struct {
	Subject string
	RegionRecording
}

// LoadRegionRDMs opens precomputed brain RDMs of one region: each RDM is
// one subject's (or session's), named prefix-1, prefix-2, … (prefix
// "subject" when empty). An .npz holds one region per key; a .npy is the
// region called region (its file name when empty).
func LoadRegionRDMs(path, region, prefix string) ([]SubjectRDMs, error) {
	if err := checkRegular(path); err != nil {
		return nil, err
	}
	f, err := npy.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if prefix == "" {
		prefix = "subject"
	}
	if region == "" {
		region = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	var out []SubjectRDMs
	for _, a := range f.Arrays {
		rdms, err := readRDMs(a)
		if err != nil {
			return nil, err
		}
		reg := a.Name
		if f.Kind == "npy" {
			reg = region
		}
		for k, r := range rdms {
			out = append(out, SubjectRDMs{Subject: fmt.Sprintf("%s-%02d", prefix, k+1),
				RegionRecording: RegionRecording{Region: reg, Recording: &data.Recording{
					DType: a.DType, RDM: r, Source: fmt.Sprintf("%s[%d]", a.Source, k)}}})
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s holds no RDMs", path)
	}
	return out, nil
}
