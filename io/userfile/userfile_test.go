package userfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.npy")
	os.WriteFile(p, []byte("12345"), 0o644)
	f, n, err := Open(p, ".npy file")
	if err != nil || n != 5 {
		t.Fatalf("open: %v %d", err, n)
	}
	f.Close()
	for _, c := range []struct{ path, want string }{
		{dir, "it is a folder; choose a .npy file"},
		{filepath.Join(dir, "missing.npy"), "missing.npy: no such file"},
	} {
		if _, _, err := Open(c.path, ".npy file"); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v", c.path, err)
		}
	}
}
