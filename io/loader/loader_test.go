package loader

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/io/npy"
)

const npyData = "../npy/testdata"

func TestInspectGuessesKind(t *testing.T) {
	tests := []struct {
		file string
		kind Kind
		n    int
	}{
		{"f4_c.npy", KindModel, 1},
		{"savez.npz", KindModel, 4},
		{"rep3d.npy", KindRecording, 1},
	}
	for _, tt := range tests {
		in, err := Inspect(filepath.Join(npyData, tt.file))
		if err != nil {
			t.Fatalf("%s: %v", tt.file, err)
		}
		if in.Kind != tt.kind || len(in.Arrays) != tt.n || in.Summary() == "" {
			t.Errorf("%s: kind %v, %d arrays (%s)", tt.file, in.Kind, len(in.Arrays), in.Summary())
		}
	}
	if _, err := Inspect(t.TempDir()); err == nil || !strings.Contains(err.Error(), "folder") {
		t.Errorf("directory: err %v", err)
	}
}

func TestLoadModelShapes(t *testing.T) {
	m, err := LoadModel(filepath.Join(npyData, "conv4d.npy"), "net")
	if err != nil {
		t.Fatal(err)
	}
	l := m.Layers[0]
	if n, p := l.Data.Dims(); n != 6 || p != 18 || l.ShapeString() != "2×3×3" || l.DType != "float32" {
		t.Fatalf("layer %d×%d shape %s %s", n, p, l.ShapeString(), l.DType)
	}
	// the names array of an .npz becomes the layers' stimulus names
	m, err = LoadModel(filepath.Join(npyData, "savez.npz"), "z")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, l := range m.Layers {
		if l.Name == "layer1" {
			names = l.StimulusNames
		}
	}
	if strings.Join(names, ",") != "s0,s1,s2,s3,s4" {
		t.Fatalf("stimulus names %v", names)
	}
}

func TestLoadRecordingsRepetitions(t *testing.T) {
	recs, err := LoadRecordings(filepath.Join(npyData, "rep3d.npy"), "IT")
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 || recs[0].Region != "IT" || len(recs[0].Reps) != 3 {
		t.Fatalf("recs %+v", recs)
	}
	n, v := recs[0].Data.Dims()
	if n != 4 || v != 5 {
		t.Fatalf("dims %d×%d", n, v)
	}
	mean, err := data.ReadAll(recs[0].Data)
	if err != nil {
		t.Fatal(err)
	}
	var want float64
	for _, r := range recs[0].Reps {
		m, _ := data.ReadAll(r)
		want += m.At(2, 3) / 3
	}
	if d := mean.At(2, 3) - want; d > 1e-12 || d < -1e-12 {
		t.Fatalf("mean %v want %v", mean.At(2, 3), want)
	}
}

func TestBadFilesAreErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, p := range []string{
		filepath.Join(npyData, "truncated.npy"),
		filepath.Join(npyData, "complex.npy"),
		filepath.Join(npyData, "object.npy"),
		filepath.Join(npyData, "empty.npy"),
		filepath.Join(npyData, "notnpz.zip"),
		filepath.Join(npyData, "scalar.npy"),
		filepath.Join(npyData, "zero_rows.npy"),
		write("text.npy", []byte("hello")),
		dir,
		filepath.Join(dir, "missing.npz"),
	} {
		_, err := LoadModel(p, "m")
		if err == nil {
			t.Errorf("%s: loaded without error", p)
			continue
		}
		if !strings.Contains(err.Error(), filepath.Base(p)) && !strings.Contains(err.Error(), "folder") {
			t.Errorf("%s: error %q does not name the file", p, err)
		}
		if _, err := LoadRecordings(p, "r"); err == nil {
			t.Errorf("%s: LoadRecordings accepted it", p)
		}
	}
}

// writeFolder makes a small data folder: 4 stimuli with thumbnails, one
// model and one subject with 2 repetitions.
func writeFolder(t *testing.T, nStim int) string {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{"images", "models", "recordings"} {
		os.MkdirAll(filepath.Join(dir, d), 0o755)
	}
	tsv := "name\tcategory\na\tx\nb\tx\nc\ty\nd\ty\n"
	os.WriteFile(filepath.Join(dir, "stimuli.tsv"), []byte(tsv), 0o644)
	for _, n := range []string{"a", "b", "c", "d"} {
		img := image.NewRGBA(image.Rect(0, 0, 300, 200))
		img.Set(1, 1, color.White)
		var b bytes.Buffer
		png.Encode(&b, img)
		os.WriteFile(filepath.Join(dir, "images", n+".png"), b.Bytes(), 0o644)
	}
	npz := func(path string, arrays map[string][]int) {
		var b bytes.Buffer
		zw := npy.NewNPZWriter(&b)
		for _, name := range []string{"conv1", "fc", "V1"} {
			shape, ok := arrays[name]
			if !ok {
				continue
			}
			w, err := zw.Create(name)
			if err != nil {
				t.Fatal(err)
			}
			size := 1
			for _, s := range shape {
				size *= s
			}
			vals := make([]float32, size)
			for i := range vals {
				vals[i] = float32(i%7) - 3
			}
			if err := npy.WriteNPY(w, shape, vals); err != nil {
				t.Fatal(err)
			}
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(path, b.Bytes(), 0o644)
	}
	npz(filepath.Join(dir, "models", "net.npz"), map[string][]int{"conv1": {nStim, 2, 3, 3}, "fc": {nStim, 5}})
	npz(filepath.Join(dir, "recordings", "sub-01.npz"), map[string][]int{"V1": {2, 4, 6}})
	return dir
}

func TestLoadFolder(t *testing.T) {
	dir := writeFolder(t, 4)
	p, err := LoadFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	if p.Stimuli.Len() != 4 || len(p.Stimuli.Thumbnails) != 4 || p.Stimuli.Thumbnails[0].Bounds().Dx() != thumbMax {
		t.Fatalf("stimuli %+v", p.Stimuli)
	}
	if len(p.Models) != 1 || len(p.Models[0].Layers) != 2 || p.Models[0].Layers[0].ShapeString() != "2×3×3" {
		t.Fatalf("models %+v", p.Models)
	}
	s := p.Subject("sub-01")
	if s == nil || s.Region("V1") == nil || len(s.Region("V1").Reps) != 2 {
		t.Fatalf("subjects %+v", p.Subjects)
	}
	if !strings.HasPrefix(p.Models[0].Layers[0].Source, dir) {
		t.Fatalf("source %q should name the file on disk", p.Models[0].Layers[0].Source)
	}
}

func TestLoadFolderMismatch(t *testing.T) {
	dir := writeFolder(t, 5) // model has 5 rows, table 4 stimuli
	_, err := LoadFolder(dir)
	var mm *data.MismatchError
	if !errors.As(err, &mm) || !strings.Contains(err.Error(), "net.npz") || !strings.Contains(err.Error(), "expected 4") {
		t.Fatalf("err = %v", err)
	}
}

func TestLoadStimuliWithImages(t *testing.T) {
	dir := writeFolder(t, 4)
	s, err := LoadStimuli(filepath.Join(dir, "stimuli.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 4 || len(s.Thumbnails) != 4 || s.Thumbnails[3] == nil {
		t.Fatalf("stimuli %+v", s)
	}
	os.WriteFile(filepath.Join(dir, "images", "c.png"), []byte("not a png"), 0o644)
	if _, err := LoadStimuli(filepath.Join(dir, "stimuli.tsv")); err == nil || !strings.Contains(err.Error(), "c.png") {
		t.Fatalf("broken thumbnail: %v", err)
	}
}
