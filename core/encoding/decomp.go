package encoding

import (
	"context"
	"fmt"
)

// decomp is the spectral form of ridge on one fold. With W (nTr × rank)
// and R (nTe × rank), the test predictions at penalty α are
//
//	ŷ_te = ȳ_tr + R·diag(g_α)·Wᵀ·(Y_tr − 1·ȳ_trᵀ)
//
// where, for the primal form (thin SVD Xc_tr = U·diag(s)·Vᵀ), W = U,
// R = Xc_te·V and g_α = s/(s²+α), and for the kernel form
// (Kc_tr = V·diag(λ)·Vᵀ), W = V, R = Kc_te,tr·V and g_α = 1/(λ+α).
type decomp struct {
	train, test []int
	runs        []run // runs of train
	primal      bool
	rank        int
	sv          []float64 // s or λ
	wt          []float64 // rank × nTr: Wᵀ
	r           []float64 // nTe × rank
	wt1         []float64 // Wᵀ·1
}

// gain fills g (length rank) with g_α.
func (d *decomp) gain(alpha float64, g []float64) {
	if d.primal {
		for k, s := range d.sv {
			g[k] = s / (s*s + alpha)
		}
		return
	}
	for k, l := range d.sv {
		g[k] = 1 / (l + alpha)
	}
}

func (d *decomp) finish() {
	nTr := len(d.train)
	d.runs = runsOf(d.train)
	d.wt1 = make([]float64, d.rank)
	for k := 0; k < d.rank; k++ {
		s := 0.0
		for _, v := range d.wt[k*nTr : (k+1)*nTr] {
			s += v
		}
		d.wt1[k] = s
	}
}

// bytes estimates the memory of the decomposition of a fold.
func decompBytes(f Fold, rank int) int64 {
	return 8 * int64(rank) * int64(len(f.Train)+len(f.Test))
}

// source produces fold decompositions.
type source interface {
	decompose(ctx context.Context, f Fold) (*decomp, error)
	rank(f Fold) int
}

// primalSource decomposes the centred training features by thin SVD.
type primalSource struct {
	x    []float64 // n × p row-major
	n, p int
}

func (s *primalSource) rank(f Fold) int { return min(len(f.Train), s.p) }

func (s *primalSource) decompose(ctx context.Context, f Fold) (*decomp, error) {
	p := s.p
	nTr, nTe := len(f.Train), len(f.Test)
	mean := make([]float64, p)
	for _, i := range f.Train {
		for j, v := range s.x[i*p : (i+1)*p] {
			mean[j] += v
		}
	}
	for j := range mean {
		mean[j] /= float64(nTr)
	}
	xtr := make([]float64, nTr*p)
	for q, i := range f.Train {
		row := xtr[q*p : (q+1)*p]
		for j, v := range s.x[i*p : (i+1)*p] {
			row[j] = v - mean[j]
		}
	}
	xte := make([]float64, nTe*p)
	for q, i := range f.Test {
		row := xte[q*p : (q+1)*p]
		for j, v := range s.x[i*p : (i+1)*p] {
			row[j] = v - mean[j]
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	u, sv, vt, err := svdThin(nTr, p, xtr)
	if err != nil {
		return nil, err
	}
	rank := len(sv)
	d := &decomp{train: f.Train, test: f.Test, primal: true, rank: rank, sv: sv}
	d.wt = transpose(nTr, rank, u)
	d.r = make([]float64, nTe*rank)
	gemm(false, true, nTe, rank, p, 1, xte, p, vt, p, 0, d.r, rank)
	d.finish()
	return d, nil
}

// kernelSource decomposes the per-fold doubly centred training kernel,
// derived from the n × n linear kernel of all rows.
type kernelSource struct {
	k []float64 // n × n, both triangles
	n int
}

func (s *kernelSource) rank(f Fold) int { return len(f.Train) }

// centredBlocks returns Kc_tr (nTr × nTr) and Kc_te,tr (nTe × nTr), the
// kernels of the rows centred on the training-row mean:
// (x_i − x̄)·(x_j − x̄) = K_ij − m_i − m_j + m̄ with m_i the mean of K_il
// over training l and m̄ the mean of m over training rows.
func (s *kernelSource) centredBlocks(f Fold) (ktr, kte []float64) {
	n := s.n
	nTr, nTe := len(f.Train), len(f.Test)
	m := make([]float64, n)
	for i := 0; i < n; i++ {
		row := s.k[i*n : (i+1)*n]
		sum := 0.0
		for _, l := range f.Train {
			sum += row[l]
		}
		m[i] = sum / float64(nTr)
	}
	grand := 0.0
	for _, l := range f.Train {
		grand += m[l]
	}
	grand /= float64(nTr)
	ktr = make([]float64, nTr*nTr)
	for a, i := range f.Train {
		row := s.k[i*n : (i+1)*n]
		out := ktr[a*nTr : (a+1)*nTr]
		for b, j := range f.Train {
			out[b] = row[j] - m[i] - m[j] + grand
		}
	}
	kte = make([]float64, nTe*nTr)
	for a, i := range f.Test {
		row := s.k[i*n : (i+1)*n]
		out := kte[a*nTr : (a+1)*nTr]
		for b, j := range f.Train {
			out[b] = row[j] - m[i] - m[j] + grand
		}
	}
	return ktr, kte
}

func (s *kernelSource) decompose(ctx context.Context, f Fold) (*decomp, error) {
	nTr, nTe := len(f.Train), len(f.Test)
	ktr, kte := s.centredBlocks(f)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	lam := make([]float64, nTr)
	if err := eigSym(nTr, ktr, lam); err != nil {
		return nil, fmt.Errorf("kernel of %d training rows: %w", nTr, err)
	}
	d := &decomp{train: f.Train, test: f.Test, rank: nTr, sv: lam, wt: ktr}
	d.r = make([]float64, nTe*nTr)
	gemm(false, true, nTe, nTr, nTr, 1, kte, nTr, ktr, nTr, 0, d.r, nTr)
	d.finish()
	return d, nil
}
