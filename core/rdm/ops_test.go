package rdm

import (
	"fmt"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// square4 is the RDM d_ij = 10i + j (i < j) over 4 conditions.
func square4() *mat.Dense {
	return mat.NewDense(1, 6, []float64{1, 2, 3, 12, 13, 23})
}

func TestConditions(t *testing.T) {
	for _, tt := range []struct{ pairs, n int }{{1, 2}, {3, 3}, {6, 4}, {4186, 92}, {499500, 1000}} {
		if n, err := Conditions(tt.pairs); err != nil || n != tt.n {
			t.Errorf("Conditions(%d) = %d, %v want %d", tt.pairs, n, err, tt.n)
		}
	}
	for _, bad := range []int{0, 2, 4, 5, 4185} {
		if _, err := Conditions(bad); err == nil {
			t.Errorf("Conditions(%d) accepted", bad)
		}
	}
}

func TestSubsetPattern(t *testing.T) {
	got, sel, err := SubsetPattern(square4(), Seq(4), []int{3, 1, 3})
	if err != nil {
		t.Fatal(err)
	}
	// Original order kept, duplicates ignored: conditions 1, 3.
	if !eqVec(got.RawRowView(0), []float64{13}, 0) || fmt.Sprint(sel) != "[1 3]" {
		t.Errorf("subset = %v (conditions %v)", got.RawRowView(0), sel)
	}
	if _, _, err := SubsetPattern(square4(), Seq(4), []int{2}); err == nil {
		t.Error("subset of one condition accepted")
	}
	if _, _, err := SubsetPattern(square4(), []int{0, 1}, []int{0}); err == nil {
		t.Error("descriptor of the wrong length accepted")
	}
	// String descriptors.
	got, _, _ = SubsetPattern(square4(), []string{"a", "b", "a", "c"}, []string{"a", "c"})
	if !eqVec(got.RawRowView(0), []float64{2, 3, 23}, 0) {
		t.Errorf("subset by name = %v", got.RawRowView(0))
	}
}

func TestSubsamplePattern(t *testing.T) {
	// Values 3, 0, 0: indices concatenated then sorted → 0, 0, 3.
	got, sel, err := SubsamplePattern(square4(), Seq(4), []int{3, 0, 0})
	if err != nil {
		t.Fatal(err)
	}
	nan := math.NaN()
	if !eqVec(got.RawRowView(0), []float64{nan, 3, 3}, 0) || fmt.Sprint(sel) != "[0 0 3]" {
		t.Errorf("subsample = %v (conditions %v)", got.RawRowView(0), sel)
	}
}

func TestReorderSortBy(t *testing.T) {
	got, err := Reorder(square4(), []int{3, 2, 1, 0})
	if err != nil {
		t.Fatal(err)
	}
	// New (0,1) = old (3,2) = 23, (0,2) = old (3,1) = 13, …
	if !eqVec(got.RawRowView(0), []float64{23, 13, 3, 12, 2, 1}, 0) {
		t.Errorf("reorder = %v", got.RawRowView(0))
	}
	if _, err := Reorder(square4(), []int{0, 0, 1, 2}); err == nil {
		t.Error("non-permutation accepted")
	}
	// Stable: labels 1, 0, 1, 0 → order 1, 3, 0, 2.
	got, order, err := SortBy(square4(), []float64{1, 0, 1, 0})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(order) != "[1 3 0 2]" || !eqVec(got.RawRowView(0), []float64{13, 1, 12, 3, 23, 2}, 0) {
		t.Errorf("sort by = %v (order %v)", got.RawRowView(0), order)
	}
}

func TestVectorRoundTrip(t *testing.T) {
	r := &RDM{N: 4, Vec: square4().RawRowView(0)}
	if v := Vector(r.Square()); !eqVec(v, r.Vec, 0) {
		t.Errorf("Vector(Square) = %v", v)
	}
}

func ExampleCategorical() {
	r, _ := Categorical([]string{"face", "face", "body", "face"})
	fmt.Println(r.Vec)
	// Output: [0 1 0 1 0 1]
}
