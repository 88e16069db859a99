package lesion

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sync"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/job"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// layerGram is what every lesion of a layer starts from: the row means
// μ, the unit means m_u, and the centred Gram G = Σ_u (x_u − μ)(x_u − μ)ᵀ
// of the intact layer (x_u the n-vector of unit u).
type layerGram struct {
	x        data.Matrix
	n, p     int
	fill     Fill
	mu       []float64 // row means μ_i
	rowSum   []float64 // Σ_u x_iu = p·μ_i
	sumSq    []float64 // Σ_u x_iu², the scale of row i
	unitMean []float64 // m_u
	m1, m2   float64   // Σ_u m_u, Σ_u m_u²
	maxAbs   float64   // max |x_iu|
	g        *mat.SymDense
	width    int // read block width
}

// newLayerGram reads x twice: row and unit means, then the centred Gram.
// Progress: 2 steps.
func newLayerGram(ctx context.Context, x data.Matrix, fill Fill, rep *job.Reporter) (*layerGram, error) {
	n, p := x.Dims()
	if n < 3 {
		return nil, fmt.Errorf("a lesion analysis needs at least 3 stimuli, the layer has %d", n)
	}
	if p < 1 {
		return nil, fmt.Errorf("the layer has no units")
	}
	lg := &layerGram{x: x, n: n, p: p, fill: fill, mu: make([]float64, n), rowSum: make([]float64, n),
		sumSq: make([]float64, n), unitMean: make([]float64, p), width: readWidth(n, p)}
	all := [][2]int{}
	for j := 0; j < p; j += lg.width {
		all = append(all, [2]int{j, min(p, j+lg.width)})
	}
	bad := 0
	err := readSpans(ctx, x, all, func(j0, j1 int, b *mat.Dense) error {
		for i := 0; i < n; i++ {
			row := b.RawRowView(i)
			s, ss := 0.0, 0.0
			for k, v := range row {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					bad++
				}
				s += v
				ss += v * v
				lg.maxAbs = max(lg.maxAbs, math.Abs(v))
				lg.unitMean[j0+k] += v
			}
			lg.rowSum[i] += s
			lg.sumSq[i] += ss
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if bad > 0 {
		return nil, fmt.Errorf("the layer has %d non-finite activations (NaN or ±Inf); lesion analyses need finite values", bad)
	}
	for u := range lg.unitMean {
		lg.unitMean[u] /= float64(n)
		lg.m1 += lg.unitMean[u]
		lg.m2 += lg.unitMean[u] * lg.unitMean[u]
	}
	for i := range lg.mu {
		lg.mu[i] = lg.rowSum[i] / float64(p)
	}
	if rep != nil {
		rep.Add(1)
	}
	lg.g = mat.NewSymDense(n, nil)
	buf := make([]float64, n*lg.width)
	err = readSpans(ctx, x, all, func(j0, j1 int, b *mat.Dense) error {
		w := j1 - j0
		c := buf[:n*w]
		for i := 0; i < n; i++ {
			row, dst, m := b.RawRowView(i), c[i*w:(i+1)*w], lg.mu[i]
			for k, v := range row {
				dst[k] = v - m
			}
		}
		syrk(lg.g, n, w, c)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if rep != nil {
		rep.Add(1)
	}
	return lg, nil
}

// float32OK reports whether products of the centred values stay well
// inside float32's range (|z| ≤ 2·max|x| ≤ 10¹⁶, and not all tiny), so
// that addUnits32 neither overflows nor loses values to underflow.
func (lg *layerGram) float32OK() bool {
	return lg.maxAbs <= 5e15 && lg.maxAbs >= 1e-12
}

// syrk adds the rank-w update Z·Zᵀ of the row-major n × w matrix z to the
// upper triangle of g.
func syrk(g *mat.SymDense, n, w int, z []float64) {
	if w == 0 {
		return
	}
	raw := g.RawSymmetric()
	blas64.Syrk(blas.NoTrans, 1, blas64.General{Rows: n, Cols: w, Stride: w, Data: z}, 1, raw)
}

// setSums accumulates, over a set S of units, the statistics a lesion
// needs: C_S = Σ_{u∈S}(x_u − μ)(x_u − μ)ᵀ (upper triangle), r_S = Σ_{u∈S} x_u,
// |S|, Σ_{u∈S} m_u and Σ_{u∈S} m_u².
type setSums struct {
	c      *mat.SymDense
	r      []float64
	k      int
	m1, m2 float64
}

func newSetSums(n int) *setSums {
	return &setSums{c: mat.NewSymDense(n, nil), r: make([]float64, n)}
}

func (s *setSums) reset() {
	raw := s.c.RawSymmetric()
	parallelRows(raw.N, raw.N*raw.N, func(i0, i1 int) {
		clear(raw.Data[i0*raw.Stride : i1*raw.Stride])
	})
	clear(s.r)
	s.k, s.m1, s.m2 = 0, 0, 0
}

// add adds t to s (upper triangles).
func (s *setSums) add(t *setSums) {
	a, b := s.c.RawSymmetric(), t.c.RawSymmetric()
	n := a.N
	for i := 0; i < n; i++ {
		ra, rb := a.Data[i*a.Stride+i:i*a.Stride+n], b.Data[i*b.Stride+i:i*b.Stride+n]
		for j, v := range rb {
			ra[j] += v
		}
	}
	for i, v := range t.r {
		s.r[i] += v
	}
	s.k += t.k
	s.m1 += t.m1
	s.m2 += t.m2
}

// addUnits adds the units cols (relative column indices of block b, unit
// u = j0 + col) to s; scratch holds at least n·len(cols) values.
func (lg *layerGram) addUnits(s *setSums, b *mat.Dense, j0 int, cols []int, scratch []float64) {
	w := len(cols)
	if w == 0 {
		return
	}
	n := lg.n
	z := scratch[:n*w]
	for i := 0; i < n; i++ {
		row, dst, m := b.RawRowView(i), z[i*w:(i+1)*w], lg.mu[i]
		r := 0.0
		for t, c := range cols {
			v := row[c]
			r += v
			dst[t] = v - m
		}
		s.r[i] += r
	}
	lg.addMeans(s, j0, cols)
	syrk(s.c, n, w, z)
}

func (lg *layerGram) addMeans(s *setSums, j0 int, cols []int) {
	for _, c := range cols {
		m := lg.unitMean[j0+c]
		s.m1 += m
		s.m2 += m * m
	}
	s.k += len(cols)
}

// chunk32 is about the number of columns whose float32 products are
// summed in float32 before the sum is added to the float64 accumulator.
const chunk32 = 16384

// acc32 accumulates products in float32 for one set.
type acc32 struct {
	c    []float32 // upper triangle, n × n
	cols int       // columns summed since the last flush
}

// flush adds the float32 sums to s and clears them.
func (a *acc32) flush(s *setSums) {
	if a.cols == 0 {
		return
	}
	acc := s.c.RawSymmetric()
	n := acc.N
	parallelRows(n, n*n/2, func(i0, i1 int) {
		for i := i0; i < i1; i++ {
			src, dst := a.c[i*n+i:i*n+n], acc.Data[i*acc.Stride+i:i*acc.Stride+n]
			for j, v := range src {
				dst[j] += float64(v)
			}
			clear(src)
		}
	})
	a.cols = 0
}

// addUnits32 is addUnits with the products Z_c·Z_cᵀ formed in float32
// (ssyrk, about twice as fast) and summed in float32 over about chunk32
// columns at a time, each partial sum then added to the float64
// accumulator. zc is the block (n × w) centred by the row means and
// rounded to float32 (relative error 6·10⁻⁸); a partial sum carries a
// relative error of order 10⁻⁶, and so do the row sums r_S, formed from
// zc in float64. scratch holds the gathered columns.
func (lg *layerGram) addUnits32(s *setSums, a *acc32, zc []float32, w, j0 int, cols []int, scratch *[]float32) {
	n, k := lg.n, len(cols)
	if k == 0 {
		return
	}
	if a.c == nil {
		a.c = make([]float32, n*n)
	}
	if len(*scratch) < n*k {
		*scratch = make([]float32, n*max(k, min(w, 2*k)))
	}
	z := (*scratch)[:n*k]
	parallelRows(n, n*k, func(i0, i1 int) {
		for i := i0; i < i1; i++ {
			row, dst := zc[i*w:(i+1)*w], z[i*k:(i+1)*k]
			r := 0.0
			for t, c := range cols {
				v := row[c]
				r += float64(v)
				dst[t] = v
			}
			s.r[i] += r + float64(k)*lg.mu[i]
		}
	})
	lg.addMeans(s, j0, cols)
	blas32.Syrk(blas.NoTrans, 1, blas32.General{Rows: n, Cols: k, Stride: k, Data: z}, 1,
		blas32.Symmetric{Uplo: blas.Upper, N: n, Stride: n, Data: a.c})
	a.cols += k
	if a.cols >= chunk32 {
		a.flush(s)
	}
}

// lesioned writes to dst (upper triangle) the centred Gram G_L of the
// layer with the units of a set S silenced, to constant whether each
// lesioned pattern is constant over units (its correlation distances are
// then undefined), and to muL (if not nil) the lesioned row means.
//
// With Z_c the silenced columns centred by the intact row means, V the
// values they are replaced with minus the row means (−μ for Zero,
// m_u·1 − μ for Mean) and w = Σ_{u∈S}(x_u − replacement_u),
//
//	G_L = G − Z_c·Z_cᵀ + V·Vᵀ − w·wᵀ/p
//
// (see the package documentation). If kept is false, s holds the sums of
// S and G − Z_c·Z_cᵀ = G − C_S; if kept is true, s holds the sums of the
// kept units T and G − C_S = C_T, the other sums following from the
// layer's totals.
func (lg *layerGram) lesioned(dst *mat.SymDense, s *setSums, kept bool, constant []bool, muL []float64) {
	n, p := lg.n, float64(lg.p)
	if kept && s.k == 0 {
		lg.allSilenced(dst, constant, muL)
		return
	}
	k, m1, m2 := float64(s.k), s.m1, s.m2
	var base []float64
	g := lg.g.RawSymmetric()
	cs := s.c.RawSymmetric()
	d := dst.RawSymmetric()
	w := make([]float64, n)
	if kept {
		k, m1, m2 = float64(lg.p-s.k), lg.m1-s.m1, lg.m2-s.m2
		for i := range w {
			w[i] = lg.rowSum[i] - s.r[i]
		}
		base = cs.Data
	} else {
		copy(w, s.r)
	}
	if lg.fill == Mean {
		for i := range w {
			w[i] -= m1
		}
	}
	if muL != nil {
		for i := range muL {
			muL[i] = lg.mu[i] - w[i]/p
		}
	}
	for i := 0; i < n; i++ {
		gi, ci, di := g.Data[i*g.Stride:], cs.Data[i*cs.Stride:], d.Data[i*d.Stride:]
		mi, wi := lg.mu[i], w[i]
		for j := i; j < n; j++ {
			var v float64
			if kept {
				v = base[i*cs.Stride+j]
			} else {
				v = gi[j] - ci[j]
			}
			mj := lg.mu[j]
			vv := k * mi * mj
			if lg.fill == Mean {
				vv += m2 - m1*(mi+mj)
			}
			di[j] = v + vv - wi*w[j]/p
		}
		// Constant pattern: the lesioned row's centred sum of squares is
		// at rounding level of the values it came from.
		scale := lg.sumSq[i] + math.Abs(k*mi*mi) + wi*wi/p
		if lg.fill == Mean {
			scale += m2 + math.Abs(2*m1*mi)
		}
		constant[i] = di[i] <= 1e-10*scale
	}
}

// allSilenced is the lesion of every unit, set exactly: with Zero every
// pattern is 0 (constant); with Mean every pattern is the vector of unit
// means m, so G_L = ‖m − m̄‖²·11ᵀ and all patterns are equal (distance 0)
// unless the unit means are all equal (constant patterns).
func (lg *layerGram) allSilenced(dst *mat.SymDense, constant []bool, muL []float64) {
	d := dst.RawSymmetric()
	v, mean := 0.0, 0.0
	if lg.fill == Mean {
		v = lg.m2 - lg.m1*lg.m1/float64(lg.p)
		mean = lg.m1 / float64(lg.p)
	}
	for i := range muL {
		muL[i] = mean
	}
	if v <= 1e-10*lg.m2 {
		v = 0
	}
	for i := 0; i < lg.n; i++ {
		row := d.Data[i*d.Stride:]
		for j := i; j < lg.n; j++ {
			row[j] = v
		}
		constant[i] = v == 0
	}
}

// correlationRDM fills vec (n(n−1)/2) with 1 − G_ij/√(G_ii G_jj) from the
// upper triangle of g; pairs with a constant pattern are NaN, as in
// rdm.Correlation.
func correlationRDM(g *mat.SymDense, constant []bool, vec []float64) {
	raw := g.RawSymmetric()
	n := raw.N
	inv := make([]float64, n)
	for i := 0; i < n; i++ {
		if constant[i] {
			inv[i] = math.NaN()
		} else {
			inv[i] = 1 / math.Sqrt(raw.Data[i*raw.Stride+i])
		}
	}
	idx := 0
	for i := 0; i < n; i++ {
		row := raw.Data[i*raw.Stride:]
		a := inv[i]
		for j := i + 1; j < n; j++ {
			vec[idx] = 1 - row[j]*a*inv[j]
			idx++
		}
	}
}

// parallelRows calls fn on row ranges covering 0 … n−1, on GOMAXPROCS
// goroutines when the work (in values touched) is large enough to pay
// for them: the memory-bound gathers between BLAS calls would otherwise
// leave a core idle.
func parallelRows(n, work int, fn func(i0, i1 int)) {
	w := runtime.GOMAXPROCS(0)
	if w < 2 || work < 1<<18 || n < 2*w {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	for t := 0; t < w; t++ {
		i0, i1 := t*n/w, (t+1)*n/w
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(i0, i1)
		}()
	}
	wg.Wait()
}
