package data

import (
	"errors"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func dense(n, p int) Matrix { return Dense{M: mat.NewDense(n, p, nil)} }

func TestAddChecksStimuli(t *testing.T) {
	stim := &Stimuli{Names: []string{"a", "b", "c"}, Columns: []string{"category"},
		Descriptors: map[string][]string{"category": {"x", "y", "x"}}, Source: "stimuli.tsv"}
	tests := []struct {
		name    string
		add     func(p *Project) error
		wantErr string // substring; empty means success
	}{
		{"model ok", func(p *Project) error {
			return p.AddModel(&Model{Name: "net", Layers: []*Layer{{Name: "conv1", Data: dense(3, 4), Source: "net.npz:conv1"}}})
		}, ""},
		{"model wrong count", func(p *Project) error {
			return p.AddModel(&Model{Name: "net", Layers: []*Layer{{Name: "conv1", Data: dense(4, 4), Source: "net.npz:conv1"}}})
		}, "net.npz:conv1: stimulus count (rows): expected 3 stimuli as in stimuli.tsv, found 4 rows"},
		{"model wrong names", func(p *Project) error {
			return p.AddModel(&Model{Name: "net", Layers: []*Layer{{Name: "fc", Data: dense(3, 2), Source: "n.npz:fc", StimulusNames: []string{"a", "c", "b"}}}})
		}, `stimulus name at row 2: expected "b"`},
		{"recording wrong count", func(p *Project) error {
			return p.AddRecording("s1", "IT", &Recording{Data: dense(2, 10), Source: "s1.npz:IT"})
		}, "s1.npz:IT: stimulus count (rows): expected 3"},
		{"recording reps disagree", func(p *Project) error {
			return p.AddRecording("s1", "IT", &Recording{Data: dense(3, 10), Reps: []Matrix{dense(3, 10), dense(3, 9)}, Source: "s1.npz:IT"})
		}, "repetition 2"},
		{"recording ok", func(p *Project) error {
			return p.AddRecording("s1", "IT", &Recording{Data: dense(3, 10), Source: "s1.npz:IT"})
		}, ""},
		{"duplicate model", func(p *Project) error {
			m := &Model{Name: "net", Layers: []*Layer{{Name: "l", Data: dense(3, 1)}}}
			if err := p.AddModel(m); err != nil {
				return err
			}
			return p.AddModel(m)
		}, "already has a model"},
		{"table disagrees with data", func(p *Project) error {
			if err := p.AddRecording("s1", "V1", &Recording{Data: dense(3, 2), Source: "x"}); err != nil {
				return err
			}
			return p.SetStimuli(&Stimuli{Names: []string{"a", "b"}, Source: "two.csv"})
		}, "two.csv: stimulus count"},
	}
	for _, tt := range tests {
		p := &Project{Stimuli: stim}
		err := tt.add(p)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("%s: err = %v, want it to contain %q", tt.name, err, tt.wantErr)
		}
	}
}

func TestFailedAddLeavesProjectUnchanged(t *testing.T) {
	p := &Project{}
	if err := p.AddModel(&Model{Name: "m", Layers: []*Layer{{Name: "a", Data: dense(5, 2)}}}); err != nil {
		t.Fatal(err)
	}
	if p.NStimuli() != 5 {
		t.Fatalf("first data should set the stimulus count, got %d", p.NStimuli())
	}
	err := p.AddModel(&Model{Name: "m2", Layers: []*Layer{{Name: "a", Data: dense(5, 2)}, {Name: "b", Data: dense(6, 2), Source: "m2.npz:b"}}})
	var mm *MismatchError
	if !errors.As(err, &mm) || mm.Source != "m2.npz:b" {
		t.Fatalf("err = %v", err)
	}
	if len(p.Models) != 1 {
		t.Fatal("failed AddModel changed the project")
	}
}

func TestMeanOfRepetitions(t *testing.T) {
	a := Dense{M: mat.NewDense(2, 2, []float64{1, 2, 3, 4})}
	b := Dense{M: mat.NewDense(2, 2, []float64{3, 4, 5, 6})}
	got, err := ReadAll(Mean{Parts: []Matrix{a, b}})
	if err != nil {
		t.Fatal(err)
	}
	if !mat.Equal(got, mat.NewDense(2, 2, []float64{2, 3, 4, 5})) {
		t.Fatalf("mean = %v", mat.Formatted(got))
	}
	dst := make([]float64, 2)
	if err := (Mean{Parts: []Matrix{a, b}}).ReadColumns(1, 2, dst); err != nil || dst[0] != 3 || dst[1] != 5 {
		t.Fatalf("column block %v %v", dst, err)
	}
	if err := a.ReadColumns(1, 3, dst); err == nil {
		t.Fatal("out-of-range block accepted")
	}
}

func TestStimuliValidate(t *testing.T) {
	s := &Stimuli{Names: []string{"a", "a"}, Source: "t.csv"}
	if err := s.Validate(); err == nil || !strings.Contains(err.Error(), "appears twice") {
		t.Fatalf("err = %v", err)
	}
	s = &Stimuli{Names: []string{"a", "b", "c"}, Columns: []string{"cat"}, Descriptors: map[string][]string{"cat": {"x", "y", "x"}}}
	if got := s.Levels("cat"); len(got) != 2 || got[0] != "x" || got[1] != "y" {
		t.Fatalf("levels %v", got)
	}
}

func TestLayerShapeString(t *testing.T) {
	l := &Layer{Shape: []int{8, 16, 16}, DType: "float32", Data: dense(4, 8*16*16)}
	if l.ShapeString() != "8×16×16" || l.Bytes() != 4*2048*4 || l.Units() != 2048 {
		t.Fatalf("%s %d %d", l.ShapeString(), l.Bytes(), l.Units())
	}
}
