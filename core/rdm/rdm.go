package rdm

import (
	"context"
	"math"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/job"
	"gonum.org/v1/gonum/mat"
)

// RDM is a condensed dissimilarity matrix over N conditions (stimuli).
type RDM struct {
	N   int
	Vec []float64 // n(n−1)/2 values, upper triangle row-major, i < j
	// Method names the dissimilarity ("correlation", "euclidean", …).
	Method string
	// Labels holds the condition label of each row/column when the RDM
	// was computed from labelled observations (Options.Conditions); nil
	// when row i of the RDM is row i of the data.
	Labels []float64
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

// Euclidean returns the RDM d_ij = ‖m_i − m_j‖² / p (rsatoolbox
// calc_rdm_euclidean) of the rows of m, streaming column blocks. It is
// Calc with Method "euclidean" and no condition labels.
func Euclidean(ctx context.Context, m data.Matrix, rep *job.Reporter) (*RDM, error) {
	return Calc(ctx, m, Options{Method: MethodEuclidean, Progress: rep})
}

// Correlation returns the RDM d_ij = 1 − r(m_i, m_j) (rsatoolbox
// calc_rdm_correlation) of the rows of m, streaming column blocks. A
// constant row has undefined r and gives NaN dissimilarities. It is Calc
// with Method "correlation" and no condition labels.
func Correlation(ctx context.Context, m data.Matrix, rep *job.Reporter) (*RDM, error) {
	return Calc(ctx, m, Options{Method: MethodCorrelation, Progress: rep})
}

// fromKernel fills the condensed RDM d_ij = (K_ii + K_jj − K_ij − K_ji)·scale
// of an n × n kernel held row-major in k (both triangles needed unless sym).
func fromKernel(n int, k []float64, sym bool, scale float64, vec []float64) {
	idx := 0
	for i := 0; i < n; i++ {
		kii := k[i*n+i]
		for j := i + 1; j < n; j++ {
			kij := k[i*n+j]
			kji := kij
			if !sym {
				kji = k[j*n+i]
			}
			vec[idx] = (kii + k[j*n+j] - kij - kji) * scale
			idx++
		}
	}
}

// correlationFromGram fills vec with 1 − G_ij/√(G_ii G_jj) from the upper
// triangle of the centred Gram matrix g (row-major n × n). A zero
// diagonal (constant pattern) gives NaN.
func correlationFromGram(n int, g []float64, vec []float64) {
	idx := 0
	for i := 0; i < n; i++ {
		gii := g[i*n+i]
		for j := i + 1; j < n; j++ {
			den := math.Sqrt(gii * g[j*n+j])
			if den == 0 || math.IsNaN(den) {
				vec[idx] = math.NaN()
			} else {
				vec[idx] = 1 - g[i*n+j]/den
			}
			idx++
		}
	}
}
