package npy

import (
	"os"
	"path/filepath"
	"testing"

	npyio "codeberg.org/sbinet/npyio/npy"
	"gonum.org/v1/gonum/mat"

	"github.com/alignscope/alignscope/core/data"
)

// TestAgreesWithNpyio cross-checks our reader against the npyio library on
// the files both read (npyio has no v3.0 headers, no big-endian float16 and
// no lazy column blocks, which is why Alignscope has its own reader).
func TestAgreesWithNpyio(t *testing.T) {
	for _, name := range []string{"f8_c.npy", "f8_f.npy", "f8_be.npy", "v2.npy"} {
		path := filepath.Join("testdata", name)
		fh, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		r, err := npyio.NewReader(fh)
		if err != nil {
			fh.Close()
			t.Fatalf("npyio %s: %v", name, err)
		}
		var want mat.Dense
		err = r.Read(&want)
		fh.Close()
		if err != nil {
			t.Fatalf("npyio %s: %v", name, err)
		}
		f, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		v, err := f.Arrays[0].Matrix()
		if err != nil {
			t.Fatal(err)
		}
		got, err := data.ReadAll(v)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if !mat.Equal(got, &want) {
			t.Errorf("%s: our reader and npyio disagree", name)
		}
	}
}
