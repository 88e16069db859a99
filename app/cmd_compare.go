package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strings"

	"github.com/alignscope/alignscope/core/compare"
	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/rdm"
	"github.com/alignscope/alignscope/io/npy"
	"gonum.org/v1/gonum/mat"
)

// cmdCompare implements
//
//	alignscope compare --a A.npy --b B.npy --method M [--sigma-k S.npy] [--out C.npy]
//
// A and B hold RDMs as n_rdm × n_pairs vectors (upper triangle, row-major),
// a single 1-D vector, an n × n square matrix or an n_rdm × n × n stack.
// The n1 × n2 comparison matrix is written as float64 .npy, or printed
// as tab-separated text without --out.
func cmdCompare(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("alignscope compare", flag.ContinueOnError)
	fl.SetOutput(stderr)
	fa := fl.String("a", "", "first RDM set `A.npy` (rows of the result)")
	fb := fl.String("b", "", "second RDM set `B.npy` (columns of the result)")
	method := fl.String("method", "cosine", "comparison `method`: "+strings.Join(compare.Methods, ", "))
	fs := fl.String("sigma-k", "", "stimulus covariance `S.npy` for corr_cov, cosine_cov, neg_riem_dist (n×n, or n variances)")
	out := fl.String("out", "", "write the comparison matrix to `C.npy` (float64); without it, print it")
	fl.Usage = func() {
		fmt.Fprint(stderr, `Usage: alignscope compare --a A.npy --b B.npy --method M [--sigma-k S.npy] [--out C.npy]

Compares every RDM of A with every RDM of B (rsatoolbox compare()).
A and B: n_rdm × n_pairs RDM vectors (upper triangle, row-major), one 1-D
vector, an n × n matrix, or an n_rdm × n × n stack.

`)
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *fa == "" || *fb == "" || fl.NArg() > 0 {
		fmt.Fprintln(stderr, "alignscope compare: give --a and --b (and no other arguments)")
		fl.Usage()
		return 2
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "alignscope compare: %v\n", err)
		return 1
	}
	a, err := readRDMs(*fa)
	if err != nil {
		return fail(err)
	}
	b, err := readRDMs(*fb)
	if err != nil {
		return fail(err)
	}
	opt := &compare.Options{}
	if *fs != "" {
		s, shape, err := readArray(*fs)
		if err != nil {
			return fail(err)
		}
		switch len(shape) {
		case 1:
			opt.SigmaKDiag = s.RawMatrix().Data
		case 2:
			opt.SigmaK = s
		default:
			return fail(fmt.Errorf("%s: sigma_k must be 1-D or 2-D, has shape %v", *fs, shape))
		}
	}
	c, err := compare.Compare(a, b, *method, opt)
	if err != nil {
		return fail(fmt.Errorf("%s vs %s: %w", *fa, *fb, err))
	}
	n1, n2 := c.Dims()
	if *out == "" {
		for i := 0; i < n1; i++ {
			row := make([]string, n2)
			for j := range row {
				row[j] = fmt.Sprintf("%.10g", c.At(i, j))
			}
			fmt.Fprintln(stdout, strings.Join(row, "\t"))
		}
		return 0
	}
	if err := writeMatrix(*out, c); err != nil {
		return fail(err)
	}
	fmt.Fprintf(stdout, "%s: %d × %d %s comparisons\n", *out, n1, n2, *method)
	return 0
}

// readArray reads the single array of a .npy (or one-array .npz) file as
// a matrix (a 1-D array is one row; more dimensions are flattened after
// the first) and returns its numpy shape.
func readArray(path string) (*mat.Dense, []int, error) {
	f, err := npy.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	if len(f.Arrays) != 1 {
		return nil, nil, fmt.Errorf("%s holds %d arrays (%s); give a file with one", path, len(f.Arrays), strings.Join(f.Names(), ", "))
	}
	arr := f.Arrays[0]
	if arr.Err != nil {
		return nil, nil, arr.Err
	}
	shape := append([]int(nil), arr.Shape...)
	if len(shape) == 0 || arr.Elements() == 0 {
		return nil, nil, fmt.Errorf("%s: empty or 0-D array (shape %v)", path, shape)
	}
	v, err := arr.Matrix()
	if err != nil {
		return nil, nil, err
	}
	m, err := data.ReadAll(v)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(shape) == 1 {
		m = mat.NewDense(1, shape[0], m.RawMatrix().Data)
	}
	return m, shape, nil
}

// readRDMs reads an RDM set as n_rdm × n_pairs vectors.
func readRDMs(path string) (*mat.Dense, error) {
	m, shape, err := readArray(path)
	if err != nil {
		return nil, err
	}
	switch {
	case len(shape) == 1:
		return m, nil
	case len(shape) == 2 && shape[0] == shape[1] && isSquareRDM(m.RawMatrix().Data, shape[0]):
		return squaresToVectors(m.RawMatrix().Data, 1, shape[0]), nil
	case len(shape) == 2:
		return m, nil
	case len(shape) == 3 && shape[1] == shape[2]:
		for k := 0; k < shape[0]; k++ {
			if !isSquareRDM(m.RawRowView(k), shape[1]) {
				return nil, fmt.Errorf("%s: matrix %d of the %v stack is not symmetric with a zero diagonal", path, k, shape)
			}
		}
		return squaresToVectors(m.RawMatrix().Data, shape[0], shape[1]), nil
	}
	return nil, fmt.Errorf("%s: shape %v is not an RDM set (want n_rdm × n_pairs, n × n or n_rdm × n × n)", path, shape)
}

// isSquareRDM reports whether the n × n matrix d is symmetric with a zero
// (or NaN) diagonal, i.e. a dissimilarity matrix rather than n vectors.
func isSquareRDM(d []float64, n int) bool {
	if n < 2 {
		return false
	}
	scale := 0.0
	for _, v := range d {
		if !math.IsNaN(v) {
			scale = max(scale, math.Abs(v))
		}
	}
	for i := 0; i < n; i++ {
		if v := d[i*n+i]; v != 0 && !math.IsNaN(v) {
			return false
		}
		for j := i + 1; j < n; j++ {
			x, y := d[i*n+j], d[j*n+i]
			if math.IsNaN(x) != math.IsNaN(y) || math.Abs(x-y) > 1e-12*scale {
				return false
			}
		}
	}
	return true
}

// squaresToVectors takes the upper triangles of k n × n matrices.
func squaresToVectors(d []float64, k, n int) *mat.Dense {
	out := mat.NewDense(k, rdm.Pairs(n), nil)
	for r := 0; r < k; r++ {
		sq := mat.NewDense(n, n, d[r*n*n:(r+1)*n*n])
		copy(out.RawRowView(r), rdm.Vector(sq))
	}
	return out
}

// writeMatrix writes m as a C-order float64 .npy file.
func writeMatrix(path string, m *mat.Dense) error {
	r, c := m.Dims()
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	vals := make([]float64, 0, r*c)
	for i := 0; i < r; i++ {
		vals = append(vals, m.RawRowView(i)...)
	}
	if err := npy.WriteNPY(f, []int{r, c}, vals); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}
