package main

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/alignscope/alignscope/assets/demonet"
	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/io/npy"
)

// demoModel writes the demo network and its side-car into a temporary
// folder.
func demoModel(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "demonet.onnx")
	if err := os.WriteFile(path, demonet.ONNX, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "demonet.json"), demonet.Preprocess, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestExtractCommand(t *testing.T) {
	model := demoModel(t)
	out := filepath.Join(t.TempDir(), "acts")
	imgs := filepath.Join("..", "assets", "demo", "images")
	stim := filepath.Join("..", "assets", "demo", "stimuli.tsv")
	var so, se bytes.Buffer
	code := run([]string{"extract", "--model", model, "--images", imgs, "--stimuli", stim, "--layers", "pool2,/relu5/Relu_output_0,logits", "--batch", "16", "--out", out}, &so, &se)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, se.String())
	}
	if !strings.Contains(se.String(), "3 layers of demonet.onnx for 64 images (preprocessing from") {
		t.Errorf("summary: %s", se.String())
	}
	entries, _ := os.ReadDir(out)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{"layers.tsv", "logits.npy", "pool2.npy", "relu5.npy", "stimuli.tsv"}; !slices.Equal(names, want) {
		t.Fatalf("files %v, want %v", names, want)
	}
	for _, c := range []struct {
		file  string
		shape []int
	}{{"pool2.npy", []int{64, 32, 8, 8}}, {"relu5.npy", []int{64, 32}}, {"logits.npy", []int{64, 4}}} {
		f, err := npy.Open(filepath.Join(out, c.file))
		if err != nil {
			t.Fatal(err)
		}
		a := f.Arrays[0]
		if !slices.Equal(a.Shape, c.shape) || a.DType != "float32" {
			t.Errorf("%s: %v %s, want %v float32", c.file, a.Shape, a.DType, c.shape)
		}
		if c.file == "logits.npy" {
			v, err := a.Matrix()
			if err != nil {
				t.Fatal(err)
			}
			x, err := data.ReadAll(v)
			if err != nil {
				t.Fatal(err)
			}
			// The demo network classifies every image right: faces first.
			for i := 0; i < 64; i++ {
				row := x.RawRowView(i)
				best := 0
				for k := range row {
					if row[k] > row[best] {
						best = k
					}
				}
				if demonet.Categories[best] != []string{"face", "fish", "house", "car"}[i/16] {
					t.Errorf("image %d: class %s", i, demonet.Categories[best])
				}
			}
		}
		f.Close()
	}
	st, _ := os.ReadFile(filepath.Join(out, "stimuli.tsv"))
	if !strings.HasPrefix(string(st), "stimulus\tcategory\tanimacy") || !strings.Contains(string(st), "\nface_01\tface") {
		t.Errorf("stimuli.tsv: %.80q", st)
	}
	lt, _ := os.ReadFile(filepath.Join(out, "layers.tsv"))
	if !strings.Contains(string(lt), "relu5.npy\t/relu5/Relu_output_0\trelu5\tRelu\t32\n") {
		t.Errorf("layers.tsv: %s", lt)
	}

	// --list
	so.Reset()
	if code := run([]string{"extract", "--model", model, "--list"}, &so, &se); code != 0 {
		t.Fatalf("--list: exit %d", code)
	}
	if !strings.Contains(so.String(), "*  pool1    MaxPool            16×16×16  /pool1/MaxPool_output_0") {
		t.Errorf("--list:\n%s", so.String())
	}
}

func TestExtractCommandErrors(t *testing.T) {
	model := demoModel(t)
	imgs := filepath.Join("..", "assets", "demo", "images")
	notONNX := filepath.Join(t.TempDir(), "x.onnx")
	os.WriteFile(notONNX, []byte("hello, not a network"), 0o644)
	mixed := t.TempDir()
	for i, r := range []image.Rectangle{image.Rect(0, 0, 64, 64), image.Rect(0, 0, 50, 70)} {
		var buf bytes.Buffer
		png.Encode(&buf, image.NewGray(r))
		os.WriteFile(filepath.Join(mixed, []string{"a.png", "b.png"}[i]), buf.Bytes(), 0o644)
	}
	stim := filepath.Join(t.TempDir(), "stim.tsv")
	os.WriteFile(stim, []byte("name\tcategory\nface_01\tface\nzebra_01\tanimal\n"), 0o644)
	for _, c := range []struct {
		name   string
		args   []string
		code   int
		expect string
	}{
		{"no flags", nil, 2, "give --model"},
		{"not onnx", []string{"--model", notONNX, "--images", imgs}, 1, "x.onnx: not an ONNX model"},
		{"missing node", []string{"--model", model, "--images", imgs, "--layers", "pool1,conv9"}, 1, `node "conv9" does not exist`},
		{"missing image", []string{"--model", model, "--images", imgs, "--stimuli", stim}, 1, "no image for 1 of the 2 stimuli"},
		{"mixed sizes", []string{"--model", model, "--images", mixed, "--resize", "0", "--crop", "0"}, 1, "image 2 is 50×70 after preprocessing"},
		{"bad mean", []string{"--model", model, "--images", imgs, "--mean", "1,2"}, 2, "--mean needs 3"},
	} {
		out := filepath.Join(t.TempDir(), "out")
		var so, se bytes.Buffer
		code := run(append([]string{"extract", "--out", out}, c.args...), &so, &se)
		if code != c.code || !strings.Contains(se.String(), c.expect) {
			t.Errorf("%s: exit %d, stderr %q; want %d and %q", c.name, code, se.String(), c.code, c.expect)
		}
		if entries, _ := os.ReadDir(out); len(entries) > 0 {
			t.Errorf("%s: %d files left in the output folder", c.name, len(entries))
		}
	}
}
