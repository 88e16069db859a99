package inference

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestNoiseCeilingIdentical: identical (or, for the scale-free methods,
// rescaled) RDMs are their own best prediction: both bounds are 1.
func TestNoiseCeilingIdentical(t *testing.T) {
	v := []float64{0.3, 1.2, 0.7, 2.0, 0.1, 0.9, 1.5, 0.4, 1.1, 0.8}
	rdms := mat.NewDense(4, 10, nil)
	for i := 0; i < 4; i++ {
		for j, x := range v {
			rdms.Set(i, j, float64(i+1)*x)
		}
	}
	for _, method := range []string{"cosine", "corr", "spearman", "rho-a", "tau-a", "kendall", "corr_cov", "cosine_cov"} {
		for _, groups := range [][]int{nil, {0, 0, 1, 1}} {
			c, err := NoiseCeiling(rdms, method, groups)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(c.Lower-1) > 1e-12 || math.Abs(c.Upper-1) > 1e-12 {
				t.Errorf("%s groups %v: ceiling %v, want [1, 1]", method, groups, c)
			}
		}
	}
}

// TestNoiseCeilingBounds: the pool of all RDMs includes the left-out one,
// so on noisy RDMs the upper bound exceeds the lower bound.
func TestNoiseCeilingBounds(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	_, data := synth(rng, 12, 1, 6, 0.5)
	for _, method := range []string{"cosine", "corr", "spearman", "rho-a", "tau-a"} {
		c, err := NoiseCeiling(data, method, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !(c.Lower < c.Upper && c.Upper <= 1) {
			t.Errorf("%s: ceiling %v", method, c)
		}
		// one group per RDM is the default
		g, err := NoiseCeiling(data, method, []int{5, 4, 3, 2, 1, 0})
		if err != nil || !close(g.Lower, c.Lower, 1e-14) || !close(g.Upper, c.Upper, 1e-14) {
			t.Errorf("%s: relabelled groups give %v (%v), want %v", method, g, err, c)
		}
	}
}

func TestNoiseCeilingErrors(t *testing.T) {
	ok := mat.NewDense(3, 6, []float64{1, 2, 3, 4, 5, 6, 2, 2, 3, 4, 5, 5, 1, 3, 3, 4, 6, 6})
	constant := mat.NewDense(3, 6, []float64{1, 2, 3, 4, 5, 6, 2, 2, 2, 2, 2, 2, 1, 3, 3, 4, 6, 6})
	for _, c := range []struct {
		name   string
		rdms   *mat.Dense
		method string
		groups []int
		want   string
	}{
		{"one RDM", mat.NewDense(1, 6, []float64{1, 2, 3, 4, 5, 6}), "corr", nil, "at least 2 groups"},
		{"one group", ok, "corr", []int{7, 7, 7}, "at least 2 groups"},
		{"labels", ok, "corr", []int{1, 2}, "2 labels for 3"},
		{"size", mat.NewDense(3, 5, nil), "corr", nil, "not n(n−1)/2"},
		{"constant", constant, "corr", nil, "cannot be normalised"},
		{"method", ok, "euclidean", nil, "no pooled RDM"},
	} {
		_, err := NoiseCeiling(c.rdms, c.method, c.groups)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err %v, want %q", c.name, err, c.want)
		}
	}
	if _, err := NoiseCeiling(ok, "euclidean", nil); !errors.Is(err, ErrNoPooling) {
		t.Errorf("unknown method: %v does not wrap ErrNoPooling", err)
	}
}

func TestKFoldRDM(t *testing.T) {
	for _, c := range []struct {
		n, k int
		want []int
	}{
		{8, 3, []int{0, 0, 1, 1, 2, 2, 1, 0}},
		{7, 2, []int{0, 0, 0, 1, 1, 1, 0}},
		{4, 4, []int{0, 1, 2, 3}},
		{6, 3, []int{0, 0, 1, 1, 2, 2}},
	} {
		got, err := KFoldRDM(c.n, c.k)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("KFoldRDM(%d, %d) = %v, %v; want %v", c.n, c.k, got, err, c.want)
		}
	}
	for _, c := range [][2]int{{5, 1}, {3, 4}} {
		if _, err := KFoldRDM(c[0], c[1]); err == nil {
			t.Errorf("KFoldRDM(%d, %d): no error", c[0], c[1])
		}
	}
}
