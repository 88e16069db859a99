package parity

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/io/npy"
	"gonum.org/v1/gonum/mat"
)

// Case is one fixture case of a cases.json manifest.
type Case struct {
	ID         string                     `json:"id"`
	Category   string                     `json:"category"`
	Inputs     map[string]Input           `json:"inputs"`
	Parameters map[string]json.RawMessage `json:"parameters"`
	Expected   map[string]Input           `json:"expected"`
	Tolerance  struct {
		Rtol float64 `json:"rtol"`
		Atol float64 `json:"atol"`
	} `json:"tolerance"`
	dir string
}

// Input is an input or expected array of a case.
type Input struct {
	Path  string `json:"path"`
	Shape []int  `json:"shape"`
	Rows  []int  `json:"rows"`
}

// Tensor is a row-major array with its shape.
type Tensor struct {
	Shape []int
	Data  []float64
}

// Result maps an expected output name to what the implementation computed.
type Result map[string]Tensor

// Handler runs one case.
type Handler func(c *Case) (Result, error)

var (
	handlersMu sync.Mutex
	handlers   = map[string]map[string]Handler{} // suite → category → handler
)

// register installs the handler of a fixture category for a suite ("rsa",
// "encoding"). Each method family registers its categories from its own
// file's init.
func register(suite, category string, h Handler) {
	handlersMu.Lock()
	defer handlersMu.Unlock()
	if handlers[suite] == nil {
		handlers[suite] = map[string]Handler{}
	}
	if _, dup := handlers[suite][category]; dup {
		panic("parity: category registered twice: " + category)
	}
	handlers[suite][category] = h
}

// Array reads input name of the case (with its row selection) as a tensor.
func (c *Case) Array(name string) (Tensor, error) {
	in, ok := c.Inputs[name]
	if !ok {
		return Tensor{}, fmt.Errorf("case %s has no input %q", c.ID, name)
	}
	t, err := readTensor(filepath.Join(c.dir, in.Path))
	if err != nil {
		return Tensor{}, err
	}
	if in.Rows != nil {
		t = t.Rows(in.Rows)
	}
	return t, nil
}

// Has reports whether the case has input name.
func (c *Case) Has(name string) bool { _, ok := c.Inputs[name]; return ok }

// Matrix reads input name as a 2-D matrix (a 1-D array becomes one row).
func (c *Case) Matrix(name string) (*mat.Dense, error) {
	t, err := c.Array(name)
	if err != nil {
		return nil, err
	}
	return t.Matrix(), nil
}

// Param decodes parameter name into v; it reports whether it was present
// and not null.
func (c *Case) Param(name string, v any) (bool, error) {
	raw, ok := c.Parameters[name]
	if !ok || string(raw) == "null" {
		return false, nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return true, fmt.Errorf("case %s: parameter %s: %w", c.ID, name, err)
	}
	return true, nil
}

// String returns a string parameter, or def when absent.
func (c *Case) String(name, def string) string {
	var s string
	if ok, err := c.Param(name, &s); !ok || err != nil {
		return def
	}
	return s
}

// Float returns a number parameter, or def when absent.
func (c *Case) Float(name string, def float64) float64 {
	var f float64
	if ok, err := c.Param(name, &f); !ok || err != nil {
		return def
	}
	return f
}

// Int returns an integer parameter, or def when absent.
func (c *Case) Int(name string, def int) int {
	return int(c.Float(name, float64(def)))
}

// Bool returns a boolean parameter, or def when absent.
func (c *Case) Bool(name string, def bool) bool {
	var b bool
	if ok, err := c.Param(name, &b); !ok || err != nil {
		return def
	}
	return b
}

func readTensor(path string) (Tensor, error) {
	f, err := npy.Open(path)
	if err != nil {
		return Tensor{}, err
	}
	defer f.Close()
	if len(f.Arrays) != 1 {
		return Tensor{}, fmt.Errorf("%s: want one array, found %d", path, len(f.Arrays))
	}
	a := f.Arrays[0]
	shape := append([]int(nil), a.Shape...)
	if len(shape) == 0 {
		return Tensor{}, fmt.Errorf("%s: 0-D arrays are not used by the fixtures", path)
	}
	if prod(shape) == 0 {
		return Tensor{Shape: shape}, nil
	}
	v, err := a.Matrix()
	if err != nil {
		return Tensor{}, err
	}
	m, err := data.ReadAll(v)
	if err != nil {
		return Tensor{}, err
	}
	return Tensor{Shape: shape, Data: m.RawMatrix().Data}, nil
}

func prod(s []int) int {
	p := 1
	for _, v := range s {
		p *= v
	}
	return p
}

// Rows selects rows (axis 0) in the given order.
func (t Tensor) Rows(rows []int) Tensor {
	w := 1
	if len(t.Shape) > 1 {
		w = prod(t.Shape[1:])
	}
	out := Tensor{Shape: append([]int{len(rows)}, t.Shape[1:]...), Data: make([]float64, 0, len(rows)*w)}
	for _, r := range rows {
		out.Data = append(out.Data, t.Data[r*w:(r+1)*w]...)
	}
	return out
}

// Matrix views t as a 2-D matrix: rows = Shape[0] (1 for a 1-D array).
func (t Tensor) Matrix() *mat.Dense {
	if len(t.Shape) == 1 {
		return mat.NewDense(1, t.Shape[0], t.Data)
	}
	return mat.NewDense(t.Shape[0], len(t.Data)/t.Shape[0], t.Data)
}

// Vec wraps a flat vector as a 1-D tensor.
func Vec(v []float64) Tensor { return Tensor{Shape: []int{len(v)}, Data: v} }

// FromMatrix wraps a matrix as a 2-D tensor.
func FromMatrix(m mat.Matrix) Tensor {
	r, c := m.Dims()
	d := make([]float64, 0, r*c)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			d = append(d, m.At(i, j))
		}
	}
	return Tensor{Shape: []int{r, c}, Data: d}
}

// Scalar wraps one number.
func Scalar(v float64) Tensor { return Tensor{Shape: []int{1}, Data: []float64{v}} }

func fixtureDir(env, def string) string {
	if d := os.Getenv(env); d != "" {
		return d
	}
	return def
}

// runSuite runs every case of dir/cases.json through the suite's handlers
// and logs exactly one summary line "parity SUITE: P/N cases within
// tolerance"; unsupported cases count as failures.
func runSuite(t *testing.T, suite, dir string) {
	raw, err := os.ReadFile(filepath.Join(dir, "cases.json"))
	if err != nil {
		t.Fatalf("parity %s: %v (set the fixture folder's environment variable)", suite, err)
	}
	var manifest struct {
		Cases []*Case `json:"cases"`
	}
	if err := json.Unmarshal(raw, &manifest); err != nil {
		t.Fatalf("parity %s: cases.json: %v", suite, err)
	}
	handlersMu.Lock()
	hs := handlers[suite]
	handlersMu.Unlock()
	var failed []string
	pass := 0
	for _, c := range manifest.Cases {
		c.dir = dir
		msg := runCase(hs, c)
		if msg == "" {
			pass++
			continue
		}
		failed = append(failed, c.ID)
		t.Errorf("%s: %s", c.ID, msg)
	}
	t.Logf("parity %s: %d/%d cases within tolerance", suite, pass, len(manifest.Cases))
	if len(failed) > 0 {
		sort.Strings(failed)
		t.Errorf("parity %s: out of tolerance or unsupported: %s", suite, strings.Join(failed, " "))
	}
}

func runCase(hs map[string]Handler, c *Case) (msg string) {
	h := hs[c.Category]
	if h == nil {
		return fmt.Sprintf("category %q is not supported", c.Category)
	}
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprintf("panic: %v", r)
		}
	}()
	got, err := h(c)
	if err != nil {
		return "error: " + err.Error()
	}
	names := make([]string, 0, len(c.Expected))
	for n := range c.Expected {
		names = append(names, n)
	}
	sort.Strings(names)
	var bad []string
	for _, name := range names {
		want, err := readTensor(filepath.Join(c.dir, c.Expected[name].Path))
		if err != nil {
			return "expected " + name + ": " + err.Error()
		}
		g, ok := got[name]
		if !ok {
			bad = append(bad, fmt.Sprintf("%s: not computed", name))
			continue
		}
		if m := compareTensor(g, want, c.Tolerance.Rtol, c.Tolerance.Atol); m != "" {
			bad = append(bad, name+": "+m)
		}
	}
	return strings.Join(bad, "; ")
}

// compareTensor applies |got−want| ≤ atol + rtol·|want|, NaN matching NaN.
func compareTensor(got, want Tensor, rtol, atol float64) string {
	if len(got.Data) != len(want.Data) {
		return fmt.Sprintf("%d values (shape %v), want %d (shape %v)", len(got.Data), got.Shape, len(want.Data), want.Shape)
	}
	worst, at := 0.0, -1
	for i, w := range want.Data {
		g := got.Data[i]
		if math.IsNaN(w) || math.IsNaN(g) {
			if math.IsNaN(w) != math.IsNaN(g) {
				return fmt.Sprintf("[%d] = %v, want %v", i, g, w)
			}
			continue
		}
		if math.IsInf(w, 0) || math.IsInf(g, 0) {
			if g != w {
				return fmt.Sprintf("[%d] = %v, want %v", i, g, w)
			}
			continue
		}
		if d := math.Abs(g - w); d > atol+rtol*math.Abs(w) && d > worst {
			worst, at = d, i
		}
	}
	if at >= 0 {
		return fmt.Sprintf("[%d] = %.12g, want %.12g (|diff| %.3g)", at, got.Data[at], want.Data[at], worst)
	}
	return ""
}

// TestRSAParity runs the rsatoolbox fixtures.
func TestRSAParity(t *testing.T) {
	runSuite(t, "rsa", fixtureDir("ALIGNSCOPE_RSA_FIXTURES", filepath.Join("..", "..", "shared", "fixtures", "rsa")))
}
