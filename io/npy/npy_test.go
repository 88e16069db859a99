package npy

import (
	"archive/zip"
	"bytes"
	"embed"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/alignscope/alignscope/core/data"
)

type expectation struct {
	Shape   []int      `json:"shape"`
	DType   string     `json:"dtype"`
	Fortran bool       `json:"fortran"`
	Values  []string   `json:"values"`
	Subs    [][]string `json:"subs"`
	Strings []string   `json:"strings"`
}

var (
	expOnce sync.Once
	expMap  map[string]expectation
)

func expected(t testing.TB) map[string]expectation {
	expOnce.Do(func() {
		b, err := os.ReadFile(filepath.Join("testdata", "expected.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &expMap); err != nil {
			t.Fatal(err)
		}
	})
	if expMap == nil {
		t.Fatal("expected.json not loaded")
	}
	return expMap
}

func parseValues(t testing.TB, s []string) []float64 {
	out := make([]float64, len(s))
	for i, v := range s {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			t.Fatalf("expected.json value %q: %v", v, err)
		}
		out[i] = f
	}
	return out
}

func sameFloats(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] && !(math.IsNaN(a[i]) && math.IsNaN(b[i])) {
			return false
		}
	}
	return true
}

func readAll(t testing.TB, m data.Matrix) []float64 {
	t.Helper()
	n, p := m.Dims()
	dst := make([]float64, n*p)
	if err := m.ReadColumns(0, p, dst); err != nil {
		t.Fatalf("ReadColumns(0, %d): %v", p, err)
	}
	return dst
}

func td(name string) string { return filepath.Join("testdata", name) }

func TestOpenNPY(t *testing.T) {
	tests := []struct {
		file  string
		dtype string
		order ByteOrder
		ver   string
	}{
		{"f4_c.npy", "float32", LittleEndian, "1.0"},
		{"f4_f.npy", "float32", LittleEndian, "1.0"},
		{"f8_c.npy", "float64", LittleEndian, "1.0"},
		{"f8_f.npy", "float64", LittleEndian, "1.0"},
		{"f8_be.npy", "float64", BigEndian, "1.0"},
		{"f4_be.npy", "float32", BigEndian, "1.0"},
		{"f2.npy", "float16", LittleEndian, "1.0"},
		{"i1.npy", "int8", NoByteOrder, "1.0"},
		{"i2.npy", "int16", LittleEndian, "1.0"},
		{"i4.npy", "int32", LittleEndian, "1.0"},
		{"i8.npy", "int64", LittleEndian, "1.0"},
		{"u1.npy", "uint8", NoByteOrder, "1.0"},
		{"u2_be.npy", "uint16", BigEndian, "1.0"},
		{"u4.npy", "uint32", LittleEndian, "1.0"},
		{"u8.npy", "uint64", LittleEndian, "1.0"},
		{"bool.npy", "bool", NoByteOrder, "1.0"},
		{"vec1d.npy", "float64", LittleEndian, "1.0"},
		{"rep3d.npy", "float32", LittleEndian, "1.0"},
		{"rep3d_f.npy", "float64", LittleEndian, "1.0"},
		{"conv4d.npy", "float32", LittleEndian, "1.0"},
		{"conv4d_f.npy", "float32", LittleEndian, "1.0"},
		{"zero_rows.npy", "float32", LittleEndian, "1.0"},
		{"v2.npy", "float64", LittleEndian, "2.0"},
		{"v3.npy", "float32", LittleEndian, "3.0"},
		{"nan_inf.npy", "float32", LittleEndian, "1.0"},
	}
	exp := expected(t)
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			e, ok := exp[tt.file]
			if !ok {
				t.Fatalf("no expectation for %s", tt.file)
			}
			f, err := Open(td(tt.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if f.Kind != "npy" || len(f.Arrays) != 1 {
				t.Fatalf("kind %q with %d arrays, want npy with 1", f.Kind, len(f.Arrays))
			}
			a := f.Arrays[0]
			if want := strings.TrimSuffix(tt.file, ".npy"); a.Name != want {
				t.Errorf("Name = %q, want %q", a.Name, want)
			}
			if fmt.Sprint(a.Shape) != fmt.Sprint(e.Shape) {
				t.Errorf("Shape = %v, want %v", a.Shape, e.Shape)
			}
			if a.DType != tt.dtype || a.DType != e.DType {
				t.Errorf("DType = %q, want %q (numpy says %q)", a.DType, tt.dtype, e.DType)
			}
			if a.Fortran != e.Fortran {
				t.Errorf("Fortran = %v, want %v", a.Fortran, e.Fortran)
			}
			if a.ByteOrder != tt.order {
				t.Errorf("ByteOrder = %v, want %v", a.ByteOrder, tt.order)
			}
			if a.Version != tt.ver {
				t.Errorf("Version = %q, want %q", a.Version, tt.ver)
			}
			if a.Source != td(tt.file) {
				t.Errorf("Source = %q", a.Source)
			}
			if want := a.Elements() * int64(a.ItemSize()); a.Size != want {
				t.Errorf("Size = %d, want %d", a.Size, want)
			}
			m, err := a.Matrix()
			if err != nil {
				t.Fatal(err)
			}
			n, p := m.Dims()
			if n != e.Shape[0] || n*p != len(e.Values) {
				t.Fatalf("Dims = %d×%d for %d values", n, p, len(e.Values))
			}
			if got, want := readAll(t, m), parseValues(t, e.Values); !sameFloats(got, want) {
				t.Errorf("values\n got %v\nwant %v", got, want)
			}
			for i, sub := range e.Subs {
				s, err := a.Sub(i)
				if err != nil {
					t.Fatal(err)
				}
				if got, want := readAll(t, s), parseValues(t, sub); !sameFloats(got, want) {
					t.Errorf("Sub(%d)\n got %v\nwant %v", i, got, want)
				}
			}
			if e.Subs != nil {
				subs, err := a.Subs()
				if err != nil || len(subs) != len(e.Subs) {
					t.Fatalf("Subs: %d, %v", len(subs), err)
				}
				if mean, err := data.ReadAll(data.Mean{Parts: subs}); err != nil || mean == nil {
					t.Fatalf("mean of subs: %v", err)
				}
			}
		})
	}
}

// TestBlocks checks every column block [j0, j1) against the full read.
func TestBlocks(t *testing.T) {
	files := []string{"f4_c.npy", "f4_f.npy", "f8_be.npy", "f4_be.npy", "i2.npy", "bool.npy",
		"vec1d.npy", "rep3d.npy", "rep3d_f.npy", "conv4d.npy", "conv4d_f.npy", "savez.npz", "savez_compressed.npz"}
	for _, file := range files {
		f, err := Open(td(file))
		if err != nil {
			t.Fatal(err)
		}
		var views []*View
		for _, a := range f.Arrays {
			if a.Err != nil {
				continue
			}
			m, err := a.Matrix()
			if err != nil {
				t.Fatal(err)
			}
			views = append(views, m)
			if len(a.Shape) >= 3 {
				for i := 0; i < a.Shape[0]; i++ {
					s, _ := a.Sub(i)
					views = append(views, s)
				}
			}
		}
		for _, m := range views {
			full := readAll(t, m)
			n, p := m.Dims()
			for j0 := 0; j0 <= p; j0++ {
				for j1 := j0; j1 <= p; j1++ {
					w := j1 - j0
					dst := make([]float64, n*w)
					if err := m.ReadColumns(j0, j1, dst); err != nil {
						t.Fatalf("%s: ReadColumns(%d, %d): %v", m.Source(), j0, j1, err)
					}
					for i := 0; i < n; i++ {
						for j := j0; j < j1; j++ {
							if g, w := dst[i*(j1-j0)+j-j0], full[i*p+j]; g != w && !(math.IsNaN(g) && math.IsNaN(w)) {
								t.Fatalf("%s: block [%d,%d) X[%d,%d] = %v, want %v", m.Source(), j0, j1, i, j, g, w)
							}
						}
					}
				}
			}
			// Bad requests are errors, not panics.
			for _, bad := range [][3]int{{-1, 1, n * 2}, {0, p + 1, n * (p + 1)}, {1, 0, 0}, {0, p, n*p + 1}} {
				if err := m.ReadColumns(bad[0], bad[1], make([]float64, max(bad[2], 0))); err == nil {
					t.Errorf("%s: ReadColumns(%d, %d) with %d values: no error", m.Source(), bad[0], bad[1], bad[2])
				}
			}
		}
		f.Close()
	}
}

func TestOpenNPZ(t *testing.T) {
	exp := expected(t)
	for _, file := range []string{"savez.npz", "savez_compressed.npz"} {
		t.Run(file, func(t *testing.T) {
			f, err := Open(td(file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if f.Kind != "npz" {
				t.Errorf("Kind = %q", f.Kind)
			}
			if got := strings.Join(f.Names(), ","); got != "layer1,layer2,labels,names" {
				t.Fatalf("names %s", got)
			}
			compressed := file == "savez_compressed.npz"
			for _, a := range f.Arrays {
				if a.Compressed != compressed {
					t.Errorf("%s: Compressed = %v", a.Name, a.Compressed)
				}
				if want := td(file) + ":" + a.Name; a.Source != want {
					t.Errorf("Source = %q, want %q", a.Source, want)
				}
				if a.Name == "names" {
					if a.Err == nil || !errors.Is(a.Err, ErrUnsupported) {
						t.Errorf("names: Err = %v, want ErrUnsupported", a.Err)
					}
					if _, err := a.Matrix(); err == nil {
						t.Error("names: Matrix succeeded")
					}
					s, err := a.Strings()
					if err != nil {
						t.Fatal(err)
					}
					if fmt.Sprint(s) != fmt.Sprint(exp["savez.npz:names"].Strings) {
						t.Errorf("Strings = %q", s)
					}
					continue
				}
				e := exp["savez.npz:"+a.Name]
				if fmt.Sprint(a.Shape) != fmt.Sprint(e.Shape) || a.DType != e.DType {
					t.Errorf("%s: %v %s, want %v %s", a.Name, a.Shape, a.DType, e.Shape, e.DType)
				}
				m, err := a.Matrix()
				if err != nil {
					t.Fatal(err)
				}
				if got, want := readAll(t, m), parseValues(t, e.Values); !sameFloats(got, want) {
					t.Errorf("%s values\n got %v\nwant %v", a.Name, got, want)
				}
			}
			if f.Array("layer2") == nil || f.Array("nope") != nil {
				t.Error("File.Array lookup")
			}
			d := Describe(f)
			for _, want := range []string{"layer1", "5×7", "float32", "5 × 4", "labels", "5 strings", "NumPy archive"} {
				if !strings.Contains(d, want) {
					t.Errorf("Describe lacks %q:\n%s", want, d)
				}
			}
		})
	}
}

func TestMixedNPZ(t *testing.T) {
	f, err := Open(td("mixed.npz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ok, cplx := f.Array("ok"), f.Array("cplx")
	if ok == nil || cplx == nil || ok.Err != nil {
		t.Fatalf("arrays %v", f.Names())
	}
	_, err = cplx.Matrix()
	if !errors.Is(err, ErrUnsupported) {
		t.Fatalf("complex member: %v", err)
	}
	for _, want := range []string{"mixed.npz:cplx", "complex128", "astype(np.float32)"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if d := Describe(f); !strings.Contains(d, "unsupported") {
		t.Errorf("Describe:\n%s", d)
	}
}

func TestScalarAndZeroRows(t *testing.T) {
	f, err := Open(td("scalar.npy"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	a := f.Arrays[0]
	if len(a.Shape) != 0 || a.Elements() != 1 {
		t.Errorf("scalar shape %v elements %d", a.Shape, a.Elements())
	}
	if _, err := a.Matrix(); err == nil || !strings.Contains(err.Error(), "single number") {
		t.Errorf("0-D Matrix: %v", err)
	}
	if _, err := a.Sub(0); err == nil {
		t.Error("0-D Sub: no error")
	}
	g, err := Open(td("zero_rows.npy"))
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	m, err := g.Arrays[0].Matrix()
	if err != nil {
		t.Fatal(err)
	}
	if n, p := m.Dims(); n != 0 || p != 3 {
		t.Errorf("Dims %d×%d", n, p)
	}
	if err := m.ReadColumns(0, 3, nil); err != nil {
		t.Error(err)
	}
	// Sub errors.
	h, _ := Open(td("rep3d.npy"))
	defer h.Close()
	for _, i := range []int{-1, 3} {
		if _, err := h.Arrays[0].Sub(i); err == nil {
			t.Errorf("Sub(%d): no error", i)
		}
	}
	if _, err := g.Arrays[0].Sub(0); err == nil {
		t.Error("Sub of 2-D: no error")
	}
}

func TestOpenErrors(t *testing.T) {
	tests := []struct {
		file string
		is   error
		want []string
	}{
		{"empty.npy", ErrEmpty, []string{"empty.npy", "np.save"}},
		{"bad_magic.npy", ErrNotNumPy, []string{"bad_magic.npy", "text file"}},
		{"truncated.npy", ErrTruncated, []string{"truncated.npy", "280 bytes", "271 bytes", "np.save"}},
		{"complex.npy", ErrUnsupported, []string{"complex.npy", "complex64", "'<c8'", "np.save(path, x.astype(np.float32))"}},
		{"object.npy", ErrUnsupported, []string{"object.npy", "object", "astype(np.float32)"}},
		{"strings.npy", ErrUnsupported, []string{"strings.npy", "str", "astype(np.float32)"}},
		{"structured.npy", ErrUnsupported, []string{"structured.npy", "structured", "astype(np.float32)"}},
		{"notnpz.zip", ErrNotNumPy, []string{"notnpz.zip", "readme.txt", "np.savez"}},
		{"emptyzip.npz", ErrNotNumPy, []string{"emptyzip.npz", "no members", "np.savez"}},
		{"", nil, []string{"testdata", "folder"}},
		{"missing.npy", os.ErrNotExist, []string{"missing.npy", "check the path"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := Open(td(tt.file))
			if err == nil {
				f.Close()
				t.Fatal("no error")
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %q is not %v", err, tt.is)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// npyBytes builds an .npy file of the given version with a raw header
// dictionary and data.
func npyBytes(major byte, dict string, payload []byte) []byte {
	var b bytes.Buffer
	b.Write(npyMagic)
	b.WriteByte(major)
	b.WriteByte(0)
	if major == 1 {
		binary.Write(&b, binary.LittleEndian, uint16(len(dict)))
	} else {
		binary.Write(&b, binary.LittleEndian, uint32(len(dict)))
	}
	b.WriteString(dict)
	b.Write(payload)
	return b.Bytes()
}

func TestHeaderErrors(t *testing.T) {
	d := func(descr, order, shape string) string {
		return fmt.Sprintf("{'descr': %s, 'fortran_order': %s, 'shape': %s, }\n", descr, order, shape)
	}
	eight := make([]byte, 8)
	tests := []struct {
		name string
		data []byte
		is   error
		want string
	}{
		{"negative dim", npyBytes(1, d("'<f8'", "False", "(-3, 2)"), eight), ErrHeader, "negative"},
		{"overflow", npyBytes(1, d("'<f8'", "False", "(4294967296, 4294967296, 4294967296)"), eight), ErrHeader, "larger than any file"},
		{"overflow bytes", npyBytes(1, d("'<f8'", "False", "(1152921504606846976,)"), eight), ErrHeader, "larger than any file"},
		{"overflow empty", npyBytes(1, d("'<f8'", "False", "(0, 4611686018427387904, 4611686018427387904)"), eight), ErrHeader, "larger than any file"},
		{"overflow empty bytes", npyBytes(1, d("'<f8'", "False", "(0, 4611686018427387904)"), eight), ErrHeader, "larger than any file"},
		{"huge int", npyBytes(1, d("'<f8'", "False", "(99999999999999999999999,)"), eight), ErrHeader, "too large"},
		{"float dim", npyBytes(1, d("'<f8'", "False", "(2.5,)"), eight), ErrHeader, "number"},
		{"string dim", npyBytes(1, d("'<f8'", "False", "('a',)"), eight), ErrHeader, "not a whole number"},
		{"shape not tuple", npyBytes(1, d("'<f8'", "False", "3"), eight), ErrHeader, "'shape'"},
		{"order not bool", npyBytes(1, d("'<f8'", "'no'", "(1,)"), eight), ErrHeader, "fortran_order"},
		{"descr not string", npyBytes(1, d("3", "False", "(1,)"), eight), ErrHeader, "'descr'"},
		{"unknown descr", npyBytes(1, d("'<q9'", "False", "(1,)"), eight), ErrHeader, "unknown type"},
		{"empty descr", npyBytes(1, d("''", "False", "(1,)"), eight), ErrHeader, "empty"},
		{"no size", npyBytes(1, d("'<f'", "False", "(1,)"), eight), ErrHeader, "no item size"},
		{"missing key", npyBytes(1, "{'descr': '<f8', 'shape': (1,), }\n", eight), ErrHeader, "keys"},
		{"not a dict", npyBytes(1, "(1, 2)\n", eight), ErrHeader, "dictionary"},
		{"syntax", npyBytes(1, "{'descr' '<f8'}\n", eight), ErrHeader, "':'"},
		{"unterminated", npyBytes(1, "{'descr: '<f8'}\n", eight), ErrHeader, "invalid"},
		{"trailing junk", npyBytes(1, d("'<f8'", "False", "(1,)")+"xyz", eight), ErrHeader, "unexpected text"},
		{"dup key", npyBytes(1, "{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (1,)}", eight), ErrHeader, "twice"},
		{"deep", npyBytes(1, strings.Repeat("[", 100), eight), ErrHeader, "nested"},
		{"too many dims", npyBytes(1, d("'<f8'", "False", "("+strings.Repeat("1,", 70)+")"), eight), ErrHeader, "dimensions"},
		{"version 4", npyBytes(4, d("'<f8'", "False", "(1,)"), eight), ErrHeader, "version 4.0"},
		{"huge header", append(append([]byte{}, npyMagic...), 2, 0, 0xff, 0xff, 0xff, 0x7f), ErrHeader, "claims"},
		{"short header", append(append([]byte{}, npyMagic...), 1, 0, 100, 0, '{'), ErrTruncated, "inside the .npy header"},
		{"short prelude", append(append([]byte{}, npyMagic...), 1), ErrTruncated, "signature"},
		{"magic prefix", npyMagic[:3], ErrTruncated, ""},
		{"short data", npyBytes(1, d("'<f8'", "False", "(2,)"), eight), ErrTruncated, "16 bytes"},
		{"short data v2", npyBytes(2, d("'<i4'", "True", "(3, 2)"), eight), ErrTruncated, "24 bytes"},
		{"datetime", npyBytes(1, d("'<M8[ns]'", "False", "(1,)"), eight), ErrUnsupported, "datetime64"},
		{"long double", npyBytes(1, d("'<f16'", "False", "(1,)"), eight), ErrUnsupported, "long double"},
		{"bool2", npyBytes(1, d("'|b2'", "False", "(1,)"), eight), ErrUnsupported, "bool"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := OpenReaderAt(bytes.NewReader(tt.data), int64(len(tt.data)), "x.npy")
			if err == nil {
				t.Fatalf("no error; arrays %v", f.Arrays[0])
			}
			if !errors.Is(err, tt.is) {
				t.Errorf("error %q is not %v", err, tt.is)
			}
			if !strings.Contains(err.Error(), "x.npy") || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q lacks x.npy or %q", err, tt.want)
			}
		})
	}
}

// TestHeaderVariants accepts headers numpy (or old writers) produce.
func TestHeaderVariants(t *testing.T) {
	payload := make([]byte, 8*6)
	for i := range 6 {
		binary.LittleEndian.PutUint64(payload[8*i:], math.Float64bits(float64(i)))
	}
	for _, dict := range []string{
		"{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }",
		"{'descr':'<f8','fortran_order':False,'shape':(2,3)}   \n",
		"{\"shape\": (2L, 3L), \"fortran_order\": False, \"descr\": \"<f8\"}\n",
		"{'descr': '<f8', 'fortran_order': False, 'shape': [2, 3], 'extra': None}\n",
		"{'descr': '=f8', 'fortran_order': False, 'shape': (2, 3), }\x00\x00",
	} {
		b := npyBytes(1, dict, payload)
		f, err := OpenReaderAt(bytes.NewReader(b), int64(len(b)), "v.npy")
		if err != nil {
			t.Errorf("%q: %v", dict, err)
			continue
		}
		m, _ := f.Arrays[0].Matrix()
		if got := readAll(t, m); !sameFloats(got, []float64{0, 1, 2, 3, 4, 5}) {
			t.Errorf("%q: %v", dict, got)
		}
	}
}

func TestConcurrentReads(t *testing.T) {
	const n, p = 37, 513
	vals := make([]float32, n*p)
	for i := range vals {
		vals[i] = float32(i%1000) - 0.5
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "c.npy")
	var buf bytes.Buffer
	if err := WriteNPY(&buf, []int{n, p}, vals); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	views := []data.Matrix{}
	m, _ := f.Arrays[0].Matrix()
	views = append(views, m)
	z, err := Open(td("savez_compressed.npz"))
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	zm, _ := z.Array("layer2").Matrix() // decompressed once, by whichever goroutine is first
	views = append(views, zm)
	for _, m := range views {
		full := readAll(t, m)
		n, p := m.Dims()
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for g := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for k := range 50 {
					j0 := (g*31 + k*17) % p
					j1 := min(p, j0+1+(k*7)%64)
					dst := make([]float64, n*(j1-j0))
					if err := m.ReadColumns(j0, j1, dst); err != nil {
						errs <- err
						return
					}
					for i := 0; i < n; i++ {
						for j := j0; j < j1; j++ {
							if dst[i*(j1-j0)+j-j0] != full[i*p+j] {
								errs <- fmt.Errorf("X[%d,%d] mismatch", i, j)
								return
							}
						}
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
	}
}

func TestWriteRoundTrip(t *testing.T) {
	shapes := [][]int{{3, 4}, {5}, {2, 3, 4}, {0, 2}, {}, {1, 70000}}
	for _, shape := range shapes {
		n := 1
		for _, d := range shape {
			n *= d
		}
		v32 := make([]float32, n)
		v64 := make([]float64, n)
		for i := range v32 {
			v32[i] = float32(i) * 0.25
			v64[i] = float64(i) / 3
		}
		var b32, b64 bytes.Buffer
		if err := WriteNPY(&b32, shape, v32); err != nil {
			t.Fatal(err)
		}
		if err := WriteNPY(&b64, shape, v64); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			b    []byte
			want []float64
			dt   string
		}{{b32.Bytes(), f32to64(v32), "float32"}, {b64.Bytes(), v64, "float64"}} {
			f, err := OpenReaderAt(bytes.NewReader(c.b), int64(len(c.b)), "w.npy")
			if err != nil {
				t.Fatalf("%v %s: %v", shape, c.dt, err)
			}
			a := f.Arrays[0]
			if a.DType != c.dt || fmt.Sprint(a.Shape) != fmt.Sprint(shape) || a.Fortran {
				t.Errorf("%v: read back %v %s", shape, a.Shape, a.DType)
			}
			if hdr := int64(len(c.b)) - a.Size; hdr%64 != 0 {
				t.Errorf("%v: header of %d bytes is not 64-aligned", shape, hdr)
			}
			if len(shape) == 0 {
				continue
			}
			m, _ := a.Matrix()
			if got := readAll(t, m); !sameFloats(got, c.want) {
				t.Errorf("%v %s: values differ", shape, c.dt)
			}
		}
	}
	// Wrong lengths and over-writing are errors.
	if err := WriteNPY(&bytes.Buffer{}, []int{2, 2}, []float64{1}); err == nil {
		t.Error("short data: no error")
	}
	if err := WriteNPY(&bytes.Buffer{}, []int{-2}, []float64{}); err == nil {
		t.Error("negative shape: no error")
	}
	w, _ := NewWriter[float32](&bytes.Buffer{}, []int{2})
	if err := w.WriteValues([]float32{1, 2, 3}); err == nil {
		t.Error("too many values: no error")
	}
	w, _ = NewWriter[float32](&bytes.Buffer{}, []int{2})
	w.WriteValues([]float32{1})
	if err := w.Close(); err == nil {
		t.Error("too few values: no error")
	}
}

func f32to64(v []float32) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

func writeDemoNPZ(t testing.TB) []byte {
	var buf bytes.Buffer
	z := NewNPZWriter(&buf)
	w, err := z.Create("conv1")
	if err != nil {
		t.Fatal(err)
	}
	v := make([]float32, 4*2*3*3)
	for i := range v {
		v[i] = float32(i) - 10
	}
	if err := WriteNPY(w, []int{4, 2, 3, 3}, v); err != nil {
		t.Fatal(err)
	}
	w, _ = z.Create("fc")
	if err := WriteNPY(w, []int{4, 5}, []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20}); err != nil {
		t.Fatal(err)
	}
	if _, err := z.Create("fc"); err == nil {
		t.Error("duplicate name: no error")
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestNPZWriter(t *testing.T) {
	b1, b2 := writeDemoNPZ(t), writeDemoNPZ(t)
	if !bytes.Equal(b1, b2) {
		t.Fatal("npz output is not reproducible")
	}
	f, err := OpenReaderAt(bytes.NewReader(b1), int64(len(b1)), "demo.npz")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(f.Names(), ","); got != "conv1,fc" {
		t.Fatalf("names %s", got)
	}
	conv, _ := f.Array("conv1").Matrix()
	if n, p := conv.Dims(); n != 4 || p != 18 || f.Array("conv1").Compressed {
		t.Fatalf("conv1 %d×%d", n, p)
	}
	if got := readAll(t, conv); got[0] != -10 || got[71] != 61 {
		t.Errorf("conv1 values %v", got)
	}
	fc, _ := f.Array("fc").Matrix()
	if got := readAll(t, fc); got[19] != 20 {
		t.Errorf("fc values %v", got)
	}
}

// TestNumpyReadsOurFiles checks the writers against numpy when it is
// installed.
func TestNumpyReadsOurFiles(t *testing.T) {
	py := "/usr/bin/python3"
	if _, err := os.Stat(py); err != nil {
		t.Skip("no python3")
	}
	dir := t.TempDir()
	npz := filepath.Join(dir, "demo.npz")
	if err := os.WriteFile(npz, writeDemoNPZ(t), 0o644); err != nil {
		t.Fatal(err)
	}
	script := `import sys, numpy as np
z = np.load(sys.argv[1])
assert list(z.keys()) == ["conv1", "fc"], list(z.keys())
assert z["conv1"].shape == (4, 2, 3, 3) and z["conv1"].dtype == np.float32
assert z["conv1"].ravel()[-1] == 61 and z["fc"][3, 4] == 20
print("ok")`
	out, err := runPython(py, script, npz)
	if err != nil {
		if strings.Contains(out, "No module named") {
			t.Skip("numpy not installed")
		}
		t.Fatalf("numpy: %v\n%s", err, out)
	}
}

func TestOpenFS(t *testing.T) {
	b, err := os.ReadFile(td("f4_c.npy"))
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{"demo/f4_c.npy": {Data: b}, "demo/sub": {Mode: os.ModeDir}}
	f, err := OpenFS(fsys, "demo/f4_c.npy")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Arrays[0].Name != "f4_c" || fmt.Sprint(f.Arrays[0].Shape) != "[5 7]" {
		t.Errorf("got %s %v", f.Arrays[0].Name, f.Arrays[0].Shape)
	}
	if _, err := OpenFS(fsys, "demo/sub"); err == nil || !strings.Contains(err.Error(), "folder") {
		t.Errorf("folder: %v", err)
	}
	if _, err := OpenFS(fsys, "demo/none.npy"); err == nil {
		t.Error("missing: no error")
	}
	g, err := OpenFS(embedded, "testdata/savez.npz")
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	m, err := g.Array("layer1").Matrix()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := readAll(t, m), parseValues(t, expected(t)["savez.npz:layer1"].Values); !sameFloats(got, want) {
		t.Error("embedded npz values differ")
	}
}

//go:embed testdata/savez.npz
var embedded embed.FS

func TestReadAfterClose(t *testing.T) {
	f, err := Open(td("f8_c.npy"))
	if err != nil {
		t.Fatal(err)
	}
	m, _ := f.Arrays[0].Matrix()
	f.Close()
	if err := f.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	n, p := m.Dims()
	if err := m.ReadColumns(0, p, make([]float64, n*p)); err == nil {
		t.Error("read after Close: no error")
	}
}

func TestGuessFormat(t *testing.T) {
	for _, c := range []struct{ head, want string }{
		{"\x89HDF\r\n\x1a\n", "HDF5"},
		{"MATLAB 5.0 MAT-file", "MATLAB"},
		{"\x80\x04\x95", "pickle"},
		{"\x1f\x8b\x08", "gzip"},
		{"\x00\x01\x02", "np.save"},
	} {
		b := []byte(c.head)
		_, err := OpenReaderAt(bytes.NewReader(b), int64(len(b)), "g.bin")
		if !errors.Is(err, ErrNotNumPy) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v", c.head, err)
		}
	}
}

func TestFormatBytes(t *testing.T) {
	for _, c := range []struct {
		n    int64
		want string
	}{{0, "0 B"}, {999, "999 B"}, {1000, "1.0 kB"}, {1_600_000, "1.6 MB"}, {800_000_128, "800 MB"}, {12_000_000_000, "12 GB"}} {
		if got := FormatBytes(c.n); got != c.want {
			t.Errorf("FormatBytes(%d) = %q, want %q", c.n, got, c.want)
		}
	}
}

func TestHalf(t *testing.T) {
	for _, c := range []struct {
		h    uint16
		want float32
	}{{0x3c00, 1}, {0xc000, -2}, {0x7bff, 65504}, {0x0001, 5.960464477539063e-08}, {0x8000, float32(math.Copysign(0, -1))}, {0x7c00, float32(math.Inf(1))}} {
		if got := halfToFloat32(c.h); got != c.want {
			t.Errorf("half %#04x = %v, want %v", c.h, got, c.want)
		}
	}
	if !math.IsNaN(float64(halfToFloat32(0x7e00))) {
		t.Error("half NaN")
	}
}

func TestBrokenNPZ(t *testing.T) {
	whole, err := os.ReadFile(td("savez.npz"))
	if err != nil {
		t.Fatal(err)
	}
	cut := whole[:len(whole)/2]
	_, err = OpenReaderAt(bytes.NewReader(cut), int64(len(cut)), "cut.npz")
	if !errors.Is(err, ErrNotNumPy) || !strings.Contains(err.Error(), "truncated") || !strings.Contains(err.Error(), "cut.npz") {
		t.Errorf("cut archive: %v", err)
	}

	// A stored member whose .npy data are shorter than its shape.
	var buf bytes.Buffer
	z := NewNPZWriter(&buf)
	w, _ := z.Create("short")
	hdr, _ := encodeHeader("<f8", []int{10})
	w.Write(hdr)
	w.Write(make([]byte, 8))
	z.Close()
	_, err = OpenReaderAt(bytes.NewReader(buf.Bytes()), int64(buf.Len()), "short.npz")
	if !errors.Is(err, ErrTruncated) || !strings.Contains(err.Error(), `short.npz: array "short"`) {
		t.Errorf("short member: %v", err)
	}

	// The same, compressed.
	buf.Reset()
	zw := zip.NewWriter(&buf)
	w, _ = zw.CreateHeader(&zip.FileHeader{Name: "short.npy", Method: zip.Deflate})
	w.Write(hdr)
	w.Write(make([]byte, 8))
	zw.Close()
	_, err = OpenReaderAt(bytes.NewReader(buf.Bytes()), int64(buf.Len()), "shortc.npz")
	if !errors.Is(err, ErrTruncated) {
		t.Errorf("short compressed member: %v", err)
	}

	// A zip with a PyTorch-like layout.
	buf.Reset()
	zw = zip.NewWriter(&buf)
	zw.Create("archive/data.pkl")
	zw.Close()
	_, err = OpenReaderAt(bytes.NewReader(buf.Bytes()), int64(buf.Len()), "model.pt")
	if !errors.Is(err, ErrNotNumPy) || !strings.Contains(err.Error(), "PyTorch") {
		t.Errorf("torch file: %v", err)
	}

	// Extra non-.npy members are skipped and listed.
	buf.Reset()
	z = NewNPZWriter(&buf)
	w, _ = z.Create("ok")
	WriteNPY(w, []int{2}, []float64{1, 2})
	z.zw.Create("README.txt")
	z.Close()
	f, err := OpenReaderAt(bytes.NewReader(buf.Bytes()), int64(buf.Len()), "extra.npz")
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Skipped) != 1 || !strings.Contains(Describe(f), "README.txt") {
		t.Errorf("Skipped = %v", f.Skipped)
	}
}
