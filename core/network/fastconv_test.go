package network

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/simplego"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
)

type array struct {
	v    []float32
	dims []int
}

func randArray(r *rand.Rand, dims ...int) array {
	n := 1
	for _, d := range dims {
		n *= d
	}
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(r.NormFloat64())
	}
	return array{v, dims}
}

// tensor makes a fresh tensor (a tensor stays bound to the back end that
// first used it).
func (a array) tensor() *tensors.Tensor {
	return tensors.FromFlatDataAndDimensions(append([]float32(nil), a.v...), a.dims...)
}

func runConv(t *testing.T, be backends.Backend, xa, wa array, strides []int, pads [][2]int) []float32 {
	t.Helper()
	x, w := xa.tensor(), wa.tensor()
	var out []float32
	err := graphErr(func() {
		e := graph.MustNewExec(be, func(x, w *graph.Node) *graph.Node {
			axes := backends.ConvolveAxesConfig{InputBatch: 0, InputChannels: 1, InputSpatial: []int{2, 3},
				KernelOutputChannels: 0, KernelInputChannels: 1, KernelSpatial: []int{2, 3},
				OutputBatch: 0, OutputChannels: 1, OutputSpatial: []int{2, 3}}
			return graph.Convolve(x, w).AxesConfig(axes).StridePerAxis(strides...).PaddingPerDim(pads).Done()
		})
		res := e.MustExec(x, w)
		out = tensors.MustCopyFlatData[float32](res[0])
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestIm2colMatchesDirect: the im2col lowering gives SimpleGo's direct
// convolution (to float32 rounding) for strides, asymmetric padding, 1×1
// kernels and kernels as large as the padded image.
func TestIm2colMatchesDirect(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, c := range []struct {
		n, c, h, w, o, kh, kw int
		strides               []int
		pads                  [][2]int
	}{
		{2, 3, 9, 7, 4, 3, 3, []int{1, 1}, [][2]int{{1, 1}, {1, 1}}},
		{1, 5, 9, 7, 4, 3, 2, []int{2, 1}, [][2]int{{1, 2}, {0, 1}}},
		{3, 4, 6, 6, 2, 1, 1, []int{1, 1}, [][2]int{{0, 0}, {0, 0}}},
		{2, 4, 7, 7, 3, 1, 1, []int{2, 2}, [][2]int{{0, 0}, {0, 0}}},
		{1, 2, 3, 4, 3, 5, 6, []int{1, 1}, [][2]int{{1, 1}, {1, 1}}},
		{2, 3, 16, 16, 8, 7, 7, []int{2, 2}, [][2]int{{3, 3}, {3, 3}}},
	} {
		t.Run(fmt.Sprintf("%dx%d_s%v_p%v", c.kh, c.kw, c.strides, c.pads), func(t *testing.T) {
			x := randArray(r, c.n, c.c, c.h, c.w)
			w := randArray(r, c.o, c.c, c.kh, c.kw)
			want := runConv(t, simplego.GetBackend(), x, w, c.strides, c.pads)
			got := runConv(t, backend(), x, w, c.strides, c.pads)
			if len(got) != len(want) {
				t.Fatalf("%d values, want %d", len(got), len(want))
			}
			for i := range got {
				if d := math.Abs(float64(got[i] - want[i])); d > 1e-5*(1+math.Abs(float64(want[i]))) {
					t.Fatalf("value %d: %g, direct %g", i, got[i], want[i])
				}
			}
		})
	}
}

// TestPad: constant padding (which SimpleGo lacks) by concatenation.
func TestPad(t *testing.T) {
	x := tensors.FromFlatDataAndDimensions([]float32{1, 2, 3, 4, 5, 6}, 2, 3)
	var got []float32
	err := graphErr(func() {
		e := graph.MustNewExec(backend(), func(x *graph.Node) *graph.Node {
			return graph.Pad(x, graph.Const(x.Graph(), float32(-1)), backends.PadAxis{Start: 1}, backends.PadAxis{Start: 0, End: 2})
		})
		got = tensors.MustCopyFlatData[float32](e.MustExec(x)[0])
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{-1, -1, -1, -1, -1, 1, 2, 3, -1, -1, 4, 5, 6, -1, -1}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Pad = %v, want %v", got, want)
	}
}

// TestReduceWindow: max and sum pooling by strided slices equal SimpleGo's
// ReduceWindow, with strides, padding and windows that overlap.
func TestReduceWindow(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	x := randArray(r, 2, 3, 9, 8)
	for _, c := range []struct {
		op      backends.ReduceOpType
		window  []int
		strides []int
		pads    [][2]int
	}{
		{backends.ReduceOpMax, []int{1, 1, 2, 2}, nil, nil},
		{backends.ReduceOpMax, []int{1, 1, 3, 3}, []int{1, 1, 2, 2}, [][2]int{{0, 0}, {0, 0}, {1, 1}, {1, 1}}},
		{backends.ReduceOpSum, []int{1, 1, 3, 2}, []int{1, 1, 2, 1}, [][2]int{{0, 0}, {0, 0}, {1, 0}, {0, 1}}},
		{backends.ReduceOpMax, []int{1, 1, 9, 8}, []int{1, 1, 1, 1}, nil},
	} {
		run := func(be backends.Backend) []float32 {
			var out []float32
			err := graphErr(func() {
				e := graph.MustNewExec(be, func(x *graph.Node) *graph.Node {
					return graph.BackendReduceWindow(x, c.op, c.window, c.strides, nil, nil, c.pads)
				})
				out = tensors.MustCopyFlatData[float32](e.MustExec(x.tensor())[0])
			})
			if err != nil {
				t.Fatal(err)
			}
			return out
		}
		want, got := run(simplego.GetBackend()), run(backend())
		if len(got) != len(want) {
			t.Fatalf("%v %v: %d values, want %d", c.op, c.window, len(got), len(want))
		}
		for i := range got {
			if math.Abs(float64(got[i]-want[i])) > 1e-5 {
				t.Fatalf("%v window %v: value %d = %g, want %g", c.op, c.window, i, got[i], want[i])
			}
		}
	}
}
