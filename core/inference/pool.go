package inference

import (
	"errors"
	"math"
)

// ErrNoPooling is returned (wrapped) for comparison methods that have no
// pooling rule (compare.Pool), and hence no noise ceiling.
var ErrNoPooling = errors.New("no pooled RDM (and so no noise ceiling) is defined for this method")

// errDegenerate marks an RDM that cannot be normalised for pooling.
var errDegenerate = errors.New("all NaN, all zero or constant, so it cannot be normalised")

// poolKind is the per-RDM normalisation applied before averaging by
// compare.Pool (rsatoolbox util/inference_util.pool_rdm); the bootstrap
// engine applies it itself to reuse sums across leave-one-out pools.
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
	case "neg_riem_dist", "bures", "bures_metric":
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

// normaliseWeighted writes to z[u] the pool normalisation of x[cols[u]]
// for a vector in which entry u occurs w[u] times (the statistics are
// weighted). It reports false when the vector cannot be normalised. The
// poolRank kind must receive ranks already (it copies, as poolMean).
func normaliseWeighted(x []float64, cols []int32, w, z []float64, k poolKind) bool {
	if k == poolMean || k == poolRank {
		for u, c := range cols {
			z[u] = x[c]
		}
		return true
	}
	var sw, s float64
	for u, c := range cols {
		sw += w[u]
		s += w[u] * x[c]
	}
	mu := s / sw
	if k == poolRMS {
		mu = 0
	}
	ss := 0.0
	for u, c := range cols {
		d := x[c] - mu
		ss += w[u] * d * d
	}
	sd := math.Sqrt(ss / sw)
	if !(sd > 0) || math.IsInf(sd, 0) {
		return false
	}
	for u, c := range cols {
		z[u] = (x[c] - mu) / sd
	}
	return true
}
