package demogen

import (
	"fmt"
	"image"
	"math"
)

// LayerNames are the exported layers of both networks, in network order.
var LayerNames = []string{"conv1", "conv2", "conv3", "fc", "readout"}

// The architecture shared by both networks (input 3×64×64):
//
//	conv1   8 filters 5×5, stride 1, same padding, ReLU, 4×4 max-pool →  8×16×16
//	conv2  16 filters 3×3, stride 1, same padding, ReLU, 2×2 max-pool → 16×8×8
//	conv3  32 filters 3×3, stride 1, same padding, ReLU, 2×2 max-pool → 32×4×4
//	fc     64 units, fully connected on the flattened conv3, ReLU      → 64
//	readout 4 units, linear, fitted by ridge regression to the categories
const (
	conv1Filters, conv1Size, conv1Pool = 8, 5, 4
	conv2Filters, conv2Size, conv2Pool = 16, 3, 2
	conv3Filters, conv3Size, conv3Pool = 32, 3, 2
	fcUnits                            = 64
	// RidgeLambda is the ridge penalty of the readout, on z-scored fc
	// features (whose Gram matrix has diagonal n).
	RidgeLambda = 8.0
)

// network is the weights of one network (biases are all zero).
type network struct {
	name, ingredient string
	conv1            []float64 // 8×3×5×5
	conv2            []float64 // 16×8×3×3
	conv3            []float64 // 32×16×3×3
	fc               []float64 // 64×512, row-major (unit × input)
}

// tensor is a C×H×W array in row-major order.
type tensor struct {
	c, h, w int
	x       []float64
}

// gaborBank returns the V1-like filter bank of gabornet: 4 orientations
// (0°, 45°, 90°, 135°) × 2 phases (even, odd) of a Gabor function with
// wavelength 4 px and envelope σ = 1.25 px on a 5×5 grid, applied to
// luminance (the same kernel on R, G and B, divided by 3), each made zero
// mean and unit L2 norm over its 3×5×5 weights.
func gaborBank() []float64 {
	const (
		k      = conv1Size
		lambda = 4.0
		sigma  = 1.25
	)
	w := make([]float64, conv1Filters*3*k*k)
	f := 0
	for o := range 4 {
		th := float64(o) * math.Pi / 4
		ct, st := cos32(th), sin32(th)
		for _, phase := range []float64{0, math.Pi / 2} {
			ker := make([]float64, k*k)
			var mean float64
			for i := range k {
				for j := range k {
					y, x := float64(i-k/2), float64(j-k/2)
					xr := mul(x, ct) + mul(y, st)
					yr := mul(y, ct) - mul(x, st)
					env := exp32(-(sq(xr) + sq(yr)) / (2 * sigma * sigma))
					car := cos32(float64(2*math.Pi*xr/lambda) + phase)
					ker[i*k+j] = mul(env, car)
					mean += ker[i*k+j]
				}
			}
			mean /= k * k
			for i := range ker {
				ker[i] -= mean
			}
			// unit norm over the 3 channels
			norm := math.Sqrt(3 * dot(ker, ker))
			for c := range 3 {
				for i, v := range ker {
					w[(f*3+c)*k*k+i] = v / norm
				}
			}
			f++
		}
	}
	return w
}

// randomBank returns conv1 of randnet: independent normal weights, each
// filter scaled to the L2 norm of the Gabor filter it replaces (1).
func randomBank(ref []float64) []float64 {
	r := newRand(streamRandConv1)
	per := 3 * conv1Size * conv1Size
	w := normals(r, len(ref), 1)
	for f := range conv1Filters {
		g, x := ref[f*per:(f+1)*per], w[f*per:(f+1)*per]
		s := math.Sqrt(dot(g, g)) / math.Sqrt(dot(x, x))
		for i := range x {
			x[i] = mul(x[i], s)
		}
	}
	return w
}

// heWeights returns n normal weights with standard deviation √(2/fanIn).
func heWeights(stream uint64, n, fanIn int) []float64 {
	return normals(newRand(stream), n, math.Sqrt(2/float64(fanIn)))
}

// networks returns gabornet and randnet. They share every weight except
// conv1.
func networks() []*network {
	gabor := gaborBank()
	conv2 := heWeights(streamConv2, conv2Filters*conv1Filters*conv2Size*conv2Size, conv1Filters*conv2Size*conv2Size)
	conv3 := heWeights(streamConv3, conv3Filters*conv2Filters*conv3Size*conv3Size, conv2Filters*conv3Size*conv3Size)
	nIn := conv3Filters * (ImageSize / (conv1Pool * conv2Pool * conv3Pool)) * (ImageSize / (conv1Pool * conv2Pool * conv3Pool))
	fc := heWeights(streamFC, fcUnits*nIn, nIn)
	return []*network{
		{name: "gabornet", ingredient: "a fixed V1-like Gabor filter bank in conv1", conv1: gabor, conv2: conv2, conv3: conv3, fc: fc},
		{name: "randnet", ingredient: "random norm-matched filters in conv1", conv1: randomBank(gabor), conv2: conv2, conv3: conv3, fc: fc},
	}
}

// inputs converts the images to 3×64×64 tensors with values in [0, 1]
// minus the mean of each channel over all images and pixels.
func inputs(imgs []*image.RGBA) []tensor {
	var mean [3]float64
	out := make([]tensor, len(imgs))
	for n, img := range imgs {
		t := tensor{3, ImageSize, ImageSize, make([]float64, 3*ImageSize*ImageSize)}
		for y := range ImageSize {
			for x := range ImageSize {
				p := img.Pix[y*img.Stride+4*x:]
				for c := range 3 {
					v := float64(p[c]) / 255
					t.x[(c*ImageSize+y)*ImageSize+x] = v
					mean[c] += v
				}
			}
		}
		out[n] = t
	}
	for c := range mean {
		mean[c] /= float64(len(imgs) * ImageSize * ImageSize)
	}
	for _, t := range out {
		for c := range 3 {
			ch := t.x[c*ImageSize*ImageSize : (c+1)*ImageSize*ImageSize]
			for i := range ch {
				ch[i] -= mean[c]
			}
		}
	}
	return out
}

// conv2d is a stride-1 convolution (cross-correlation, as in deep-learning
// frameworks) with zero "same" padding: out[f,y,x] = Σ_c Σ_i Σ_j
// w[f,c,i,j]·in[c, y+i−k/2, x+j−k/2]. Sums run in a fixed order.
func conv2d(in tensor, w []float64, filters, k int) tensor {
	p := k / 2
	hp, wp := in.h+2*p, in.w+2*p
	pad := make([]float64, in.c*hp*wp)
	for c := range in.c {
		for y := range in.h {
			copy(pad[(c*hp+y+p)*wp+p:], in.x[(c*in.h+y)*in.w:(c*in.h+y+1)*in.w])
		}
	}
	out := tensor{filters, in.h, in.w, make([]float64, filters*in.h*in.w)}
	for f := range filters {
		o := out.x[f*in.h*in.w : (f+1)*in.h*in.w]
		for c := range in.c {
			for i := range k {
				for j := range k {
					wv := w[((f*in.c+c)*k+i)*k+j]
					for y := range in.h {
						axpy(wv, pad[(c*hp+y+i)*wp+j:(c*hp+y+i)*wp+j+in.w], o[y*in.w:(y+1)*in.w])
					}
				}
			}
		}
	}
	return out
}

// reluPool applies ReLU then a k×k max-pool with stride k.
func reluPool(in tensor, k int) tensor {
	h, w := in.h/k, in.w/k
	out := tensor{in.c, h, w, make([]float64, in.c*h*w)}
	for c := range in.c {
		for y := range h {
			for x := range w {
				m := 0.0 // ReLU: the max is at least 0
				for i := range k {
					for j := range k {
						m = math.Max(m, in.x[(c*in.h+y*k+i)*in.w+x*k+j])
					}
				}
				out.x[(c*h+y)*w+x] = m
			}
		}
	}
	return out
}

// forward runs the network up to fc and returns the activations of conv1,
// conv2, conv3 and fc for one image.
func (nw *network) forward(in tensor) [][]float64 {
	a1 := reluPool(conv2d(in, nw.conv1, conv1Filters, conv1Size), conv1Pool)
	a2 := reluPool(conv2d(a1, nw.conv2, conv2Filters, conv2Size), conv2Pool)
	a3 := reluPool(conv2d(a2, nw.conv3, conv3Filters, conv3Size), conv3Pool)
	fc := make([]float64, fcUnits)
	nIn := len(a3.x)
	for u := range fc {
		fc[u] = math.Max(0, dot(nw.fc[u*nIn:(u+1)*nIn], a3.x))
	}
	return [][]float64{a1.x, a2.x, a3.x, fc}
}

// zscore returns the columns of the n × p row-major matrix x centred and
// scaled to unit variance (divided by n). Constant columns become 0.
func zscore(x []float64, n, p int) []float64 {
	z := make([]float64, n*p)
	for j := range p {
		var m float64
		for i := range n {
			m += x[i*p+j]
		}
		m /= float64(n)
		var ss float64
		for i := range n {
			ss += sq(x[i*p+j] - m)
		}
		sd := math.Sqrt(ss / float64(n))
		if !(sd > 1e-12*(1+math.Abs(m))) {
			continue
		}
		for i := range n {
			z[i*p+j] = (x[i*p+j] - m) / sd
		}
	}
	return z
}

// ridgeReadout fits the readout: with Z the z-scored fc features (n × p),
// Y the one-hot categories (n × k) and ȳ their column means, it returns
// Ẑ = Z·W + ȳ where W = (ZᵀZ + λI)⁻¹ Zᵀ(Y − ȳ), the closed-form ridge
// solution with an unpenalised intercept.
func ridgeReadout(fc []float64, n, p int, cats []int, k int, lambda float64) ([]float64, error) {
	z := zscore(fc, n, p)
	// centred targets
	y := make([]float64, n*k)
	ybar := make([]float64, k)
	for i, c := range cats {
		y[i*k+c] = 1
	}
	for c := range k {
		var m float64
		for i := range n {
			m += y[i*k+c]
		}
		ybar[c] = m / float64(n)
		for i := range n {
			y[i*k+c] -= ybar[c]
		}
	}
	// A = ZᵀZ + λI, B = ZᵀY
	a := make([]float64, p*p)
	b := make([]float64, p*k)
	for i := range n {
		zi := z[i*p : (i+1)*p]
		for r := range p {
			if zi[r] == 0 {
				continue
			}
			axpy(zi[r], zi, a[r*p:(r+1)*p])
			axpy(zi[r], y[i*k:(i+1)*k], b[r*k:(r+1)*k])
		}
	}
	for r := range p {
		a[r*p+r] += lambda
	}
	w, err := choleskySolve(a, b, p, k)
	if err != nil {
		return nil, fmt.Errorf("ridge readout: %w", err)
	}
	out := make([]float64, n*k)
	for i := range n {
		o := out[i*k : (i+1)*k]
		copy(o, ybar)
		for r := range p {
			axpy(z[i*p+r], w[r*k:(r+1)*k], o)
		}
	}
	return out, nil
}

// choleskySolve solves A·X = B for symmetric positive definite A (p × p)
// and B (p × k), both row-major, by A = LLᵀ and two triangular solves.
func choleskySolve(a, b []float64, p, k int) ([]float64, error) {
	l := make([]float64, p*p)
	for i := range p {
		for j := 0; j <= i; j++ {
			s := a[i*p+j] - dot(l[i*p:i*p+j], l[j*p:j*p+j])
			if i == j {
				if !(s > 0) {
					return nil, fmt.Errorf("matrix not positive definite at pivot %d", i)
				}
				l[i*p+i] = math.Sqrt(s)
			} else {
				l[i*p+j] = s / l[j*p+j]
			}
		}
	}
	x := append([]float64(nil), b...)
	// L·Y = B
	for i := range p {
		for c := range k {
			s := x[i*k+c]
			for j := range i {
				s -= mul(l[i*p+j], x[j*k+c])
			}
			x[i*k+c] = s / l[i*p+i]
		}
	}
	// Lᵀ·X = Y
	for i := p - 1; i >= 0; i-- {
		for c := range k {
			s := x[i*k+c]
			for j := i + 1; j < p; j++ {
				s -= mul(l[j*p+i], x[j*k+c])
			}
			x[i*k+c] = s / l[i*p+i]
		}
	}
	return x, nil
}
