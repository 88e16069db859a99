package inference_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/inference"
	"github.com/alignscope/alignscope/io/npy"
	"gonum.org/v1/gonum/mat"
)

const data92 = "../../../shared/data/92image"

// load92 reads an RDM-vector stack of the 92-image data, skipping the
// benchmark when the shared data are absent.
func load92(tb testing.TB, name string) *mat.Dense {
	tb.Helper()
	path := filepath.Join(data92, name)
	if _, err := os.Stat(path); err != nil {
		tb.Skipf("92-image data not found: %v", err)
	}
	f, err := npy.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	v, err := f.Arrays[0].Matrix()
	if err != nil {
		tb.Fatal(err)
	}
	m, err := data.ReadAll(v)
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

// BenchmarkBootstrap is the model comparison of the app: 8 model RDMs
// against the 16 behavioural RDMs of the 92 stimuli, 1000 bootstrap
// samples. Run with -benchtime 1x.
func BenchmarkBootstrap(b *testing.B) {
	models := load92(b, "model_rdm_vectors.npy")
	behav := load92(b, "behav_rdm_vectors.npy")
	for _, method := range []string{"corr", "spearman"} {
		for _, sc := range []inference.Scheme{inference.Both, inference.Dual} {
			name := method + "/" + map[inference.Scheme]string{inference.Both: "both", inference.Dual: "dual"}[sc]
			b.Run(name, func(b *testing.B) {
				opt := inference.Options{Method: method, Scheme: sc, N: 1000, Seed: 1}
				for i := 0; i < b.N; i++ {
					if _, err := inference.Evaluate(context.Background(), models, behav, opt, nil); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkNoiseCeiling is the leave-one-out ceiling of the 16 behavioural
// RDMs of the 92 stimuli.
func BenchmarkNoiseCeiling(b *testing.B) {
	behav := load92(b, "behav_rdm_vectors.npy")
	for _, method := range []string{"corr", "spearman"} {
		b.Run(method, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := inference.NoiseCeiling(behav, method, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
