package export

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

func TestWritePNGRoundTrip(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 3, 2))
	img.Set(2, 1, color.RGBA{200, 10, 20, 255})
	p := filepath.Join(t.TempDir(), "a.png")
	if err := WritePNG(p, img); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if r, g, b, _ := got.At(2, 1).RGBA(); r>>8 != 200 || g>>8 != 10 || b>>8 != 20 {
		t.Fatalf("pixel %v", got.At(2, 1))
	}
	ents, _ := os.ReadDir(filepath.Dir(p))
	if len(ents) != 1 {
		t.Fatalf("temporary files left: %v", ents)
	}
}

func TestWritePNGFailureLeavesOldFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "missing-dir", "a.png")
	if err := WritePNG(p, image.NewRGBA(image.Rect(0, 0, 1, 1))); err == nil {
		t.Fatal("write into a missing folder succeeded")
	}
}
