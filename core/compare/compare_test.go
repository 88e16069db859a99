package compare

import (
	"math"
	"testing"
)

func TestRank(t *testing.T) {
	got := Rank([]float64{10, 20, 10, 5, 20, 20})
	want := []float64{2.5, 5, 2.5, 1, 5, 5}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("Rank = %v want %v", got, want)
		}
	}
}

func TestSpearmanPearson(t *testing.T) {
	tests := []struct {
		name   string
		a, b   []float64
		sp, pe float64
	}{
		{"monotone", []float64{1, 2, 3, 4}, []float64{1, 4, 9, 16}, 1, 0.9843740386976969},
		{"reversed", []float64{1, 2, 3}, []float64{3, 2, 1}, -1, -1},
		{"nan dropped", []float64{1, math.NaN(), 2, 3}, []float64{2, 5, 4, 6}, 1, 1},
	}
	for _, tt := range tests {
		if got := Spearman(tt.a, tt.b); math.Abs(got-tt.sp) > 1e-12 {
			t.Errorf("%s: Spearman = %v want %v", tt.name, got, tt.sp)
		}
		if got := Pearson(tt.a, tt.b); math.Abs(got-tt.pe) > 1e-12 {
			t.Errorf("%s: Pearson = %v want %v", tt.name, got, tt.pe)
		}
	}
}
