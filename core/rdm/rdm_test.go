package rdm

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/alignscope/alignscope/core/data"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

func TestIndexOrder(t *testing.T) {
	n, k := 5, 0
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			if Index(n, i, j) != k || Index(n, j, i) != k {
				t.Fatalf("Index(%d,%d)=%d want %d", i, j, Index(n, i, j), k)
			}
			k++
		}
	}
	if k != Pairs(n) {
		t.Fatal("pairs")
	}
}

func TestDistancesByDefinition(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	n, p := 9, 700
	x := mat.NewDense(n, p, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < p; j++ {
			x.Set(i, j, r.NormFloat64()+float64(i))
		}
	}
	eu, err := Euclidean(context.Background(), data.Dense{M: x}, nil)
	if err != nil {
		t.Fatal(err)
	}
	co, err := Correlation(context.Background(), data.Dense{M: x}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			a, b := x.RawRowView(i), x.RawRowView(j)
			var d float64
			for k := range a {
				d += (a[k] - b[k]) * (a[k] - b[k])
			}
			if got, want := eu.At(i, j), d/float64(p); math.Abs(got-want) > 1e-9*want {
				t.Fatalf("euclidean(%d,%d) = %v want %v", i, j, got, want)
			}
			if got, want := co.At(j, i), 1-stat.Correlation(a, b, nil); math.Abs(got-want) > 1e-10 {
				t.Fatalf("correlation(%d,%d) = %v want %v", i, j, got, want)
			}
		}
	}
}

// TestStreamedBlocksMatch uses more columns than one default block holds,
// so the Gram matrix is accumulated over several blocks.
func TestStreamedBlocksMatch(t *testing.T) {
	n := 2000 // BlockColumns(2000, p) = 2097 columns
	p := 5000
	r := rand.New(rand.NewPCG(1, 2))
	x := mat.NewDense(n, p, nil)
	for i := range x.RawMatrix().Data {
		x.RawMatrix().Data[i] = r.Float64()
	}
	if data.BlockColumns(n, p) >= p {
		t.Fatal("test needs several blocks")
	}
	g, _, err := Gram(context.Background(), data.Dense{M: x}, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, ij := range [][2]int{{0, 0}, {3, 1999}, {1000, 17}} {
		want := mat.Dot(x.RowView(ij[0]), x.RowView(ij[1]))
		if math.Abs(g.At(ij[0], ij[1])-want) > 1e-9*want {
			t.Fatalf("G%v = %v want %v", ij, g.At(ij[0], ij[1]), want)
		}
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	x := mat.NewDense(3, 4, []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 2, 3})
	if _, err := Correlation(ctx, data.Dense{M: x}, nil); err == nil {
		t.Fatal("no error after cancel")
	}
}
