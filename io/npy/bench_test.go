package npy

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/alignscope/alignscope/core/data"
)

// The benchmark file is a float32 C-order n × p .npy written once per
// test binary run, streaming, into a temporary folder that TestMain
// removes. Its size: ALIGNSCOPE_BENCH_N × ALIGNSCOPE_BENCH_P when set,
// else 1000 × 200000 (800 MB) with ALIGNSCOPE_BENCH_LARGE=1, else
// 1000 × 20000 (80 MB).
var bench struct {
	once sync.Once
	dir  string
	path string
	n, p int
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if bench.dir != "" {
		os.RemoveAll(bench.dir)
	}
	os.Exit(code)
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

func benchFile(b *testing.B) (string, int, int) {
	bench.once.Do(func() {
		p := 20000
		if os.Getenv("ALIGNSCOPE_BENCH_LARGE") == "1" {
			p = 200000
		}
		bench.n, bench.p = envInt("ALIGNSCOPE_BENCH_N", 1000), envInt("ALIGNSCOPE_BENCH_P", p)
		bench.dir, bench.err = os.MkdirTemp("", "alignscope-npy-bench-")
		if bench.err != nil {
			return
		}
		bench.path = filepath.Join(bench.dir, fmt.Sprintf("bench_%dx%d.npy", bench.n, bench.p))
		bench.err = writeBenchFile(bench.path, bench.n, bench.p)
	})
	if bench.err != nil {
		b.Fatal(bench.err)
	}
	return bench.path, bench.n, bench.p
}

// writeBenchFile streams an n × p float32 array row by row.
func writeBenchFile(path string, n, p int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	w, err := NewWriter[float32](bw, []int{n, p})
	if err != nil {
		f.Close()
		return err
	}
	row := make([]float32, p)
	for i := 0; i < n; i++ {
		for j := range row {
			row[j] = float32((i*7+j*13)%1009) / 1009
		}
		if err := w.WriteValues(row); err != nil {
			f.Close()
			return err
		}
	}
	if err := w.Close(); err != nil {
		f.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// BenchmarkOpenLarge measures Open + Close of the large file: header only.
// heap-B is the heap retained by one open File.
func BenchmarkOpenLarge(b *testing.B) {
	path, _, _ := benchFile(b)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f, err := Open(path)
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	f.Close()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		f, err := Open(path)
		if err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
	b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)), "heap-B")
}

// BenchmarkStreamColumns streams every column of the large file in
// blocks; MB/s counts stored (float32) bytes.
func BenchmarkStreamColumns(b *testing.B) {
	path, n, p := benchFile(b)
	f, err := Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	m, err := f.Arrays[0].Matrix()
	if err != nil {
		b.Fatal(err)
	}
	for _, width := range []int{0, 256} {
		name := "width=default"
		if width > 0 {
			name = fmt.Sprintf("width=%d", width)
		} else {
			name = fmt.Sprintf("width=%d", data.BlockColumns(n, p))
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(f.Arrays[0].Size)
			b.ReportAllocs()
			for b.Loop() {
				var sum float64
				err := data.EachBlock(m, width, func(_, _ int, blk *mat.Dense) error {
					sum += blk.RawMatrix().Data[0]
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkDecodeFloat32(b *testing.B) {
	const k = 1 << 16
	src := make([]byte, 4*k)
	dst := make([]float64, k)
	b.SetBytes(4 * k)
	for b.Loop() {
		decode(dst, src, cF32le)
	}
}
