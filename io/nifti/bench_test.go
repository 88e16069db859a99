package nifti

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/alignscope/alignscope/core/data"
	"gonum.org/v1/gonum/mat"
)

// writeSeries writes an uncompressed 4-D float32 image of nt volumes on
// a 64×64×40 grid by concatenating 3-D volumes (same header layout).
func writeSeries(b *testing.B, nt int) string {
	b.Helper()
	dims := [3]int{64, 64, 40}
	v := testVolume(dims, [4][4]float64{{3, 0, 0, 0}, {0, 3, 0, 0}, {0, 0, 3, 0}, {0, 0, 0, 1}}, func(i int) float64 { return float64(i) })
	path := filepath.Join(b.TempDir(), "series.nii")
	if err := Write(path, v, nil); err != nil {
		b.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	// set dim[0] = 4 and dim[4] = nt, then append nt-1 more volumes
	raw[40] = 4
	raw[48], raw[49] = byte(nt), byte(nt>>8)
	body := raw[voxOffset1:]
	for range nt - 1 {
		raw = append(raw, body...)
	}
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkSeries reads a 2000-voxel region of a 64×64×40×200 series
// (float32, 131 MB) in column blocks, as RDMs and encoding models do.
func BenchmarkSeries(b *testing.B) {
	im, err := Open(writeSeries(b, 200))
	if err != nil {
		b.Fatal(err)
	}
	defer im.Close()
	r := rand.New(rand.NewPCG(1, 1))
	// a blob: voxels within a box, in storage order
	var cols []int
	for k := 15; k < 25 && len(cols) < 2000; k++ {
		for j := 20; j < 40 && len(cols) < 2000; j++ {
			for i := 10; i < 30 && len(cols) < 2000; i++ {
				if r.Float64() < 0.7 {
					cols = append(cols, i+64*(j+64*k))
				}
			}
		}
	}
	rows := make([]int, im.Volumes())
	for t := range rows {
		rows[t] = t
	}
	s, err := im.Series(rows, cols)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(rows) * len(cols) * 4))
	b.ResetTimer()
	for b.Loop() {
		if err := data.EachBlock(s, 256, func(int, int, *mat.Dense) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}
