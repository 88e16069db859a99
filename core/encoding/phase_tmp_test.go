package encoding

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/alignscope/alignscope/core/blas"
	"github.com/alignscope/alignscope/core/data"
)

func TestPhasesTmp(t *testing.T) {
	if os.Getenv("PHASES") == "" {
		t.Skip()
	}
	blas.Use()
	ctx := context.Background()
	x, y := benchData(1000, 4096, 10000)
	alphas := DefaultAlphas(-2, 5, 10)
	t0 := time.Now()
	g, _ := streamGram(ctx, data.Dense{M: x}, true, nil)
	t.Logf("gram %.3f", time.Since(t0).Seconds())
	t0 = time.Now()
	tg, _ := readTargets(data.Dense{M: y})
	t.Logf("targets %.3f", time.Since(t0).Seconds())
	folds, _ := KFold(1000, 5)
	src := &kernelSource{k: g.k, n: 1000}
	e := newEngine(src, folds, alphas, tg.y, 1000, 10000, nil)
	var ds []*decomp
	t0 = time.Now()
	for k := range folds {
		d, _ := e.decomp(ctx, k)
		ds = append(ds, d)
	}
	t.Logf("decomp x5 %.3f", time.Since(t0).Seconds())
	t0 = time.Now()
	fs := newFastState(tg.y, 1000, 10000, 5, 10)
	t.Logf("fast state %.3f", time.Since(t0).Seconds())
	sse := make([]float64, 5*10*10000)
	ybars := make([][]float64, 5)
	for k, d := range ds {
		ybars[k], _ = colMeans(ctx, tg.y, 10000, d.train)
	}
	t0 = time.Now()
	for k, d := range ds {
		fs.scoreFold(ctx, e, k, d, ybars[k], sse[k*100000:(k+1)*100000])
	}
	t.Logf("pass1 fast %.3f", time.Since(t0).Seconds())
	best, _ := selectBest(sse, folds, alphas, 10000)
	t0 = time.Now()
	n, _ := fs.recheck(ctx, e, sse, best, ybars)
	t.Logf("recheck %d %.3f", n, time.Since(t0).Seconds())
	t0 = time.Now()
	bst := foldStats{sse: make([]float64, 5*10000), sp: make([]float64, 5*10000), spp: make([]float64, 5*10000), syp: make([]float64, 5*10000)}
	gr := groupTargets(tg.y, 1000, 10000, best, 10)
	t.Logf("group %.3f", time.Since(t0).Seconds())
	for k, d := range ds {
		off := k * 10000
		fb := foldStats{sse: bst.sse[off : off+10000], sp: bst.sp[off : off+10000], spp: bst.spp[off : off+10000], syp: bst.syp[off : off+10000]}
		e.predictFold(ctx, k, d, gr, 10000, ybars[k], fb, nil)
	}
	t.Logf("pass2 %.3f", time.Since(t0).Seconds())
	t0 = time.Now()
	st := foldStats{sse: make([]float64, 100000), sp: make([]float64, 100000), spp: make([]float64, 100000), syp: make([]float64, 100000)}
	e.scoreFold(ctx, 0, ds[0], tg.y, 10000, ybars[0], st)
	t.Logf("exact pass1 one fold %.3f", time.Since(t0).Seconds())
}
