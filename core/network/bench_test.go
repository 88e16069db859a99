package network

import (
	"context"
	"image"
	"image/color"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

func discard(string, int, []int, [][]float32) error { return nil }

// BenchmarkDemoExtract: the demo network's default layers for the 64
// demo images (preprocessing included).
func BenchmarkDemoExtract(b *testing.B) {
	n := loadDemo(b)
	imgs := images(b)
	layers, err := n.DefaultLayers()
	if err != nil {
		b.Fatal(err)
	}
	if err := Extract(context.Background(), n, imgs, layers, discard, nil); err != nil { // compile
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		if err := Extract(context.Background(), n, imgs, layers, discard, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDemoLesionNullBand: a propagated random-lesion null band of
// the demo network, 100 draws silencing a random 25% of the channels of
// pool2, each draw re-running the 64 images and reading every later
// default layer and the logits. One iteration is the whole band.
func BenchmarkDemoLesionNullBand(b *testing.B) {
	n := loadDemo(b)
	in := prepareDemo(b, n)
	m, err := n.WithMask(Mask{Node: "pool2", Channels: true})
	if err != nil {
		b.Fatal(err)
	}
	layers := []string{"relu3", "relu4", "avgpool", "relu5", "logits"}
	r := rand.New(rand.NewPCG(7, 11))
	b.ResetTimer()
	for range b.N {
		start, cpu0 := time.Now(), cpuTime()
		for range 100 {
			keep, _ := Silence(32, r.Perm(32)[:8])
			if err := m.SetMask(keep, nil); err != nil {
				b.Fatal(err)
			}
			if err := ExtractInputs(context.Background(), m, in, layers, discard, nil); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(time.Since(start).Seconds(), "s/100draws")
		if cpu0 >= 0 {
			b.ReportMetric(cpuTime()-cpu0, "cpu-s/100draws")
		}
	}
}

// torchPython returns a Python interpreter with torch, or "".
func torchPython() string {
	for _, py := range []string{"/usr/bin/python3", "python3"} {
		if p, err := exec.LookPath(py); err == nil {
			if exec.Command(p, "-c", "import torch").Run() == nil {
				return p
			}
		}
	}
	return ""
}

// BenchmarkResNet18: every ReLU layer and the logits of a random-weight
// ResNet-18 (≈1.8 GFLOP per 224 px image) for 92 images of 300×400 px
// (resize 256, crop 224), the speed goal being < 60 s on two
// cores. The network is exported by assets/demonet/train.py into a
// temporary folder; without Python and torch the benchmark is skipped.
func BenchmarkResNet18(b *testing.B) {
	py := torchPython()
	if py == "" {
		b.Skip("needs python3 with torch to export the ResNet-18")
	}
	path := filepath.Join(b.TempDir(), "resnet18.onnx")
	out, err := exec.Command(py, "../../assets/demonet/train.py", "--resnet18", path).CombinedOutput()
	if err != nil {
		b.Fatalf("train.py --resnet18: %v\n%s", err, out)
	}
	raw, err := readFile(path)
	if err != nil {
		b.Fatal(err)
	}
	n, err := Load(raw, "resnet18.onnx")
	if err != nil {
		b.Fatal(err)
	}
	nodes, err := n.Nodes()
	if err != nil {
		b.Fatal(err)
	}
	var layers []string
	for _, nd := range nodes {
		if nd.Op == "Relu" || nd.Output {
			layers = append(layers, nd.Name)
		}
	}
	r := rand.New(rand.NewPCG(3, 4))
	imgs := make([]image.Image, 92)
	for i := range imgs {
		img := image.NewRGBA(image.Rect(0, 0, 400, 300))
		for p := 0; p < len(img.Pix); p += 4 {
			img.Pix[p], img.Pix[p+1], img.Pix[p+2], img.Pix[p+3] = uint8(r.IntN(256)), uint8(r.IntN(256)), uint8(r.IntN(256)), 255
		}
		img.Set(0, 0, color.RGBA{A: 255})
		imgs[i] = img
	}
	b.Logf("%d layers (%d ReLU + logits), batch %d", len(layers), len(layers)-1, n.BatchSize)
	b.ResetTimer()
	for range b.N {
		start, cpu0 := time.Now(), cpuTime()
		if err := Extract(context.Background(), n, imgs, layers, discard, nil); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(time.Since(start).Seconds(), "s/92images")
		if cpu0 >= 0 {
			b.ReportMetric(cpuTime()-cpu0, "cpu-s/92images")
		}
	}
}

func readFile(path string) ([]byte, error) { return os.ReadFile(path) }
