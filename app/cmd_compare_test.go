package main

import (
	"bytes"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alignscope/alignscope/core/compare"
	"github.com/alignscope/alignscope/io/npy"
	"gonum.org/v1/gonum/mat"
)

func TestCompareCommand(t *testing.T) {
	dir := t.TempDir()
	// Two RDMs over 4 conditions (6 pairs) and the second set as one
	// square matrix.
	av := []float64{1, 2, 3, 4, 5, 6, 6, 1, 5, 2, 4, 3}
	fa := writeTestNPY(t, filepath.Join(dir, "a.npy"), []int{2, 6}, av)
	sq := []float64{
		0, 1, 4, 2,
		1, 0, 3, 5,
		4, 3, 0, 6,
		2, 5, 6, 0,
	}
	fb := writeTestNPY(t, filepath.Join(dir, "b.npy"), []int{4, 4}, sq)
	out := filepath.Join(dir, "c.npy")
	var so, se bytes.Buffer
	if code := cmdCompare([]string{"--a", fa, "--b", fb, "--method", "spearman", "--out", out}, &so, &se); code != 0 {
		t.Fatalf("exit %d: %s", code, se.String())
	}
	f, err := npy.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	arr := f.Arrays[0]
	if arr.DType != "float64" || len(arr.Shape) != 2 || arr.Shape[0] != 2 || arr.Shape[1] != 1 {
		t.Fatalf("output %s %v, want float64 [2 1]", arr.DType, arr.Shape)
	}
	got, _, err := readArray(out)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := compare.Compare(mat.NewDense(2, 6, av), mat.NewDense(1, 6, []float64{1, 4, 2, 3, 5, 6}), "spearman", nil)
	for i := 0; i < 2; i++ {
		if math.Abs(got.At(i, 0)-want.At(i, 0)) > 1e-15 {
			t.Fatalf("c[%d] = %v want %v", i, got.At(i, 0), want.At(i, 0))
		}
	}

	// 1-D vector, 2-D sigma_k, printed output.
	fv := writeTestNPY(t, filepath.Join(dir, "v.npy"), []int{6}, []float64{1, 4, 2, 3, 5, 6})
	fs := writeTestNPY(t, filepath.Join(dir, "s.npy"), []int{4, 4}, []float64{2, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1})
	so.Reset()
	if code := cmdCompare([]string{"--a", fv, "--b", fb, "--method", "cosine_cov", "--sigma-k", fs}, &so, &se); code != 0 {
		t.Fatalf("exit %d: %s", code, se.String())
	}
	if strings.TrimSpace(so.String()) != "1" {
		t.Fatalf("self-similarity printed as %q", so.String())
	}

	// Errors: missing flag, bad file, incompatible sizes, unknown method.
	for _, tt := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"--a", fa}, 2, "give --a and --b"},
		{[]string{"--a", filepath.Join(dir, "nope.npy"), "--b", fb}, 1, "nope.npy"},
		{[]string{"--a", fa, "--b", writeTestNPY(t, filepath.Join(dir, "w.npy"), []int{3}, []float64{1, 2, 3})}, 1, "different sizes"},
		{[]string{"--a", fa, "--b", fb, "--method", "euclid"}, 1, "unknown method"},
	} {
		se.Reset()
		if code := cmdCompare(tt.args, &so, &se); code != tt.code || !strings.Contains(se.String(), tt.msg) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tt.args, code, se.String(), tt.code, tt.msg)
		}
	}
}
