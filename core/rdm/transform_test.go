package rdm

import (
	"fmt"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func eqVec(a, b []float64, tol float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.IsNaN(a[i]) || math.IsNaN(b[i]) {
			if math.IsNaN(a[i]) != math.IsNaN(b[i]) {
				return false
			}
			continue
		}
		if math.IsInf(b[i], 0) {
			if a[i] != b[i] {
				return false
			}
			continue
		}
		if math.Abs(a[i]-b[i]) > tol {
			return false
		}
	}
	return true
}

func TestRankTies(t *testing.T) {
	nan := math.NaN()
	x := []float64{10, 20, 10, nan, 5, 20, 20}
	tests := []struct {
		ties Ties
		want []float64
	}{
		{TiesAverage, []float64{2.5, 5, 2.5, nan, 1, 5, 5}},
		{TiesMin, []float64{2, 4, 2, nan, 1, 4, 4}},
		{TiesMax, []float64{3, 6, 3, nan, 1, 6, 6}},
		{TiesDense, []float64{2, 3, 2, nan, 1, 3, 3}},
		{TiesOrdinal, []float64{2, 4, 3, nan, 1, 5, 6}},
	}
	for _, tt := range tests {
		if got := Rank(x, tt.ties); !eqVec(got, tt.want, 0) {
			t.Errorf("Rank %v = %v want %v", tt.ties, got, tt.want)
		}
		p, err := ParseTies(tt.ties.String())
		if err != nil || p != tt.ties {
			t.Errorf("ParseTies(%q) = %v, %v", tt.ties.String(), p, err)
		}
	}
	if _, err := ParseTies("first"); err == nil {
		t.Error("ParseTies accepted an unknown method")
	}
}

func TestTransforms(t *testing.T) {
	nan := math.NaN()
	in := mat.NewDense(2, 3, []float64{-1, 4, 9, 2, nan, 6})
	tests := []struct {
		name string
		got  *mat.Dense
		want []float64
	}{
		{"positive", PositiveTransform(in), []float64{0, 4, 9, 2, nan, 6}},
		{"sqrt", SqrtTransform(in), []float64{0, 2, 3, math.Sqrt2, nan, math.Sqrt(6)}},
		{"minmax", MinMaxTransform(in), []float64{0, 0.5, 1, 0, nan, 1}},
		{"rank", RankTransform(in, TiesAverage), []float64{1, 2, 3, 1, nan, 2}},
	}
	for _, tt := range tests {
		if !eqVec(tt.got.RawMatrix().Data, tt.want, 1e-15) {
			t.Errorf("%s = %v want %v", tt.name, tt.got.RawMatrix().Data, tt.want)
		}
	}
	if in.At(0, 0) != -1 {
		t.Error("transform modified its input")
	}
	c := MinMaxTransform(mat.NewDense(1, 3, []float64{2, 2, 2}))
	if !math.IsNaN(c.At(0, 0)) {
		t.Errorf("minmax of a constant RDM = %v, want NaN (0/0)", c.At(0, 0))
	}
}

func TestQuantileNumpyLinear(t *testing.T) {
	x := []float64{4, 1, 3, 2, math.NaN()}
	for _, tt := range []struct{ q, want float64 }{{0, 1}, {1, 4}, {0.5, 2.5}, {0.2, 1.6}, {0.8, 3.4}} {
		if got := Quantile(x, tt.q); math.Abs(got-tt.want) > 1e-15 {
			t.Errorf("Quantile(%v) = %v want %v", tt.q, got, tt.want)
		}
	}
}

func TestGeotopological(t *testing.T) {
	// Entries 0 … 10: lo = Q(0.2) = 2, hi = Q(0.8) = 8.
	v := []float64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	in := mat.NewDense(1, len(v), v)
	got, err := GeotopologicalTransform(in, 0.2, 0.8)
	if err != nil {
		t.Fatal(err)
	}
	// Step 2 maps [2, 8] onto [0, 1]; step 3 sets > 8 to 1.
	want := []float64{0, 0, 0, 1.0 / 6, 2.0 / 6, 3.0 / 6, 4.0 / 6, 5.0 / 6, 1, 1, 1}
	if !eqVec(got.RawMatrix().Data, want, 1e-15) {
		t.Errorf("geotopological = %v want %v", got.RawMatrix().Data, want)
	}
	// With hi < 1, rescaled values above hi are set to 1 as well (rsatoolbox's in-place order).
	got, _ = GeotopologicalTransform(mat.NewDense(1, 6, []float64{0, 0.1, 0.2, 0.3, 0.4, 0.5}), 0, 0.8)
	// lo = 0, hi = 0.4: 0.2 → 0.5 and 0.3 → 0.75 exceed 0.4 → 1.
	want = []float64{0, 0.25, 1, 1, 1, 1}
	if !eqVec(got.RawMatrix().Data, want, 1e-15) {
		t.Errorf("geotopological quirk = %v want %v", got.RawMatrix().Data, want)
	}
	if _, err := GeotopologicalTransform(in, 0.9, 0.1); err == nil {
		t.Error("low > up accepted")
	}
}

func TestGeodesic(t *testing.T) {
	// 4 conditions; minmax gives d01 = 0 (no edge), d23 = 1 (removed),
	// the rest in between.
	v := []float64{
		0,   // 0-1
		0.2, // 0-2
		0.5, // 0-3
		0.3, // 1-2
		0.9, // 1-3
		1,   // 2-3
	}
	got, err := GeodesicTransform(mat.NewDense(1, 6, v))
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{
		0.5, // 0-2-1
		0.2,
		0.5,
		0.3,
		0.9, // direct; 1-2-0-3 = 1.0 is longer
		0.7, // 2-0-3
	}
	if !eqVec(got.RawMatrix().Data, want, 1e-15) {
		t.Errorf("geodesic = %v want %v", got.RawMatrix().Data, want)
	}
	// Disconnected: only edge 0-1 → the others are unreachable.
	got, _ = GeodesicTransform(mat.NewDense(1, 3, []float64{0.5, 0, 1}))
	inf := math.Inf(1)
	if !eqVec(got.RawMatrix().Data, []float64{0.5, inf, inf}, 0) {
		t.Errorf("geodesic disconnected = %v", got.RawMatrix().Data)
	}
	if _, err := GeodesicTransform(mat.NewDense(1, 4, nil)); err == nil {
		t.Error("non-RDM length accepted")
	}
}

func ExampleRankTransform() {
	rdms := mat.NewDense(1, 6, []float64{0.3, 0.1, 0.3, 0.9, math.NaN(), 0.2})
	fmt.Println(RankTransform(rdms, TiesAverage).RawRowView(0))
	// Output: [3.5 1 3.5 5 NaN 2]
}
