package rdm

import (
	"context"
	"fmt"
	"math"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/job"
	"gonum.org/v1/gonum/mat"
)

// RDM is a condensed dissimilarity matrix over N stimuli.
type RDM struct {
	N   int
	Vec []float64 // n(n−1)/2 values, upper triangle row-major, i < j
	// Method names the dissimilarity ("correlation", "euclidean", …).
	Method string
}

// Pairs is n(n−1)/2.
func Pairs(n int) int { return n * (n - 1) / 2 }

// Index is the position of pair (i, j), i ≠ j, in the condensed vector.
func Index(n, i, j int) int {
	if i > j {
		i, j = j, i
	}
	return n*i - i*(i+1)/2 + j - i - 1
}

// At returns the dissimilarity of stimuli i and j (0 on the diagonal).
func (r *RDM) At(i, j int) float64 {
	if i == j {
		return 0
	}
	return r.Vec[Index(r.N, i, j)]
}

// Square returns the full symmetric n × n matrix.
func (r *RDM) Square() *mat.SymDense {
	s := mat.NewSymDense(r.N, nil)
	for i := 0; i < r.N; i++ {
		for j := i + 1; j < r.N; j++ {
			s.SetSym(i, j, r.At(i, j))
		}
	}
	return s
}

// Gram returns G = Xc·Xcᵀ where Xc is m with each row's mean over columns
// subtracted when centre is true, accumulated over column blocks. It also
// returns p. Progress counts columns read (two passes when centring).
func Gram(ctx context.Context, m data.Matrix, centre bool, rep *job.Reporter) (*mat.SymDense, int, error) {
	n, p := m.Dims()
	if n < 2 || p < 1 {
		return nil, p, fmt.Errorf("need at least 2 stimuli and 1 channel, have %d × %d", n, p)
	}
	passes := 1
	if centre {
		passes = 2
	}
	if rep != nil {
		rep.SetTotal(passes * p)
	}
	mean := make([]float64, n)
	if centre {
		err := data.EachBlock(m, 0, func(j0, j1 int, b *mat.Dense) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			for i := 0; i < n; i++ {
				for _, v := range b.RawRowView(i) {
					mean[i] += v
				}
			}
			if rep != nil {
				rep.Add(j1 - j0)
			}
			return nil
		})
		if err != nil {
			return nil, p, err
		}
		for i := range mean {
			mean[i] /= float64(p)
		}
	}
	g := mat.NewSymDense(n, nil)
	err := data.EachBlock(m, 0, func(j0, j1 int, b *mat.Dense) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if centre {
			for i := 0; i < n; i++ {
				row := b.RawRowView(i)
				for k := range row {
					row[k] -= mean[i]
				}
			}
		}
		g.SymRankK(g, 1, b)
		if rep != nil {
			rep.Add(j1 - j0)
		}
		return nil
	})
	if err != nil {
		return nil, p, err
	}
	return g, p, nil
}

// Euclidean returns the RDM d_ij = ‖m_i − m_j‖² / p (rsatoolbox
// calc_rdm_euclidean) of the rows of m.
func Euclidean(ctx context.Context, m data.Matrix, rep *job.Reporter) (*RDM, error) {
	g, p, err := Gram(ctx, m, false, rep)
	if err != nil {
		return nil, err
	}
	n := g.SymmetricDim()
	r := &RDM{N: n, Vec: make([]float64, Pairs(n)), Method: "euclidean"}
	k := 0
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			r.Vec[k] = max(g.At(i, i)+g.At(j, j)-2*g.At(i, j), 0) / float64(p)
			k++
		}
	}
	return r, nil
}

// Correlation returns the RDM d_ij = 1 − r(m_i, m_j) (rsatoolbox
// calc_rdm_correlation) of the rows of m. A constant row has undefined r
// and gives NaN dissimilarities.
func Correlation(ctx context.Context, m data.Matrix, rep *job.Reporter) (*RDM, error) {
	g, _, err := Gram(ctx, m, true, rep)
	if err != nil {
		return nil, err
	}
	n := g.SymmetricDim()
	r := &RDM{N: n, Vec: make([]float64, Pairs(n)), Method: "correlation"}
	k := 0
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			den := math.Sqrt(g.At(i, i) * g.At(j, j))
			if den == 0 {
				r.Vec[k] = math.NaN()
			} else {
				r.Vec[k] = 1 - g.At(i, j)/den
			}
			k++
		}
	}
	return r, nil
}
