package images

import (
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/alignscope/alignscope/assets"
	"github.com/alignscope/alignscope/core/data"
)

func writePNG(t *testing.T, path string, img image.Image) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

// folder makes a folder with an RGB, a grey and an RGBA PNG, a JPEG of
// another size, and files that are not images.
func folder(t *testing.T) string {
	dir := t.TempDir()
	rgb := image.NewRGBA(image.Rect(0, 0, 4, 3))
	for i := range rgb.Pix {
		rgb.Pix[i] = 255
	}
	rgb.SetRGBA(1, 2, color.RGBA{10, 20, 30, 255})
	writePNG(t, filepath.Join(dir, "b_rgb.png"), rgb)
	grey := image.NewGray(image.Rect(0, 0, 4, 3))
	grey.SetGray(0, 0, color.Gray{77})
	writePNG(t, filepath.Join(dir, "a_grey.PNG"), grey)
	nrgba := image.NewNRGBA(image.Rect(0, 0, 4, 3))
	nrgba.SetNRGBA(2, 1, color.NRGBA{200, 100, 50, 0})
	nrgba.SetNRGBA(3, 1, color.NRGBA{200, 100, 50, 128})
	writePNG(t, filepath.Join(dir, "c_alpha.png"), nrgba)
	f, err := os.Create(filepath.Join(dir, "d_photo.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	if err := jpeg.Encode(f, image.NewGray(image.Rect(0, 0, 9, 5)), nil); err != nil {
		t.Fatal(err)
	}
	f.Close()
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("hello"), 0o644)
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	writePNG(t, filepath.Join(dir, "sub", "e.png"), grey)
	return dir
}

func TestReadDirBuildsList(t *testing.T) {
	dir := folder(t)
	s, err := ReadDir(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"a_grey", "b_rgb", "c_alpha", "d_photo"}
	if !slices.Equal(s.Stimuli.Names, want) || s.Stimuli.Source != dir {
		t.Fatalf("names %v source %q, want %v", s.Stimuli.Names, s.Stimuli.Source, want)
	}
	if !slices.Equal(s.Files, []string{"a_grey.PNG", "b_rgb.png", "c_alpha.png", "d_photo.jpg"}) {
		t.Errorf("files %v", s.Files)
	}
	for i, img := range s.Images {
		rgba, ok := img.(*image.RGBA)
		if !ok {
			t.Fatalf("image %d is %T", i, img)
		}
		for k := 3; k < len(rgba.Pix); k += 4 {
			if rgba.Pix[k] != 255 {
				t.Fatalf("image %d not opaque", i)
			}
		}
	}
	// The colour rule.
	for _, c := range []struct {
		img  int
		x, y int
		want color.RGBA
	}{
		{0, 0, 0, color.RGBA{77, 77, 77, 255}},
		{1, 1, 2, color.RGBA{10, 20, 30, 255}},
		{2, 2, 1, color.RGBA{200, 100, 50, 255}},
		{2, 3, 1, color.RGBA{200, 100, 50, 255}},
	} {
		if got := s.Images[c.img].(*image.RGBA).RGBAAt(c.x, c.y); got != c.want {
			t.Errorf("image %d (%d,%d) = %v, want %v", c.img, c.x, c.y, got, c.want)
		}
	}
	if b := s.Images[3].Bounds(); b.Dx() != 9 || b.Dy() != 5 {
		t.Errorf("jpeg size %v", b)
	}
}

func TestReadDirMatchesTable(t *testing.T) {
	dir := folder(t)
	stim := &data.Stimuli{Names: []string{"d_photo", "a_grey"}, Source: "stimuli.tsv", Descriptors: map[string][]string{}}
	s, err := ReadDir(dir, stim)
	if err != nil {
		t.Fatal(err)
	}
	if s.Stimuli != stim || len(s.Images) != 2 || s.Files[0] != "d_photo.jpg" || s.Unused != 2 {
		t.Errorf("got %+v", s)
	}
	if b := s.Images[0].Bounds(); b.Dx() != 9 {
		t.Errorf("order: first image is %v", b)
	}
	stim2 := &data.Stimuli{Names: []string{"a_grey", "x1", "e"}, Source: "stimuli.tsv", Descriptors: map[string][]string{}}
	_, err = ReadDir(dir, stim2)
	if err == nil || !strings.Contains(err.Error(), "no image for 2 of the 3 stimuli of stimuli.tsv: x1, e") {
		t.Errorf("missing: %v", err)
	}
	stim3 := &data.Stimuli{Names: []string{"cat", "dog"}, Descriptors: map[string][]string{}}
	if _, err := ReadDir(dir, stim3); err == nil || !strings.Contains(err.Error(), `the folder has images such as "a_grey"`) {
		t.Errorf("none matching: %v", err)
	}
}

func TestReadDirErrors(t *testing.T) {
	dir := folder(t)
	os.WriteFile(filepath.Join(dir, "b_rgb.jpeg"), []byte("x"), 0o644)
	if _, err := ReadDir(dir, nil); err == nil || !strings.Contains(err.Error(), `b_rgb.jpeg and b_rgb.png are both images of stimulus "b_rgb"`) &&
		!strings.Contains(err.Error(), `b_rgb.png and b_rgb.jpeg`) {
		t.Errorf("duplicate: %v", err)
	}
	os.Remove(filepath.Join(dir, "b_rgb.jpeg"))
	os.WriteFile(filepath.Join(dir, "z_bad.png"), []byte("not a png"), 0o644)
	if _, err := ReadDir(dir, nil); err == nil || !strings.Contains(err.Error(), "z_bad.png: not a PNG or JPEG image") {
		t.Errorf("corrupt: %v", err)
	}
	empty := t.TempDir()
	if _, err := ReadDir(empty, nil); err == nil || !strings.Contains(err.Error(), "no PNG or JPEG images") {
		t.Errorf("empty: %v", err)
	}
	if _, err := ReadDir(filepath.Join(dir, "notes.txt"), nil); err == nil || !strings.Contains(err.Error(), "is not a folder") {
		t.Errorf("file: %v", err)
	}
	if _, err := ReadDir(filepath.Join(dir, "nope"), nil); err == nil {
		t.Error("missing folder accepted")
	}
	bad := &data.Stimuli{Names: []string{"a", "a"}}
	if _, err := ReadDir(folder(t), bad); err == nil || !strings.Contains(err.Error(), "appears twice") {
		t.Errorf("invalid table: %v", err)
	}
}

// TestDemoImages: the demo project's 64 images, read from the embedded
// project.
func TestDemoImages(t *testing.T) {
	s, err := ReadFS(assets.DemoRoot(), "images", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Images) != 64 || s.Stimuli.Names[0] != "car_01" {
		t.Errorf("%d images, first %q", len(s.Images), s.Stimuli.Names[0])
	}
	fsys := fstest.MapFS{"x/readme.md": {Data: []byte("hi")}}
	if _, err := ReadFS(fsys, "x", nil); err == nil {
		t.Error("folder without images accepted")
	}
}

func TestThumbnail(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 200, 100))
	th := Thumbnail(img, 64)
	if b := th.Bounds(); b.Dx() != 64 || b.Dy() != 32 {
		t.Errorf("thumbnail %v", b)
	}
	if Thumbnail(img, 300) != image.Image(img) {
		t.Error("small image was enlarged")
	}
}
