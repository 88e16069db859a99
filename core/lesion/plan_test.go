package lesion

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/alignscope/alignscope/core/data"
	"gonum.org/v1/gonum/mat"
)

// smallLayer is 6 stimuli (3 animate, 3 inanimate) × 5 units:
//
//	u0 = 3 4 5 0 1 2   d′ = +3, variance 3.5
//	u1 = 0 1 2 3 4 5   d′ = −3, variance 3.5
//	u2 = 1 2 3 1 2 3   d′ =  0, variance 0.8
//	u3 = 2 4 6 0 2 4   d′ = +1, variance 4.4
//	u4 = 5 5 5 5 5 5   constant: d′ = 0, variance 0
func smallLayer() (data.Matrix, []string) {
	cols := [][]float64{
		{3, 4, 5, 0, 1, 2},
		{0, 1, 2, 3, 4, 5},
		{1, 2, 3, 1, 2, 3},
		{2, 4, 6, 0, 2, 4},
		{5, 5, 5, 5, 5, 5},
	}
	x := mat.NewDense(6, 5, nil)
	for j, c := range cols {
		x.SetCol(j, c)
	}
	return data.Dense{M: x}, []string{"animate", "animate", "animate", "inanimate", "inanimate", "inanimate"}
}

func lesionAt(t *testing.T, p *Plan, f float64) []int {
	t.Helper()
	u, err := p.Lesion(f)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestPlansExactUnits(t *testing.T) {
	ctx := context.Background()
	x, anim := smallLayer()
	c := Contrast{Descriptor: "animacy", Values: anim}
	most, err := Selective(ctx, x, c, Highest)
	if err != nil {
		t.Fatal(err)
	}
	least, err := Selective(ctx, x, c, Lowest)
	if err != nil {
		t.Fatal(err)
	}
	signed := c
	signed.Signed = true
	mostSigned, err := Selective(ctx, x, signed, Highest)
	if err != nil {
		t.Fatal(err)
	}
	welch := c
	welch.Stat = WelchT
	mostT, err := Selective(ctx, x, welch, Highest)
	if err != nil {
		t.Fatal(err)
	}
	variance, err := Variance(ctx, x)
	if err != nil {
		t.Fatal(err)
	}
	weights, err := Weights([]float64{0.1, -2, 0.5, 0, 1})
	if err != nil {
		t.Fatal(err)
	}
	list, err := List(5, []int{3, 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		plan *Plan
		f    float64
		want []int
	}{
		{most, 0, nil},
		{most, 0.2, []int{0}},
		{most, 0.4, []int{0, 1}},    // |d′| = 3, 3: ties in unit order
		{most, 0.5, []int{0, 1, 3}}, // ⌊2.5 + ½⌋ = 3
		{most, 1, []int{0, 1, 2, 3, 4}},
		{least, 0.4, []int{2, 4}}, // d′ 0, 0 (u4 constant: 0/0 = 0)
		{least, 0.6, []int{2, 3, 4}},
		{mostSigned, 0.4, []int{0, 3}}, // +3, +1
		{mostSigned, 0.8, []int{0, 2, 3, 4}},
		{mostT, 0.4, []int{0, 1}},
		{variance, 0.2, []int{3}}, // 4.4
		{variance, 0.6, []int{0, 1, 3}},
		{variance, 0.8, []int{0, 1, 2, 3}},
		{weights, 0.4, []int{1, 4}},
		{weights, 0.6, []int{1, 2, 4}},
		{list, 0, []int{1, 3}}, // a list ignores the fraction
		{list, 1, []int{1, 3}},
	} {
		if got := lesionAt(t, tc.plan, tc.f); !slices.Equal(got, tc.want) {
			t.Errorf("%s at %g: units %v, want %v", tc.plan.Name, tc.f, got, tc.want)
		}
	}
	if !strings.Contains(most.Name, "animate vs inanimate (d′)") {
		t.Errorf("name %q", most.Name)
	}
	if most.Score[0] != 3 || most.Score[2] != 1 {
		t.Errorf("scores %v", most.Score)
	}
}

func TestSelectivityValues(t *testing.T) {
	ctx := context.Background()
	x, anim := smallLayer()
	for _, tc := range []struct {
		c    Contrast
		want []float64
	}{
		{Contrast{Values: anim}, []float64{3, -3, 0, 1, 0}},
		{Contrast{Values: anim, Level: "inanimate"}, []float64{-3, 3, 0, -1, 0}},
		{Contrast{Values: anim, Stat: WelchT}, []float64{3 / math.Sqrt(2.0/3), -3 / math.Sqrt(2.0/3), 0, 2 / math.Sqrt(8.0/3), 0}},
		// Three levels: a = {0,1}, b = {2,3}, c = {4,5}; one-way ANOVA.
		// u0 = 3 4 | 5 0 | 1 2: means 3.5, 2.5, 1.5, grand 2.5;
		// between 2(1+0+1)/2 = 2, within (0.5+12.5+0.5)/3 = 4.5.
		{Contrast{Values: []string{"a", "a", "b", "b", "c", "c"}}, []float64{2 / 4.5, 16, 0.5, 0, 0}},
		// Level against one other level, the third ignored.
		{Contrast{Values: []string{"a", "a", "b", "b", "c", "c"}, Level: "a", Versus: "c"}, []float64{(3.5 - 1.5) / math.Sqrt(0.5), (0.5 - 4.5) / math.Sqrt(0.5), -1 / math.Sqrt(0.5), 0, 0}},
	} {
		got, err := Selectivity(ctx, x, tc.c)
		if err != nil {
			t.Fatal(err)
		}
		for u := range got {
			if math.Abs(got[u]-tc.want[u]) > 1e-12 {
				t.Errorf("%+v unit %d: %g, want %g", tc.c, u, got[u], tc.want[u])
			}
		}
	}
	// A perfectly separating unit with no spread is infinitely selective.
	y := mat.NewDense(4, 1, []float64{1, 1, 0, 0})
	s, err := Selectivity(ctx, data.Dense{M: y}, Contrast{Values: []string{"a", "a", "b", "b"}})
	if err != nil || !math.IsInf(s[0], 1) {
		t.Errorf("separating unit: %v %v", s, err)
	}
}

func TestChannelPlans(t *testing.T) {
	shape := []int{3, 2, 2} // 3 channels of 4 units
	score := []float64{
		1, 1, 1, 1, // channel 0: mean 1
		5, 5, 0, 2, // channel 1: mean 3
		2, 2, 2, 2, // channel 2: mean 2
	}
	p, err := RankedChannels("channels by variance", shape, score, Highest)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Channels || len(p.Groups) != 3 {
		t.Fatalf("plan %+v", p)
	}
	for _, tc := range []struct {
		f    float64
		want []int
	}{
		{0.2, []int{4, 5, 6, 7}},                // ⌊0.6 + ½⌋ = 1 channel
		{0.34, []int{4, 5, 6, 7}},               // channel 1
		{0.67, []int{4, 5, 6, 7, 8, 9, 10, 11}}, // channels 1, 2
		{1, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}},
	} {
		if got := lesionAt(t, p, tc.f); !slices.Equal(got, tc.want) {
			t.Errorf("channels at %g: %v, want %v", tc.f, got, tc.want)
		}
	}
	r, err := RandomChannels(shape, 4)
	if err != nil {
		t.Fatal(err)
	}
	u := lesionAt(t, r, 0.34)
	if len(u) != 4 || u[0]%4 != 0 || u[3] != u[0]+3 {
		t.Errorf("random channel lesion %v is not one whole channel", u)
	}
}

func TestRandomPlan(t *testing.T) {
	a, _ := Random(100, 1)
	b, _ := Random(100, 1)
	c, _ := Random(100, 2)
	ua, ub, uc := lesionAt(t, a, 0.1), lesionAt(t, b, 0.1), lesionAt(t, c, 0.1)
	if len(ua) != 10 || !slices.Equal(ua, ub) || slices.Equal(ua, uc) {
		t.Errorf("random lesions %v %v %v", ua, ub, uc)
	}
	// Nested: the 5 % lesion is inside the 10 % lesion.
	for _, u := range lesionAt(t, a, 0.05) {
		if !slices.Contains(ua, u) {
			t.Errorf("5%% lesion unit %d not in the 10%% lesion", u)
		}
	}
}

func TestPlanErrors(t *testing.T) {
	ctx := context.Background()
	x, anim := smallLayer()
	one := []string{"a", "a", "a", "a", "a", "a"}
	for _, tc := range []struct {
		name string
		err  func() error
		want string
	}{
		{"one level", func() error {
			_, err := Selective(ctx, x, Contrast{Descriptor: "kind", Values: one}, Highest)
			return err
		}, `descriptor "kind" has only one level (every stimulus is "a")`},
		{"unknown level", func() error {
			_, err := Selective(ctx, x, Contrast{Descriptor: "animacy", Values: anim, Level: "plant"}, Highest)
			return err
		}, `no level "plant"`},
		{"wrong length", func() error {
			_, err := Selectivity(ctx, x, Contrast{Descriptor: "animacy", Values: anim[:4]})
			return err
		}, "4 values for 6 stimuli"},
		{"same level", func() error {
			_, err := Selectivity(ctx, x, Contrast{Values: anim, Level: "animate", Versus: "animate"})
			return err
		}, "with itself"},
		{"channel plan without shape", func() error {
			_, err := RankedChannels("c", []int{5}, make([]float64, 5), Highest)
			return err
		}, "unit shape C×H×W"},
		{"channel plan without shape (random)", func() error {
			_, err := RandomChannels(nil, 1)
			return err
		}, "no channels"},
		{"empty list", func() error {
			_, err := List(5, nil)
			return err
		}, "empty"},
		{"unit out of range", func() error {
			_, err := List(5, []int{7})
			return err
		}, "unit 7 does not exist"},
		{"duplicate unit", func() error {
			_, err := List(5, []int{1, 1})
			return err
		}, "listed twice"},
		{"fraction above 100", func() error {
			p, _ := Random(5, 1)
			_, err := p.Lesion(1.5)
			return err
		}, "150% is outside 0–100%"},
		{"negative fraction", func() error {
			p, _ := Random(5, 1)
			_, err := p.Lesion(-0.1)
			return err
		}, "outside 0–100%"},
		{"NaN weight", func() error {
			_, err := Weights([]float64{1, math.NaN()})
			return err
		}, "must be finite"},
	} {
		err := tc.err()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
}

func TestParse(t *testing.T) {
	for _, s := range []string{"zero", "mean"} {
		f, err := ParseFill(s)
		if err != nil || f.String() != s {
			t.Errorf("fill %q: %v %v", s, f, err)
		}
	}
	if _, err := ParseFill("noise"); err == nil {
		t.Error("fill noise accepted")
	}
	if s, err := ParseStat("t"); err != nil || s != WelchT {
		t.Errorf("stat t: %v %v", s, err)
	}
	if _, err := ParseStat("auc"); err == nil {
		t.Error("stat auc accepted")
	}
}
