package npy

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func addSeeds(f *testing.F, pattern string) {
	files, err := filepath.Glob(filepath.Join("testdata", pattern))
	if err != nil {
		f.Fatal(err)
	}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// exercise opens b and reads every readable array whole; it must not
// panic whatever b holds.
func exercise(t *testing.T, b []byte) {
	f, err := OpenReaderAt(bytes.NewReader(b), int64(len(b)), "fuzz")
	if err != nil {
		if f != nil {
			t.Fatal("error with a non-nil File")
		}
		return
	}
	_ = Describe(f)
	for _, a := range f.Arrays {
		if a.Err != nil {
			if _, err := a.Matrix(); err == nil {
				t.Fatalf("%s: Matrix succeeded despite Err", a.Name)
			}
			_, _ = a.Strings()
			continue
		}
		m, err := a.Matrix()
		if err != nil {
			continue
		}
		n, p := m.Dims()
		if n < 0 || p < 0 {
			t.Fatalf("negative dims %d×%d", n, p)
		}
		if int64(n)*int64(p) > 1<<16 || (p > 0 && n > 1<<16/p) {
			// Too large to read in a fuzz iteration; read one column.
			if p > 0 && n <= 1<<16 {
				_ = m.ReadColumns(p-1, p, make([]float64, n))
			}
			continue
		}
		_ = m.ReadColumns(0, p, make([]float64, n*p))
		if p > 1 {
			_ = m.ReadColumns(1, p, make([]float64, n*(p-1)))
		}
		if len(a.Shape) >= 3 && a.Shape[0] > 0 {
			s, err := a.Sub(a.Shape[0] - 1)
			if err == nil {
				sn, sp := s.Dims()
				_ = s.ReadColumns(0, sp, make([]float64, sn*sp))
			}
		}
	}
	_ = f.Close()
}

func FuzzOpenNPY(f *testing.F) {
	addSeeds(f, "*.npy")
	f.Fuzz(exercise)
}

// FuzzOpenNPZ opens the input as an archive, and also wraps it as the
// content of a stored and of a deflated .npz member, so that garbage
// member headers are reached without first breaking the zip structure.
func FuzzOpenNPZ(f *testing.F) {
	addSeeds(f, "*.npz")
	addSeeds(f, "*.zip")
	addSeeds(f, "f4_c.npy")
	addSeeds(f, "rep3d_f.npy")
	f.Fuzz(func(t *testing.T, b []byte) {
		exercise(t, b)
		for _, method := range []uint16{zip.Store, zip.Deflate} {
			var buf bytes.Buffer
			zw := zip.NewWriter(&buf)
			w, err := zw.CreateHeader(&zip.FileHeader{Name: "a.npy", Method: method})
			if err != nil {
				t.Fatal(err)
			}
			w.Write(b)
			w, _ = zw.CreateHeader(&zip.FileHeader{Name: "b.npy", Method: method})
			w.Write(b)
			if err := zw.Close(); err != nil {
				t.Fatal(err)
			}
			exercise(t, buf.Bytes())
		}
	})
}
