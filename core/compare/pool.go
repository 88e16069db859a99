package compare

import (
	"fmt"
	"math"

	"github.com/alignscope/alignscope/core/rdm"
	"gonum.org/v1/gonum/mat"
)

// Pool returns the average RDM of the rows of rdms that suits a
// comparison method, as rsatoolbox util/inference_util.py::pool_rdm, the
// version used inside noise ceilings:
//
//	cosine, cosine_cov     each RDM divided by its RMS √(nanmean(v²)), then averaged
//	corr, corr_cov         each RDM z-scored (nanmean, nanstd with ddof 0),
//	                       averaged, then the nanmin of the average subtracted
//	spearman, rho-a,       the ranks (rdm.Rank, NaN kept) averaged
//	kendall, tau-a, tau-b
//	neg_riem_dist          plain average
//	bures, bures_metric    plain average (an extension: rsatoolbox raises)
//
// The average is rsatoolbox's _nan_mean: NaN wherever the first RDM is
// NaN, elsewhere the plain mean over all RDMs, so a NaN of another RDM
// propagates (the RDMs of a set normally share their NaN pairs). Like
// numpy, an all-zero RDM (cosine) or a constant RDM (corr) scales to
// 0/0 = NaN, which then makes the pooled RDM NaN; the nanmin of corr
// ignores NaN.
func Pool(rdms *mat.Dense, method string) ([]float64, error) {
	if rdms == nil || rdms.IsEmpty() {
		return nil, fmt.Errorf("pool: no RDMs")
	}
	r, m := rdms.Dims()
	v := mat.DenseCopyOf(rdms)
	switch method {
	case "cosine", "cosine_cov":
		for i := 0; i < r; i++ {
			row := v.RawRowView(i)
			ss, k := 0.0, 0
			for _, x := range row {
				if !math.IsNaN(x) {
					ss += x * x
					k++
				}
			}
			rms := math.Sqrt(ss / float64(k))
			for j := range row {
				row[j] /= rms
			}
		}
	case "corr", "corr_cov":
		for i := 0; i < r; i++ {
			row := v.RawRowView(i)
			mean, k := 0.0, 0
			for _, x := range row {
				if !math.IsNaN(x) {
					mean += x
					k++
				}
			}
			mean /= float64(k)
			ss := 0.0
			for j, x := range row {
				row[j] = x - mean
				if !math.IsNaN(x) {
					ss += (x - mean) * (x - mean)
				}
			}
			sd := math.Sqrt(ss / float64(k))
			for j := range row {
				row[j] /= sd
			}
		}
	case "spearman", "rho-a", "kendall", "tau-a", "tau-b":
		for i := 0; i < r; i++ {
			copy(v.RawRowView(i), rdm.Rank(rdms.RawRowView(i), rdm.TiesAverage))
		}
	case "bures", "bures_metric", "neg_riem_dist":
	default:
		return nil, fmt.Errorf("pool: unknown method %q", method)
	}
	out := make([]float64, m)
	first := rdms.RawRowView(0)
	for j := 0; j < m; j++ {
		if math.IsNaN(first[j]) {
			out[j] = math.NaN()
			continue
		}
		s := 0.0
		for i := 0; i < r; i++ {
			s += v.At(i, j)
		}
		out[j] = s / float64(r)
	}
	if method == "corr" || method == "corr_cov" {
		lo := math.NaN()
		for _, x := range out {
			if !math.IsNaN(x) && (math.IsNaN(lo) || x < lo) {
				lo = x
			}
		}
		for j := range out {
			out[j] -= lo
		}
	}
	return out, nil
}
