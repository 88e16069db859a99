package main

import (
	"bytes"
	"context"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/rdm"
	"github.com/alignscope/alignscope/io/npy"
	"gonum.org/v1/gonum/mat"
)

func writeTestNPY[T npy.Float](t *testing.T, name string, shape []int, vals []T) string {
	t.Helper()
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := npy.WriteNPY(f, shape, vals); err != nil {
		t.Fatal(err)
	}
	return name
}

func readTestNPY(t *testing.T, name string) ([]int, []float64) {
	t.Helper()
	f, err := npy.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	a := f.Arrays[0]
	if a.DType != "float64" {
		t.Fatalf("%s: dtype %s, want float64", name, a.DType)
	}
	v, err := a.Matrix()
	if err != nil {
		t.Fatal(err)
	}
	m, err := data.ReadAll(v)
	if err != nil {
		t.Fatal(err)
	}
	return a.Shape, m.RawMatrix().Data
}

func runRDMCmd(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := cmdRDM(args, &out, &errb)
	return code, errb.String()
}

func randData(n, p int, seed uint64) ([]float32, *mat.Dense) {
	r := rand.New(rand.NewPCG(seed, 1))
	x32 := make([]float32, n*p)
	x := mat.NewDense(n, p, nil)
	for i := range x32 {
		x32[i] = float32(math.Max(0, r.NormFloat64()))
		x.RawMatrix().Data[i] = float64(x32[i])
	}
	return x32, x
}

func TestRDMCommandCorrelation(t *testing.T) {
	dir := t.TempDir()
	const n, p = 12, 300
	x32, x := randData(n, p, 1)
	in := writeTestNPY(t, filepath.Join(dir, "layer.npy"), []int{n, 3, 10, 10}, x32)
	out := filepath.Join(dir, "rdm.npy")
	code, stderr := runRDMCmd(t, "--data", in, "--method", "correlation", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "12 conditions") || !strings.Contains(stderr, " s") {
		t.Errorf("summary %q", stderr)
	}
	shape, got := readTestNPY(t, out)
	want, err := rdm.Correlation(context.Background(), data.Dense{M: x}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(shape, []int{n * (n - 1) / 2}) {
		t.Fatalf("shape %v, want a 1-D vector", shape)
	}
	for i := range got {
		if math.Abs(got[i]-want.Vec[i]) > 1e-12 {
			t.Fatalf("[%d] = %v, want %v", i, got[i], want.Vec[i])
		}
	}
}

func TestRDMCommandLabelsNPZAndCrossnobis(t *testing.T) {
	dir := t.TempDir()
	const nc, runs, p = 4, 3, 20
	n := nc * runs
	x32, x := randData(n, p, 2)
	var conds, folds []float64
	for r := 0; r < runs; r++ {
		for k := 0; k < nc; k++ {
			conds = append(conds, float64(10-k))
			folds = append(folds, float64(r))
		}
	}
	// An .npz with two arrays: the data are chosen by key.
	npz := filepath.Join(dir, "rec.npz")
	f, err := os.Create(npz)
	if err != nil {
		t.Fatal(err)
	}
	zw := npy.NewNPZWriter(f)
	for _, a := range []struct {
		name  string
		shape []int
		vals  []float64
	}{{"betas", []int{n, p}, x.RawMatrix().Data}, {"conds", []int{n}, conds}} {
		w, err := zw.Create(a.name)
		if err != nil {
			t.Fatal(err)
		}
		if err := npy.WriteNPY(w, a.shape, a.vals); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	_ = x32
	runsFile := writeTestNPY(t, filepath.Join(dir, "runs.npy"), []int{n}, folds)
	out := filepath.Join(dir, "cn.npy")
	labels := filepath.Join(dir, "labels.npy")
	code, stderr := runRDMCmd(t, "--data", npz+":betas", "--method", "crossnobis", "--descriptor", npz+":conds",
		"--cv-descriptor", runsFile, "--out", out, "--labels-out", labels)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	want, err := rdm.Calc(context.Background(), data.Dense{M: x}, rdm.Options{Method: rdm.MethodCrossnobis, Conditions: conds, Folds: folds})
	if err != nil {
		t.Fatal(err)
	}
	_, got := readTestNPY(t, out)
	for i := range got {
		if math.Abs(got[i]-want.Vec[i]) > 1e-12 {
			t.Fatalf("[%d] = %v, want %v", i, got[i], want.Vec[i])
		}
	}
	if _, l := readTestNPY(t, labels); !slices.Equal(l, []float64{7, 8, 9, 10}) {
		t.Fatalf("labels %v", l)
	}
	// Without a key the archive is ambiguous.
	if code, stderr := runRDMCmd(t, "--data", npz, "--out", out); code != 1 || !strings.Contains(stderr, "betas, conds") {
		t.Errorf("ambiguous npz: exit %d, %q", code, stderr)
	}
}

func TestRDMCommandMovie(t *testing.T) {
	dir := t.TempDir()
	const n, p, nt = 5, 4, 3
	_, x := randData(n, p*nt, 3)
	in := writeTestNPY(t, filepath.Join(dir, "movie.npy"), []int{n, p, nt}, x.RawMatrix().Data)
	times := writeTestNPY(t, filepath.Join(dir, "times.npy"), []int{nt}, []float64{0, 10, 20})
	out := filepath.Join(dir, "movie_rdm.npy")
	code, stderr := runRDMCmd(t, "--data", in, "--method", "euclidean", "--times", times, "--bins", "0,10; 20", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	shape, _ := readTestNPY(t, out)
	if !slices.Equal(shape, []int{2, n * (n - 1) / 2}) {
		t.Fatalf("shape %v, want 2 bins × pairs", shape)
	}
}

func TestRDMCommandErrors(t *testing.T) {
	dir := t.TempDir()
	_, x := randData(6, 5, 4)
	in := writeTestNPY(t, filepath.Join(dir, "x.npy"), []int{6, 5}, x.RawMatrix().Data)
	short := writeTestNPY(t, filepath.Join(dir, "short.npy"), []int{4}, []float64{1, 2, 1, 2})
	out := filepath.Join(dir, "o.npy")
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--method", "euclidean"}, 2, "give --data"},
		{[]string{"--data", filepath.Join(dir, "nope.npy"), "--out", out}, 1, "nope.npy"},
		{[]string{"--data", in, "--out", out, "--method", "cosine"}, 1, "unknown dissimilarity"},
		{[]string{"--data", in, "--out", out, "--descriptor", short}, 1, "has shape 4; it must be a 1-D array of 6 values"},
		{[]string{"--data", in, "--out", out, "--bins", "1"}, 2, "--bins needs --times"},
		{[]string{"--data", in, "--out", out, "--weighting", "heavy"}, 2, "number or equal"},
		{[]string{"--data", in, "--out", filepath.Join(dir, "missing", "o.npy")}, 1, "write"},
	} {
		code, stderr := runRDMCmd(t, tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d mentioning %q", tc.args, code, stderr, tc.code, tc.want)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("failed runs left %s behind", out)
	}
}
