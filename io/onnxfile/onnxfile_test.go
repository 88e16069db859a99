package onnxfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alignscope/alignscope/assets/demonet"
)

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "net.onnx")
	if err := os.WriteFile(path, demonet.ONNX, 0o644); err != nil {
		t.Fatal(err)
	}
	n, side, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if side || n.Name != "net.onnx" || n.Pre.Crop != 64 || n.Pre.Resize != 73 || n.Pre.Mean[0] != 0.485 {
		t.Errorf("without side-car: %v %q %+v", side, n.Name, n.Pre)
	}
	os.WriteFile(filepath.Join(dir, "net.json"), demonet.Preprocess, 0o644)
	n, side, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if !side || n.Pre.Resize != 64 || n.Pre.Mean[0] != 0.5224 {
		t.Errorf("with side-car: %v %+v", side, n.Pre)
	}
	os.WriteFile(filepath.Join(dir, "net.json"), []byte(`{"mean": [1]}`), 0o644)
	if _, _, err := Open(path); err == nil || !strings.Contains(err.Error(), "net.json: preprocessing: mean and std need 3 values") {
		t.Errorf("bad side-car: %v", err)
	}
	bad := filepath.Join(dir, "bad.onnx")
	os.WriteFile(bad, []byte("GIF89a not a model"), 0o644)
	if _, _, err := Open(bad); err == nil || !strings.Contains(err.Error(), "bad.onnx: not an ONNX model") {
		t.Errorf("not ONNX: %v", err)
	}
	if _, _, err := Open(dir); err == nil || !strings.Contains(err.Error(), "is a folder") {
		t.Errorf("folder: %v", err)
	}
	if _, _, err := Open(filepath.Join(dir, "none.onnx")); err == nil {
		t.Error("missing file accepted")
	}
}
