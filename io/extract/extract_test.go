package extract_test

import (
	"context"
	"errors"
	"image"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/alignscope/alignscope/assets"
	"github.com/alignscope/alignscope/assets/demonet"
	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/job"
	"github.com/alignscope/alignscope/core/network"
	"github.com/alignscope/alignscope/io/extract"
	"github.com/alignscope/alignscope/io/images"
	"github.com/alignscope/alignscope/io/loader"
	"github.com/alignscope/alignscope/io/npy"
	"github.com/alignscope/alignscope/io/onnxfile"
	"github.com/alignscope/alignscope/io/table"
)

func demoNet(t testing.TB) *network.Net {
	t.Helper()
	net, err := onnxfile.Load(demonet.ONNX, demonet.Preprocess, "demonet.onnx")
	if err != nil {
		t.Fatal(err)
	}
	return net
}

var demoSet = sync.OnceValues(func() (*images.Set, error) {
	root := assets.DemoRoot()
	f, err := root.Open("stimuli.tsv")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	stim, err := table.ReadStimuli(f, "stimuli.tsv")
	if err != nil {
		return nil, err
	}
	return images.ReadFS(root, "images", stim)
})

func demoImages(t testing.TB) *images.Set {
	t.Helper()
	set, err := demoSet()
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// runJob runs fn as a job and returns its final status.
func runJob(fn job.Func, onChange func(*job.Job)) job.Status {
	var mu sync.Mutex
	var j *job.Job
	m := job.NewManager(func() {
		mu.Lock()
		jb := j
		mu.Unlock()
		if jb != nil && onChange != nil {
			onChange(jb)
		}
	})
	jb := m.Start("test", fn, nil)
	mu.Lock()
	j = jb
	mu.Unlock()
	jb.Wait()
	return jb.Status()
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

func TestToDirDemo(t *testing.T) {
	net := demoNet(t)
	set := demoImages(t)
	dir := filepath.Join(t.TempDir(), "out")
	layers := []string{"pool2", "/relu5/Relu_output_0", "logits"}
	var res *extract.Result
	st := runJob(func(ctx context.Context, rep *job.Reporter) error {
		var err error
		res, err = extract.ToDir(ctx, net, set, layers, dir, rep)
		return err
	}, nil)
	if st.Err != nil {
		t.Fatal(st.Err)
	}
	if st.Total != 64*3 || st.Done != st.Total {
		t.Errorf("progress %d of %d, want %d of %d", st.Done, st.Total, 64*3, 64*3)
	}
	if want := []string{"layers.tsv", "logits.npy", "pool2.npy", "relu5.npy", "stimuli.tsv"}; !slices.Equal(listDir(t, dir), want) {
		t.Fatalf("files %v, want %v", listDir(t, dir), want)
	}
	if res.Images != 64 || len(res.Layers) != 3 || res.Layers[0].Label != "pool2" || res.Layers[1].Tensor != "/relu5/Relu_output_0" ||
		!slices.Equal(res.Layers[0].Shape, []int{32, 8, 8}) || res.Layers[2].File != "logits.npy" {
		t.Errorf("result %+v", res)
	}
	lt, _ := os.ReadFile(filepath.Join(dir, extract.LayersFile))
	want := extract.LayersHeader + "\n" +
		"pool2.npy\t/pool2/MaxPool_output_0\tpool2\tMaxPool\t32x8x8\n" +
		"relu5.npy\t/relu5/Relu_output_0\trelu5\tRelu\t32\n" +
		"logits.npy\tlogits\tlogits\tGemm\t4\n"
	if string(lt) != want {
		t.Errorf("layers.tsv:\n%s\nwant:\n%s", lt, want)
	}

	// The files hold exactly what network.Extract computes.
	direct := map[string][]float32{}
	err := network.Extract(context.Background(), net, set.Images, layers, func(layer string, _ int, _ []int, rows [][]float32) error {
		for _, r := range rows {
			direct[layer] = append(direct[layer], r...)
		}
		return nil
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, file := range []string{"pool2.npy", "relu5.npy", "logits.npy"} {
		f, err := npy.Open(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		a := f.Arrays[0]
		if a.DType != "float32" || a.Shape[0] != 64 {
			t.Errorf("%s: %v %s", file, a.Shape, a.DType)
		}
		v, _ := a.Matrix()
		x, err := data.ReadAll(v)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		got := x.RawMatrix().Data
		ref := direct[layers[i]]
		if len(got) != len(ref) {
			t.Fatalf("%s: %d values, want %d", file, len(got), len(ref))
		}
		for k := range got {
			if float32(got[k]) != ref[k] {
				t.Fatalf("%s: value %d is %v, want %v", file, k, got[k], ref[k])
			}
		}
	}

	// The folder loads back as a model whose rows follow stimuli.tsv.
	m, err := loader.LoadModelDir(dir, "demonet")
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Layers) != 3 || m.Layers[0].Name != "pool2" || !slices.Equal(m.Layers[0].Shape, []int{32, 8, 8}) ||
		m.Layers[0].NStimuli() != 64 || !slices.Equal(m.Layers[2].StimulusNames, set.Stimuli.Names) {
		t.Errorf("loaded model: %+v", m.Layers[0])
	}
}

func TestToDirDefaultLayers(t *testing.T) {
	net := demoNet(t)
	dir := t.TempDir()
	res, err := extract.ToDir(context.Background(), net, demoImages(t), nil, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	def, _ := net.DefaultLayers()
	if len(res.Layers) != len(def) || len(res.Layers) != 7 {
		t.Fatalf("%d layers written, want the %d defaults", len(res.Layers), len(def))
	}
	if n := len(listDir(t, dir)); n != 7+2 {
		t.Errorf("%d files", n)
	}
}

func TestToDirCancel(t *testing.T) {
	net := demoNet(t)
	net.BatchSize = 2
	set := demoImages(t)
	dir := filepath.Join(t.TempDir(), "out")
	var once sync.Once
	st := runJob(func(ctx context.Context, rep *job.Reporter) error {
		_, err := extract.ToDir(ctx, net, set, nil, dir, rep)
		return err
	}, func(j *job.Job) {
		if s := j.Status(); s.Done > 0 && s.Done < s.Total {
			once.Do(j.Cancel)
		}
	})
	if !errors.Is(st.Err, context.Canceled) {
		t.Fatalf("cancelled extraction ended with %v", st.Err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the folder created for the extraction is still there (%v): %v", err, listDir(t, dir))
	}

	// A folder that existed keeps its other files.
	dir = t.TempDir()
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := extract.ToDir(ctx, net, set, nil, dir, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled before start: %v", err)
	}
	if got := listDir(t, dir); !slices.Equal(got, []string{"notes.txt"}) {
		t.Errorf("files left: %v", got)
	}
}

func TestToDirErrors(t *testing.T) {
	net := demoNet(t)
	set := demoImages(t)
	mixed := &images.Set{
		Stimuli: data.NewStimuli(3),
		Images: []image.Image{image.NewRGBA(image.Rect(0, 0, 64, 64)), image.NewRGBA(image.Rect(0, 0, 64, 64)),
			image.NewRGBA(image.Rect(0, 0, 50, 70))},
		Files: []string{"a.png", "b.jpg", "c.png"},
	}
	noPre := demoNet(t)
	noPre.Pre.Resize, noPre.Pre.Crop = 0, 0
	for _, c := range []struct {
		name   string
		net    *network.Net
		set    *images.Set
		layers []string
		want   string
	}{
		{"no images", net, &images.Set{Stimuli: data.NewStimuli(0)}, nil, "no stimulus images"},
		{"count", net, &images.Set{Stimuli: data.NewStimuli(2), Images: mixed.Images[:1]}, nil, "1 images for 2 stimuli"},
		{"missing node", net, set, []string{"pool1", "conv9"}, `node "conv9" does not exist`},
		{"twice", net, set, []string{"pool1", "/pool1/MaxPool_output_0"}, "chosen twice"},
		{"none", net, set, []string{}, "no layers chosen"},
		{"mixed sizes", noPre, mixed, nil, "image 3 is 50×70 after preprocessing"},
		{"mixed sizes names files", noPre, mixed, nil, "image 3 is c.png, image 1 is a.png"},
	} {
		dir := filepath.Join(t.TempDir(), "out")
		_, err := extract.ToDir(context.Background(), c.net, c.set, c.layers, dir, nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
		if strings.HasPrefix(c.name, "mixed") {
			var pe *extract.PrepareError
			if !errors.As(err, &pe) {
				t.Errorf("%s: %T is not a PrepareError", c.name, err)
			}
		}
		if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s: output folder left behind: %v", c.name, listDir(t, dir))
		}
	}
}

func TestFileNames(t *testing.T) {
	nodes := []network.Node{{Label: "layer1.0.relu"}, {Label: "Layer1.0.relu"}, {Label: "stimuli"}, {Label: "a/b c"}, {Label: "..."}, {Label: "layer1.0.relu"}}
	want := []string{"layer1.0.relu.npy", "Layer1.0.relu_2.npy", "stimuli_2.npy", "a_b_c.npy", "layer.npy", "layer1.0.relu_3.npy"}
	if got := extract.FileNames(nodes); !slices.Equal(got, want) {
		t.Errorf("FileNames: %v, want %v", got, want)
	}
}

func BenchmarkToDirDemo(b *testing.B) {
	net := demoNet(b)
	set := demoImages(b)
	dir := b.TempDir()
	for b.Loop() {
		if _, err := extract.ToDir(context.Background(), net, set, nil, dir, nil); err != nil {
			b.Fatal(err)
		}
	}
}
