package loader

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/io/npy"
)

// writeModelDir writes a folder as io/extract does: 4 stimuli, a 2×3×3
// layer "conv" and a 5-unit layer "fc" whose values are row·100 + unit.
func writeModelDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("stimuli.tsv", "stimulus\tcategory\na\tx\nb\tx\nc\ty\nd\ty\n")
	write("layers.tsv", "file\ttensor\tlabel\top\tshape\n"+
		"conv.npy\t/conv/Relu_output_0\tconv\tRelu\t2x3x3\n"+
		"fc.npy\t/fc/Gemm_output_0\tfc\tGemm\t5\n")
	for _, l := range []struct {
		file  string
		shape []int
	}{{"conv.npy", []int{4, 2, 3, 3}}, {"fc.npy", []int{4, 5}}} {
		p := 1
		for _, d := range l.shape[1:] {
			p *= d
		}
		vals := make([]float32, 4*p)
		for i := range vals {
			vals[i] = float32(i/p*100 + i%p)
		}
		f, err := os.Create(filepath.Join(dir, l.file))
		if err != nil {
			t.Fatal(err)
		}
		if err := npy.WriteNPY(f, l.shape, vals); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	return dir
}

func TestLoadModelDir(t *testing.T) {
	dir := writeModelDir(t)
	m, err := LoadModelDir(dir, "net")
	if err != nil {
		t.Fatal(err)
	}
	if m.Name != "net" || len(m.Layers) != 2 {
		t.Fatalf("model %+v", m)
	}
	conv, fc := m.Layers[0], m.Layers[1]
	if conv.Name != "conv" || !slices.Equal(conv.Shape, []int{2, 3, 3}) || conv.Units() != 18 || conv.NStimuli() != 4 || conv.DType != "float32" {
		t.Errorf("conv: %+v", conv)
	}
	if fc.Name != "fc" || !slices.Equal(fc.Shape, []int{5}) || !slices.Equal(fc.StimulusNames, []string{"a", "b", "c", "d"}) {
		t.Errorf("fc: %+v", fc)
	}
	if fc.Source != filepath.Join(dir, "fc.npy") {
		t.Errorf("source %q", fc.Source)
	}
	x, err := data.ReadAll(fc.Data)
	if err != nil {
		t.Fatal(err)
	}
	if x.At(2, 3) != 203 {
		t.Errorf("fc[2, 3] = %v, want 203", x.At(2, 3))
	}
	files, err := ModelDirFiles(dir)
	if err != nil || !slices.Equal(files, []string{"stimuli.tsv", "layers.tsv", "conv.npy", "fc.npy"}) {
		t.Errorf("ModelDirFiles: %v, %v", files, err)
	}
}

func TestLoadModelDirSource(t *testing.T) {
	dir := writeModelDir(t)
	src := Source{Kind: KindModelDir, Path: dir, Name: "net"}
	change, mats, _, err := Load(src)
	if err != nil {
		t.Fatal(err)
	}
	if len(mats) != 2 {
		t.Errorf("%d matrices to check", len(mats))
	}

	// A project without stimuli takes the folder's table.
	p := &data.Project{}
	if err := change(p); err != nil {
		t.Fatal(err)
	}
	if p.Stimuli == nil || !slices.Equal(p.Stimuli.Names, []string{"a", "b", "c", "d"}) || p.Stimuli.Descriptor("category") == nil ||
		p.Model("net") == nil || len(p.Sources) != 1 || p.Sources[0] != src {
		t.Fatalf("project %+v", p)
	}

	// A project with the same stimuli accepts it; other names are an error.
	same := &data.Project{}
	same.SetStimuli(&data.Stimuli{Names: []string{"a", "b", "c", "d"}, Source: "mine.tsv"})
	if err := change(same); err != nil {
		t.Errorf("same stimuli: %v", err)
	}
	other := &data.Project{}
	other.SetStimuli(&data.Stimuli{Names: []string{"a", "b", "d", "c"}, Source: "mine.tsv"})
	err = change(other)
	var mm *data.MismatchError
	if !errors.As(err, &mm) || !strings.Contains(err.Error(), "conv.npy") || !strings.Contains(err.Error(), `"d" (from mine.tsv)`) {
		t.Errorf("other stimulus order: %v", err)
	}
	if other.Model("net") != nil {
		t.Error("the model was added despite the error")
	}
	if _, _, _, err := Load(Source{Kind: KindModelDir, Path: dir}); err == nil || !strings.Contains(err.Error(), "name") {
		t.Errorf("no name: %v", err)
	}
}

func TestLoadModelDirErrors(t *testing.T) {
	edit := func(t *testing.T, file, text string) string {
		dir := writeModelDir(t)
		if text == "" {
			os.Remove(filepath.Join(dir, file))
		} else {
			os.WriteFile(filepath.Join(dir, file), []byte(text), 0o644)
		}
		return dir
	}
	const head = "file\ttensor\tlabel\top\tshape\n"
	for _, c := range []struct {
		name, file, text, want string
	}{
		{"no layers.tsv", "layers.tsv", "", "holds no layers.tsv"},
		{"no stimuli.tsv", "stimuli.tsv", "", "holds no stimuli.tsv"},
		{"no npy", "fc.npy", "", "fc.npy"},
		{"bad header", "layers.tsv", "name\tshape\nconv.npy\t2x3x3\n", `no column "file"`},
		{"empty", "layers.tsv", head, "lists no layers"},
		{"shape", "layers.tsv", head + "conv.npy\tt\tconv\tRelu\t3x2x3\n", "gives (3×2×3) per stimulus"},
		{"bad shape", "layers.tsv", head + "conv.npy\tt\tconv\tRelu\t2 by 3\n", "is not like 32x8x8"},
		{"path", "layers.tsv", head + "../conv.npy\tt\tconv\tRelu\t2x3x3\n", "without a path"},
		{"twice", "layers.tsv", head + "conv.npy\tt\tconv\tRelu\t2x3x3\nfc.npy\tu\tconv\tGemm\t5\n", `layer "conv" is listed twice`},
		{"rows", "stimuli.tsv", "stimulus\na\nb\nc\n", "expected 3 stimuli"},
		{"not npy", "fc.npy", "hello", "fc.npy"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := edit(t, c.file, c.text)
			_, err := LoadModelDir(dir, "net")
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want %q", err, c.want)
			}
		})
	}
	if _, err := LoadModelDir(filepath.Join(writeModelDir(t), "fc.npy"), "net"); err == nil || !strings.Contains(err.Error(), "not a folder") {
		t.Errorf("a file: %v", err)
	}
	if _, err := LoadModelDir(filepath.Join(t.TempDir(), "gone"), "net"); err == nil {
		t.Error("a missing folder loaded")
	}
	// The older header of alignscope extract ("layer" for the tensor) is read.
	dir := edit(t, "layers.tsv", "file\tlayer\tlabel\top\tshape\nfc.npy\t/fc/Gemm_output_0\tfc\tGemm\t5\n")
	if m, err := LoadModelDir(dir, "net"); err != nil || len(m.Layers) != 1 || m.Layers[0].Name != "fc" {
		t.Errorf("old header: %v", err)
	}
}
