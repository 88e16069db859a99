package network

import (
	"math"
	"slices"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/shapes"
)

// im2colBackend wraps a GoMLX back end so that 2-D convolutions are built
// as one matrix product (im2col) instead of the back end's own ConvGeneral.
// SimpleGo's ConvGeneral is a direct, single-threaded loop; its DotGeneral
// is blocked and parallel, several times faster on convolution layers.
//
// The lowering of y = conv(x, w) with x N×C×H×W, w O×C×kh×kw, strides
// (s₀, s₁) and zero padding is
//
//	xp = pad(x)                                   N × C × Hp × Wp
//	cols[n, c·kh·kw + i·kw + j, h·Wo + v] = xp[n, c, i + s₀h, j + s₁v]
//	y[n, o, h, v] = Σ_k w[o, k] · cols[n, k, h·Wo + v]
//
// which is the same sum as the direct convolution, in another order (so
// results agree to float32 rounding). Zero padding is done by Pad, which
// SimpleGo lacks and this builder provides by concatenation. Only the ONNX layout (input NCHW,
// kernel OIHW, output NCHW), float32, without dilation or groups, is
// lowered; anything else goes to the wrapped back end unchanged.
type im2colBackend struct {
	backends.Backend
}

// Builder returns a builder whose ConvGeneral is lowered to im2col.
func (b im2colBackend) Builder(name string) backends.Builder {
	return &im2colBuilder{Builder: b.Backend.Builder(name)}
}

type im2colBuilder struct {
	backends.Builder
}

func isIota(axes []int, from int) bool {
	for i, a := range axes {
		if a != from+i {
			return false
		}
	}
	return true
}

func allOnes(v []int) bool {
	for _, x := range v {
		if x != 1 {
			return false
		}
	}
	return true
}

// ConvGeneral implements backends.Builder.
func (b *im2colBuilder) ConvGeneral(input, kernel backends.Op, axes backends.ConvolveAxesConfig,
	strides []int, paddings [][2]int, inputDilations, kernelDilations []int,
	channelGroupCount, batchGroupCount int) (backends.Op, error) {
	fallback := func() (backends.Op, error) {
		return b.Builder.ConvGeneral(input, kernel, axes, strides, paddings, inputDilations, kernelDilations, channelGroupCount, batchGroupCount)
	}
	xs, err := b.OpShape(input)
	if err != nil {
		return fallback()
	}
	ws, err := b.OpShape(kernel)
	if err != nil {
		return fallback()
	}
	if xs.DType != dtypes.Float32 || ws.DType != dtypes.Float32 || xs.Rank() != 4 || ws.Rank() != 4 ||
		axes.InputBatch != 0 || axes.InputChannels != 1 || !isIota(axes.InputSpatial, 2) ||
		axes.KernelOutputChannels != 0 || axes.KernelInputChannels != 1 || !isIota(axes.KernelSpatial, 2) ||
		axes.OutputBatch != 0 || axes.OutputChannels != 1 || !isIota(axes.OutputSpatial, 2) ||
		(inputDilations != nil && !allOnes(inputDilations)) || (kernelDilations != nil && !allOnes(kernelDilations)) ||
		channelGroupCount > 1 || batchGroupCount > 1 || xs.Dimensions[1] != ws.Dimensions[1] {
		return fallback()
	}
	n, c, h, w := xs.Dimensions[0], xs.Dimensions[1], xs.Dimensions[2], xs.Dimensions[3]
	o, kh, kw := ws.Dimensions[0], ws.Dimensions[2], ws.Dimensions[3]
	s := []int{1, 1}
	if len(strides) == 2 {
		s = slices.Clone(strides)
	}
	pad := [2][2]int{}
	if len(paddings) == 2 {
		pad[0], pad[1] = paddings[0], paddings[1]
	}
	hp, wp := h+pad[0][0]+pad[0][1], w+pad[1][0]+pad[1][1]
	if hp < kh || wp < kw || s[0] < 1 || s[1] < 1 {
		return fallback()
	}
	ho, wo := (hp-kh)/s[0]+1, (wp-kw)/s[1]+1
	x := input
	if pad != [2][2]int{} {
		zero, err := b.Constant([]float32{0})
		if err != nil {
			return nil, err
		}
		if zero, err = b.Reshape(zero); err != nil {
			return nil, err
		}
		x, err = b.Pad(x, zero, backends.PadAxis{}, backends.PadAxis{},
			backends.PadAxis{Start: pad[0][0], End: pad[0][1]}, backends.PadAxis{Start: pad[1][0], End: pad[1][1]})
		if err != nil {
			return nil, err
		}
	}
	var cols backends.Op
	if kh == 1 && kw == 1 && s[0] == 1 && s[1] == 1 {
		cols, err = b.Reshape(x, n, c, ho*wo)
		if err != nil {
			return nil, err
		}
	} else {
		parts := make([]backends.Op, 0, kh*kw)
		for i := range kh {
			for j := range kw {
				p, err := b.Slice(x, []int{0, 0, i, j}, []int{n, c, i + (ho-1)*s[0] + 1, j + (wo-1)*s[1] + 1}, []int{1, 1, s[0], s[1]})
				if err != nil {
					return nil, err
				}
				if p, err = b.Reshape(p, n, c, 1, ho*wo); err != nil {
					return nil, err
				}
				parts = append(parts, p)
			}
		}
		if len(parts) == 1 {
			cols = parts[0]
		} else if cols, err = b.Concatenate(2, parts...); err != nil {
			return nil, err
		}
		if cols, err = b.Reshape(cols, n, c*kh*kw, ho*wo); err != nil {
			return nil, err
		}
	}
	wm, err := b.Reshape(kernel, o, c*kh*kw)
	if err != nil {
		return nil, err
	}
	// [O, K] · [N, K, HW] → [O, N, HW] (lhs cross axes first).
	y, err := b.DotGeneral(wm, []int{1}, nil, cols, []int{1}, nil)
	if err != nil {
		return nil, err
	}
	if n > 1 {
		if y, err = b.Transpose(y, 1, 0, 2); err != nil {
			return nil, err
		}
	}
	return b.Reshape(y, n, o, ho, wo)
}

// Pad implements backends.Builder for padding without interior padding
// (SimpleGo has no Pad): the operand is concatenated, axis by axis, with
// blocks of the fill value.
func (b *im2colBuilder) Pad(x, fill backends.Op, axesConfig ...backends.PadAxis) (backends.Op, error) {
	xs, err := b.OpShape(x)
	if err != nil {
		return nil, err
	}
	for _, a := range axesConfig {
		if a.Interior != 0 || a.Start < 0 || a.End < 0 {
			return b.Builder.Pad(x, fill, axesConfig...)
		}
	}
	dims := slices.Clone(xs.Dimensions)
	for axis, a := range axesConfig {
		if a.Start == 0 && a.End == 0 {
			continue
		}
		block := func(size int) (backends.Op, error) {
			d := slices.Clone(dims)
			d[axis] = size
			return b.BroadcastInDim(fill, shapes.Make(xs.DType, d...), nil)
		}
		parts := []backends.Op{}
		if a.Start > 0 {
			z, err := block(a.Start)
			if err != nil {
				return nil, err
			}
			parts = append(parts, z)
		}
		parts = append(parts, x)
		if a.End > 0 {
			z, err := block(a.End)
			if err != nil {
				return nil, err
			}
			parts = append(parts, z)
		}
		if x, err = b.Concatenate(axis, parts...); err != nil {
			return nil, err
		}
		dims[axis] += a.Start + a.End
	}
	return x, nil
}

// ReduceWindow implements backends.Builder for max and sum pooling of
// float32 without dilation (SimpleGo's generic ReduceWindow walks every
// window element by element): the result is the elementwise max (or sum)
// of one strided slice of the padded operand per window position,
//
//	y[o] = max_{e ∈ window} pad(x)[o·s + e]
//
// with padding −∞ for max and 0 for sum. Windows of more than 32
// positions go to the wrapped back end.
func (b *im2colBuilder) ReduceWindow(x backends.Op, reductionType backends.ReduceOpType,
	windowDimensions, strides, baseDilations, windowDilations []int, paddings [][2]int) (backends.Op, error) {
	fallback := func() (backends.Op, error) {
		return b.Builder.ReduceWindow(x, reductionType, windowDimensions, strides, baseDilations, windowDilations, paddings)
	}
	xs, err := b.OpShape(x)
	if err != nil || xs.DType != dtypes.Float32 || (reductionType != backends.ReduceOpMax && reductionType != backends.ReduceOpSum) ||
		(baseDilations != nil && !allOnes(baseDilations)) || (windowDilations != nil && !allOnes(windowDilations)) {
		return fallback()
	}
	r := xs.Rank()
	if len(windowDimensions) != r || (strides != nil && len(strides) != r) || (paddings != nil && len(paddings) != r) {
		return fallback()
	}
	s := strides
	if s == nil {
		s = windowDimensions
	}
	count := 1
	for _, w := range windowDimensions {
		count *= w
	}
	if count < 1 || count > 32 {
		return fallback()
	}
	padded := false
	axes := make([]backends.PadAxis, r)
	dims := slices.Clone(xs.Dimensions)
	for i := range r {
		if paddings != nil && (paddings[i][0] != 0 || paddings[i][1] != 0) {
			if paddings[i][0] < 0 || paddings[i][1] < 0 {
				return fallback()
			}
			padded = true
			axes[i] = backends.PadAxis{Start: paddings[i][0], End: paddings[i][1]}
			dims[i] += paddings[i][0] + paddings[i][1]
		}
		if s[i] < 1 || dims[i] < windowDimensions[i] {
			return fallback()
		}
	}
	if padded {
		fill := float32(0)
		if reductionType == backends.ReduceOpMax {
			fill = float32(math.Inf(-1))
		}
		f, err := b.Constant([]float32{fill})
		if err != nil {
			return nil, err
		}
		if f, err = b.Reshape(f); err != nil {
			return nil, err
		}
		if x, err = b.Pad(x, f, axes...); err != nil {
			return nil, err
		}
	}
	out := make([]int, r)
	for i := range r {
		out[i] = (dims[i]-windowDimensions[i])/s[i] + 1
	}
	var acc backends.Op
	off := make([]int, r)
	for {
		starts := slices.Clone(off)
		limits := make([]int, r)
		for i := range r {
			limits[i] = off[i] + (out[i]-1)*s[i] + 1
		}
		part, err := b.Slice(x, starts, limits, s)
		if err != nil {
			return nil, err
		}
		if acc == nil {
			acc = part
		} else if reductionType == backends.ReduceOpMax {
			acc, err = b.Max(acc, part)
		} else {
			acc, err = b.Add(acc, part)
		}
		if err != nil {
			return nil, err
		}
		// Next window offset (odometer over the window dimensions).
		i := r - 1
		for ; i >= 0; i-- {
			off[i]++
			if off[i] < windowDimensions[i] {
				break
			}
			off[i] = 0
		}
		if i < 0 {
			return acc, nil
		}
	}
}
