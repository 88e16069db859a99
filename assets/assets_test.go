package assets

import (
	"bytes"
	"image/png"
	"io/fs"
	"testing"
)

func TestIcon(t *testing.T) {
	img, err := png.Decode(bytes.NewReader(Icon))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 256 || b.Dy() != 256 {
		t.Errorf("icon is %v, want 256×256", b)
	}
}

func TestDemo(t *testing.T) {
	root := DemoRoot()
	for _, name := range []string{
		"README.md", "stimuli.tsv", "images/face_01.png",
		"models/gabornet.npz", "models/randnet.npz",
		"recordings/sub-01.npz", "recordings/sub-04.npz",
	} {
		if _, err := fs.Stat(root, name); err != nil {
			t.Error(err)
		}
	}
	pngs, err := fs.Glob(root, "images/*.png")
	if err != nil || len(pngs) != 64 {
		t.Errorf("%d images (%v), want 64", len(pngs), err)
	}
}
