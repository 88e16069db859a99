package inference

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// ErrNoPooling is returned (wrapped) for comparison methods that have no
// pooling rule in rsatoolbox's pool_rdm, and hence no noise ceiling
// (for example "bures").
var ErrNoPooling = errors.New("rsatoolbox defines no pooled RDM (and so no noise ceiling) for this method")

// errDegenerate marks an RDM that cannot be normalised for pooling.
var errDegenerate = errors.New("all NaN, all zero or constant, so it cannot be normalised")

// poolKind is the per-RDM normalisation applied before averaging.
type poolKind int

const (
	poolNone poolKind = iota
	poolMean          // plain average
	poolRMS           // divide by sqrt(nanmean(v²))
	poolZ             // z-score (nanmean, nanstd ddof 0)
	poolRank          // average ranks
)

func poolKindOf(method string) poolKind {
	switch method {
	case "euclid", "neg_riem_dist":
		return poolMean
	case "cosine", "cosine_cov":
		return poolRMS
	case "corr", "corr_cov":
		return poolZ
	case "spearman", "rho-a", "kendall", "tau-b", "tau-a":
		return poolRank
	}
	return poolNone
}

// normalise writes the pool normalisation of v to dst. It reports false
// when v cannot be normalised (all NaN, zero RMS or zero spread); dst then
// holds what numpy would compute (NaN or ±Inf).
func normalise(v, dst []float64, k poolKind, buf []valIdx) (bool, []valIdx) {
	switch k {
	case poolMean:
		copy(dst, v)
		return true, buf
	case poolRank:
		buf = nanRank(v, dst, buf)
		return true, buf
	}
	n, s := 0, 0.0
	for _, x := range v {
		if !math.IsNaN(x) {
			n++
			s += x
		}
	}
	mu := s / float64(n)
	ss := 0.0
	for _, x := range v {
		if !math.IsNaN(x) {
			if k == poolRMS {
				ss += x * x
			} else {
				ss += (x - mu) * (x - mu)
			}
		}
	}
	sd := math.Sqrt(ss / float64(n))
	if k == poolRMS {
		mu = 0
	}
	for i, x := range v {
		dst[i] = (x - mu) / sd
	}
	return n > 0 && sd > 0 && !math.IsInf(sd, 0), buf
}

// PoolRDM returns the average RDM that rsatoolbox uses as the best
// predictor of a set of RDMs under a comparison method
// (util/inference_util.pool_rdm). Every row v of rdms is first normalised,
//
//	cosine, cosine_cov            v / sqrt(nanmean(v²))
//	corr, corr_cov                (v − nanmean v) / nanstd v   (ddof 0)
//	spearman, rho-a, kendall,     average ranks of the non-NaN entries
//	tau-a, tau-b
//	euclid, neg_riem_dist         v
//
// then the rows are averaged entry by entry; entries that are NaN in the
// first row are NaN in the result. For corr and corr_cov the minimum of
// the average is subtracted (nanmin). Other methods return an error
// wrapping ErrNoPooling; an RDM that cannot be normalised (all NaN, all
// zero, or constant) is an error.
func PoolRDM(rdms *mat.Dense, method string) ([]float64, error) {
	k := poolKindOf(method)
	if k == poolNone {
		return nil, fmt.Errorf("pool RDMs: method %q: %w", method, ErrNoPooling)
	}
	if rdms == nil || rdms.IsEmpty() {
		return nil, errors.New("pool RDMs: no RDMs")
	}
	r, m := rdms.Dims()
	sum := make([]float64, m)
	z := make([]float64, m)
	var buf []valIdx
	for i := 0; i < r; i++ {
		var ok bool
		ok, buf = normalise(rdms.RawRowView(i), z, k, buf)
		if !ok {
			return nil, fmt.Errorf("pool RDMs for %s: RDM %d is %w", method, i, errDegenerate)
		}
		for j, v := range z {
			sum[j] += v
		}
	}
	finishPool(sum, rdms.RawRowView(0), float64(r), k)
	return sum, nil
}

// finishPool turns a sum of r normalised RDMs into the pooled RDM: divide
// by r, NaN where first is NaN, and subtract the minimum for poolZ.
func finishPool(sum, first []float64, r float64, k poolKind) {
	lo := math.Inf(1)
	for j := range sum {
		if math.IsNaN(first[j]) {
			sum[j] = math.NaN()
			continue
		}
		sum[j] /= r
		if sum[j] < lo {
			lo = sum[j]
		}
	}
	if k == poolZ && !math.IsInf(lo, 1) {
		for j := range sum {
			sum[j] -= lo
		}
	}
}
