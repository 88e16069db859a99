package lesion

import (
	"context"
	"fmt"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"

	"github.com/alignscope/alignscope/core/job"
	"github.com/alignscope/alignscope/core/rdm"
	"gonum.org/v1/gonum/mat"
)

// BenchmarkRandomNull runs a lesion curve with its random null (100 draws
// × the 8 default fractions) against 3 regions of 4 subjects: the
// acceptance size is 1000 stimuli × 50 000 units (float32, read like a
// C-order .npy file). Run it with
//
//	go test -run XXX -bench RandomNull/1000x50000 -benchtime 1x ./core/lesion
func BenchmarkRandomNull(b *testing.B) {
	for _, sz := range []struct{ n, p int }{{200, 5000}, {1000, 50000}} {
		b.Run(fmt.Sprintf("%dx%d", sz.n, sz.p), func(b *testing.B) {
			x := reluLayer(sz.n, sz.p, 1)
			r := rand.New(rand.NewPCG(2, 2))
			var regs []Region
			for k := 0; k < 3; k++ {
				d := mat.NewDense(4, rdm.Pairs(sz.n), nil)
				for i := range d.RawMatrix().Data {
					d.RawMatrix().Data[i] = r.Float64()
				}
				regs = append(regs, Region{Name: fmt.Sprint("region", k), RDMs: d})
			}
			plan, err := Random(sz.p, 99)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				var rep job.Reporter
				start, cpu0 := time.Now(), cpuTime()
				res, err := Run(context.Background(), Spec{Layer: x, Plan: plan, Draws: 100, Seed: 1, Regions: regs}, &rep)
				if err != nil {
					b.Fatal(err)
				}
				b.Logf("%d × %d, %d draws × %d fractions, %d regions: %.1f s wall, %.1f s CPU (all threads)",
					sz.n, sz.p, res.Draws, len(res.Fractions), len(regs), time.Since(start).Seconds(), (cpuTime() - cpu0).Seconds())
			}
		})
	}
}

// cpuTime is the process's user + system time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
