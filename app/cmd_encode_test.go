package main

import (
	"bytes"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alignscope/alignscope/core/blas"
)

// encodeData writes features (n × p, float32) and targets (n × t) with
// signal of varying strength.
func encodeData(t *testing.T, dir string, n, p, tt int, seed uint64) (xPath, yPath string) {
	rng := rand.New(rand.NewPCG(seed, 7))
	x := make([]float32, n*p)
	for i := range x {
		x[i] = float32(rng.NormFloat64() + 0.5)
	}
	y := make([]float64, n*tt)
	for j := 0; j < tt; j++ {
		w := make([]float64, p)
		for k := 0; k < 3; k++ { // signal from three units
			w[rng.IntN(p)] = rng.NormFloat64() + 2
		}
		amp := float64(j%4) / 2
		for i := 0; i < n; i++ {
			s := 0.0
			for k := 0; k < p; k++ {
				s += float64(x[i*p+k]) * w[k]
			}
			y[i*tt+j] = amp*s + rng.NormFloat64() + 3
		}
	}
	xPath = writeTestNPY(t, filepath.Join(dir, "x.npy"), []int{n, p}, x)
	yPath = writeTestNPY(t, filepath.Join(dir, "y.npy"), []int{n, tt}, y)
	return xPath, yPath
}

func TestCmdEncode(t *testing.T) {
	blas.Use()
	results := map[string][2][]float64{}
	for _, tc := range []struct {
		name string
		p    int
		args []string
	}{
		{"primal", 20, nil},
		{"kernel", 150, []string{"--folds", "4", "--alphas", "-1,4,6"}},
		{"kernel-exact", 150, []string{"--folds", "4", "--alphas", "-1,4,6", "--exact"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			const n, tt = 60, 12
			xp, yp := encodeData(t, dir, n, tc.p, tt, 3)
			prefix := filepath.Join(dir, "enc")
			var stdout, stderr bytes.Buffer
			args := append([]string{"--features", xp, "--targets", yp, "--out", prefix}, tc.args...)
			if code := cmdEncode(args, &stdout, &stderr); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			if !strings.Contains(stderr.String(), "ridge CV") || !strings.Contains(stderr.String(), " s") {
				t.Errorf("summary: %s", stderr.String())
			}
			shape, alpha := readTestNPY(t, prefix+"_alpha.npy")
			_, r2 := readTestNPY(t, prefix+"_r2.npy")
			if len(shape) != 1 || shape[0] != tt || len(r2) != tt {
				t.Fatalf("alpha shape %v, %d R²", shape, len(r2))
			}
			for j := 0; j < tt; j++ {
				if !(alpha[j] > 0) || math.IsNaN(r2[j]) || r2[j] > 1 {
					t.Errorf("target %d: alpha %v R² %v", j, alpha[j], r2[j])
				}
				// Targets j%4 == 3 carry strong signal.
				if j%4 == 3 && r2[j] < 0.1 {
					t.Errorf("target %d: R² %v, want a clear fit", j, r2[j])
				}
			}
			results[tc.name] = [2][]float64{alpha, r2}
		})
	}
	// Fast (float32 grid, float64 re-check) and exact give the same.
	f, e := results["kernel"], results["kernel-exact"]
	for j := range f[0] {
		if f[0][j] != e[0][j] || math.Abs(f[1][j]-e[1][j]) > 1e-10 {
			t.Errorf("target %d: fast alpha %v R² %v, exact %v %v", j, f[0][j], f[1][j], e[0][j], e[1][j])
		}
	}
}

func TestCmdEncodeErrors(t *testing.T) {
	dir := t.TempDir()
	xp, yp := encodeData(t, dir, 8, 5, 3, 1)
	other := writeTestNPY(t, filepath.Join(dir, "y9.npy"), []int{9, 2}, make([]float64, 18))
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--features", xp}, 2, "give --features"},
		{[]string{"--features", xp, "--targets", yp, "--out", dir + "/o", "--alphas", "1,2"}, 2, "LO,HI,NUM"},
		{[]string{"--features", xp, "--targets", yp, "--out", dir + "/o", "--folds", "1"}, 2, "at least 2"},
		{[]string{"--features", xp, "--targets", yp, "--out", dir + "/o", "--folds", "9"}, 1, "fewer than the 9 folds"},
		{[]string{"--features", xp, "--targets", other, "--out", dir + "/o"}, 1, "stimuli"},
		{[]string{"--features", dir + "/missing.npy", "--targets", yp, "--out", dir + "/o"}, 1, "missing"},
		{[]string{"--features", xp, "--targets", yp, "--out", dir + "/o", "--form", "magic"}, 2, "--form"},
	} {
		var stdout, stderr bytes.Buffer
		code := cmdEncode(tc.args, &stdout, &stderr)
		if code != tc.code || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d mentioning %q", tc.args, code, stderr.String(), tc.code, tc.want)
		}
	}
}

// TestCmdEncodeRun runs `alignscope encode` with the arguments in
// ALIGNSCOPE_ENCODE_ARGS (space separated), for timing by hand:
//
//	ALIGNSCOPE_ENCODE_ARGS="--features X.npy --targets Y.npy --out OUT" go test -run TestCmdEncodeRun ./app
func TestCmdEncodeRun(t *testing.T) {
	args := os.Getenv("ALIGNSCOPE_ENCODE_ARGS")
	if args == "" {
		t.Skip("set ALIGNSCOPE_ENCODE_ARGS to run")
	}
	blas.Use()
	if code := cmdEncode(strings.Fields(args), os.Stdout, os.Stderr); code != 0 {
		t.Fatalf("exit %d", code)
	}
}
