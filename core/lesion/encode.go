package lesion

import (
	"context"
	"fmt"
	"math"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/encoding"
	"gonum.org/v1/gonum/mat"
)

// EncodingRegion is a region whose encoding score is measured: kernel
// ridge from the (lesioned) layer to each subject's recording, re-fitted
// for every lesion.
type EncodingRegion struct {
	Name string
	// Recordings holds one n × voxels matrix per subject (read whole once).
	Recordings []data.Matrix
	// Options of core/encoding.RidgeCVGram. nil: 5 contiguous folds and
	// the penalties DefaultEncodingAlphas scaled by the mean squared norm
	// of the intact layer's column-centred patterns, tr(K_c)/n.
	Options *encoding.CVOptions
}

// DefaultEncodingAlphas is the relative penalty grid of an
// EncodingRegion without options: 10⁻³ … 10⁵, times tr(K_c)/n.
var DefaultEncodingAlphas = encoding.DefaultAlphas(-3, 5, 9)

// encScorer scores a lesioned layer's kernel by the encoding of one
// region: the mean over subjects of the median over voxels of the
// out-of-fold Pearson r.
type encScorer struct {
	name string
	ys   []data.Matrix
	opt  encoding.CVOptions
}

func newEncScorer(r EncodingRegion, lg *layerGram) (*encScorer, error) {
	if len(r.Recordings) == 0 {
		return nil, fmt.Errorf("encoding region %s has no recordings", r.Name)
	}
	sc := &encScorer{name: r.Name}
	for s, y := range r.Recordings {
		if y == nil {
			return nil, fmt.Errorf("encoding region %s: recording %d is missing", r.Name, s+1)
		}
		n, v := y.Dims()
		if n != lg.n {
			return nil, fmt.Errorf("encoding region %s: recording %d has %d stimuli, the layer %d", r.Name, s+1, n, lg.n)
		}
		if v < 1 {
			return nil, fmt.Errorf("encoding region %s: recording %d has no voxels", r.Name, s+1)
		}
		m, err := data.ReadAll(y)
		if err != nil {
			return nil, fmt.Errorf("encoding region %s: %w", r.Name, err)
		}
		sc.ys = append(sc.ys, data.Dense{M: m})
	}
	if r.Options != nil {
		sc.opt = *r.Options
	} else {
		// tr(K_c)/n of the intact layer, K = G + p·μμᵀ column-centred.
		n := lg.n
		k := mat.NewSymDense(n, nil)
		lg.encodingKernel(lg.g, lg.mu, k)
		tr := 0.0
		for i := 0; i < n; i++ {
			tr += k.At(i, i)
		}
		scale := tr / float64(n)
		if !(scale > 0) {
			scale = 1
		}
		for _, a := range DefaultEncodingAlphas {
			sc.opt.Alphas = append(sc.opt.Alphas, a*scale)
		}
	}
	sc.opt.SkipRefit, sc.opt.SkipPredictions = true, true
	return sc, nil
}

// encodingKernel writes to k the kernel of the lesioned layer's
// patterns, G_L + p·μ̃μ̃ᵀ with μ̃ the lesioned row means minus their mean
// and then double-centred (H·K·H, H = I − 11ᵀ/n): the linear kernel
// X_L·X_Lᵀ up to terms that ridge's per-fold centring removes.
func (lg *layerGram) encodingKernel(g *mat.SymDense, muL []float64, k *mat.SymDense) {
	n, p := lg.n, float64(lg.p)
	mean := 0.0
	for _, v := range muL {
		mean += v
	}
	mean /= float64(n)
	gr, kr := g.RawSymmetric(), k.RawSymmetric()
	full := make([]float64, n*n)
	for i := 0; i < n; i++ {
		mi := muL[i] - mean
		for j := i; j < n; j++ {
			v := gr.Data[i*gr.Stride+j] + p*mi*(muL[j]-mean)
			full[i*n+j], full[j*n+i] = v, v
		}
	}
	rowMean := make([]float64, n)
	grand := 0.0
	for i := 0; i < n; i++ {
		s := 0.0
		for _, v := range full[i*n : (i+1)*n] {
			s += v
		}
		rowMean[i] = s / float64(n)
		grand += rowMean[i]
	}
	grand /= float64(n)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			kr.Data[i*kr.Stride+j] = full[i*n+j] - rowMean[i] - rowMean[j] + grand
		}
	}
}

func (sc *encScorer) score(ctx context.Context, k *mat.SymDense) (float64, error) {
	total := 0.0
	for s, y := range sc.ys {
		opt := sc.opt
		res, err := encoding.RidgeCVGram(ctx, k, y, &opt, nil)
		if err != nil {
			return math.NaN(), fmt.Errorf("encoding region %s, subject %d: %w", sc.name, s+1, err)
		}
		total += encoding.Median(res.R)
	}
	return total / float64(len(sc.ys)), nil
}
