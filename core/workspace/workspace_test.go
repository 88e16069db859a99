package workspace

import (
	"errors"
	"testing"

	"github.com/alignscope/alignscope/core/data"
	"gonum.org/v1/gonum/mat"
)

func layer(name string, n int) *data.Layer {
	return &data.Layer{Name: name, DType: "float64", Data: data.Dense{M: mat.NewDense(n, 3, nil)}, Source: name + ".npy"}
}

func TestUpdateIsTransactional(t *testing.T) {
	w := New("p")
	calls := 0
	w.OnChange(func() { calls++ })
	if err := w.Update(func(p *data.Project) error {
		return p.AddModel(&data.Model{Name: "a", Layers: []*data.Layer{layer("l1", 5)}})
	}); err != nil {
		t.Fatal(err)
	}
	before := w.Project()
	err := w.Update(func(p *data.Project) error {
		if err := p.AddModel(&data.Model{Name: "b", Layers: []*data.Layer{layer("l1", 5)}}); err != nil {
			return err
		}
		return p.AddModel(&data.Model{Name: "c", Layers: []*data.Layer{layer("l1", 6)}})
	})
	var mm *data.MismatchError
	if !errors.As(err, &mm) {
		t.Fatalf("err = %v, want a MismatchError", err)
	}
	if w.Project() != before || len(w.Project().Models) != 1 || calls != 1 {
		t.Fatalf("failed update changed the project: %d models, %d calls", len(w.Project().Models), calls)
	}
}

func TestUndoRedo(t *testing.T) {
	w := New("p")
	add := func(name string) {
		if err := w.Update(func(p *data.Project) error {
			return p.AddModel(&data.Model{Name: name, Layers: []*data.Layer{layer("l", 4)}})
		}); err != nil {
			t.Fatal(err)
		}
	}
	add("a")
	add("b")
	if !w.Undo() || len(w.Project().Models) != 1 || w.Project().Model("a") == nil {
		t.Fatalf("undo: %d models", len(w.Project().Models))
	}
	if !w.Redo() || len(w.Project().Models) != 2 {
		t.Fatalf("redo: %d models", len(w.Project().Models))
	}
	w.Undo()
	add("c") // a new change drops the redo history
	if w.CanRedo() || w.Project().Model("c") == nil || w.Project().Model("b") != nil {
		t.Fatal("new change after undo")
	}
	w.Undo()
	w.Undo()
	if w.Undo() || len(w.Project().Models) != 0 || w.CanUndo() {
		t.Fatal("undo past the start")
	}
}
