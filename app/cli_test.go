package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

func TestInfoCommand(t *testing.T) {
	var out, errb bytes.Buffer
	f := filepath.Join("..", "io", "npy", "testdata", "f4_c.npy")
	if code := run([]string{"info", f}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "float32") {
		t.Fatalf("info output %q lacks the dtype", out.String())
	}
	out.Reset()
	errb.Reset()
	if code := run([]string{"info", filepath.Join(t.TempDir(), "nope.npy")}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "nope.npy") {
		t.Fatalf("missing file: exit %d, stderr %q", code, errb.String())
	}
	if code := run([]string{"info"}, &out, &errb); code != 2 {
		t.Fatalf("no file: exit %d", code)
	}
}

func TestVersionAndUnknown(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"version"}, &out, &errb); code != 0 || !strings.Contains(out.String(), "BLAS") {
		t.Fatalf("version: %d %q", code, out.String())
	}
	if code := run([]string{"frobnicate"}, &out, &errb); code != 2 {
		t.Fatalf("unknown command: exit %d", code)
	}
}
