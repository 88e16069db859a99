package lesion

import (
	"context"
	"fmt"
	"math"

	"github.com/alignscope/alignscope/core/data"
	"gonum.org/v1/gonum/mat"
)

// Stat is the per-unit selectivity statistic of a two-group contrast.
type Stat int

// The statistics.
const (
	// DPrime is d′ = (μ_A − μ_B) / √((s²_A + s²_B)/2).
	DPrime Stat = iota
	// WelchT is Welch's t = (μ_A − μ_B) / √(s²_A/n_A + s²_B/n_B).
	WelchT
)

func (s Stat) String() string {
	if s == WelchT {
		return "t"
	}
	return "d′"
}

// ParseStat reads "dprime" (or "d'") or "t".
func ParseStat(s string) (Stat, error) {
	switch s {
	case "", "dprime", "d'", "d′", "d":
		return DPrime, nil
	case "t", "welch", "welch-t":
		return WelchT, nil
	}
	return DPrime, fmt.Errorf("unknown selectivity statistic %q (use dprime or t)", s)
}

// Contrast is a comparison of stimulus groups defined by a descriptor
// (a stimulus-table column such as category or animacy).
//
//   - Level and Versus set: stimuli of Level (A) against those of Versus
//     (B); other stimuli are ignored.
//   - Level set, Versus empty: Level against every other stimulus.
//   - Level empty, two levels: the first level (in stimulus order)
//     against the second.
//   - Level empty, more levels: one-way ANOVA, per unit
//     F = [Σ_k n_k(μ_k − μ)²/(K − 1)] / [Σ_k Σ_{i∈k}(x_i − μ_k)²/(N − K)];
//     Stat does not apply.
//
// Means and sample variances (divisor n − 1) are over stimuli. A zero
// denominator gives 0 when the numerator is 0 too (a constant unit) and
// ±Inf otherwise (a perfectly separating unit, ranked most selective).
type Contrast struct {
	// Descriptor names the column, for messages.
	Descriptor string
	// Values holds the descriptor's value for every stimulus.
	Values []string
	Level  string
	Versus string
	Stat   Stat
	// Signed ranks units by the signed statistic (units responding more
	// to Level first, with order Highest) instead of its absolute value.
	// It does not apply to the F statistic, which is never negative.
	Signed bool
}

// groups validates the contrast for n stimuli and returns the group of
// every stimulus (−1: not used), the group names and whether the statistic
// is the F of several levels.
func (c *Contrast) groups(n int) (grp []int, names []string, anova bool, err error) {
	d := c.Descriptor
	if d == "" {
		d = "descriptor"
	}
	if len(c.Values) != n {
		return nil, nil, false, fmt.Errorf("descriptor %q has %d values for %d stimuli", d, len(c.Values), n)
	}
	var levels []string
	seen := map[string]int{}
	for _, v := range c.Values {
		if _, ok := seen[v]; !ok {
			seen[v] = len(levels)
			levels = append(levels, v)
		}
	}
	if len(levels) < 2 {
		only := ""
		if len(levels) == 1 {
			only = fmt.Sprintf(" (every stimulus is %q)", levels[0])
		}
		return nil, nil, false, fmt.Errorf("descriptor %q has only one level%s; a selectivity contrast needs at least two", d, only)
	}
	grp = make([]int, n)
	switch {
	case c.Level == "" && c.Versus != "":
		return nil, nil, false, fmt.Errorf("descriptor %q: give the level to compare with %q", d, c.Versus)
	case c.Level == "" && len(levels) == 2:
		for i, v := range c.Values {
			grp[i] = seen[v]
		}
		names = levels
	case c.Level == "":
		for i, v := range c.Values {
			grp[i] = seen[v]
		}
		names, anova = levels, true
	default:
		if _, ok := seen[c.Level]; !ok {
			return nil, nil, false, fmt.Errorf("descriptor %q has no level %q (levels: %v)", d, c.Level, levels)
		}
		if c.Versus != "" {
			if _, ok := seen[c.Versus]; !ok {
				return nil, nil, false, fmt.Errorf("descriptor %q has no level %q (levels: %v)", d, c.Versus, levels)
			}
			if c.Versus == c.Level {
				return nil, nil, false, fmt.Errorf("descriptor %q: cannot contrast level %q with itself", d, c.Level)
			}
		}
		other := "rest"
		if c.Versus != "" {
			other = c.Versus
		}
		for i, v := range c.Values {
			switch {
			case v == c.Level:
				grp[i] = 0
			case c.Versus == "" || v == c.Versus:
				grp[i] = 1
			default:
				grp[i] = -1
			}
		}
		names = []string{c.Level, other}
	}
	count := make([]int, len(names))
	used := 0
	for _, g := range grp {
		if g >= 0 {
			count[g]++
			used++
		}
	}
	for k, m := range count {
		if m < 2 && !anova {
			return nil, nil, false, fmt.Errorf("descriptor %q: group %q has %d stimulus; a variance needs at least 2", d, names[k], m)
		}
	}
	if anova && used <= len(names) {
		return nil, nil, false, fmt.Errorf("descriptor %q: %d stimuli in %d levels leave no degrees of freedom within levels", d, used, len(names))
	}
	return grp, names, anova, nil
}

// label describes the contrast ("animacy: animate vs inanimate (d′)").
func (c *Contrast) label(names []string, anova bool) string {
	if anova {
		return fmt.Sprintf("%s: any of %d levels (F)", c.Descriptor, len(names))
	}
	return fmt.Sprintf("%s: %s vs %s (%s)", c.Descriptor, names[0], names[1], c.Stat)
}

// Selectivity returns the contrast's statistic for every unit of x
// (n stimuli × p units), streaming column blocks.
func Selectivity(ctx context.Context, x data.Matrix, c Contrast) ([]float64, error) {
	n, p := x.Dims()
	grp, names, anova, err := c.groups(n)
	if err != nil {
		return nil, err
	}
	K := len(names)
	cnt := make([]float64, K)
	for _, g := range grp {
		if g >= 0 {
			cnt[g]++
		}
	}
	out := make([]float64, p)
	err = eachBlock(ctx, x, func(j0, j1 int, b *mat.Dense) error {
		w := j1 - j0
		mean := make([]float64, K*w)
		ss := make([]float64, K*w)
		for i := 0; i < n; i++ {
			g := grp[i]
			if g < 0 {
				continue
			}
			m := mean[g*w : (g+1)*w]
			for k, v := range b.RawRowView(i) {
				m[k] += v
			}
		}
		for g := 0; g < K; g++ {
			for k := 0; k < w; k++ {
				mean[g*w+k] /= cnt[g]
			}
		}
		for i := 0; i < n; i++ {
			g := grp[i]
			if g < 0 {
				continue
			}
			m, s := mean[g*w:(g+1)*w], ss[g*w:(g+1)*w]
			for k, v := range b.RawRowView(i) {
				d := v - m[k]
				s[k] += d * d
			}
		}
		for k := 0; k < w; k++ {
			if anova {
				out[j0+k] = fStat(mean, ss, cnt, k, w)
				continue
			}
			ma, mb := mean[k], mean[w+k]
			va, vb := ss[k]/(cnt[0]-1), ss[w+k]/(cnt[1]-1)
			den := (va + vb) / 2
			if c.Stat == WelchT {
				den = va/cnt[0] + vb/cnt[1]
			}
			out[j0+k] = ratio(ma-mb, math.Sqrt(den))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func fStat(mean, ss, cnt []float64, k, w int) float64 {
	K := len(cnt)
	N, grand := 0.0, 0.0
	for g := 0; g < K; g++ {
		N += cnt[g]
		grand += cnt[g] * mean[g*w+k]
	}
	grand /= N
	between, within := 0.0, 0.0
	for g := 0; g < K; g++ {
		d := mean[g*w+k] - grand
		between += cnt[g] * d * d
		within += ss[g*w+k]
	}
	return ratio(between/float64(K-1), within/(N-float64(K)))
}

// ratio is a/b with 0/0 = 0 and a/0 = ±Inf.
func ratio(a, b float64) float64 {
	if b == 0 {
		if a == 0 {
			return 0
		}
		return math.Copysign(math.Inf(1), a)
	}
	return a / b
}

// Selective returns the plan that silences units by their selectivity
// for the contrast: most selective first (order Highest) or least
// selective first (Lowest). Units are ranked by |statistic| unless
// c.Signed.
func Selective(ctx context.Context, x data.Matrix, c Contrast, order Order) (*Plan, error) {
	n, _ := x.Dims()
	_, names, anova, err := c.groups(n)
	if err != nil {
		return nil, err
	}
	s, err := Selectivity(ctx, x, c)
	if err != nil {
		return nil, err
	}
	rank := SelectivityScore(s, c.Signed)
	which := "most"
	if order == Lowest {
		which = "least"
	}
	p, err := Ranked(fmt.Sprintf("%s selective for %s", which, c.label(names, anova)), rank, order)
	if err != nil {
		return nil, err
	}
	p.Kind = KindSelective
	return p, nil
}

// SelectivityScore is the ranking score of a selectivity statistic: its
// absolute value, or the statistic itself when signed.
func SelectivityScore(s []float64, signed bool) []float64 {
	out := make([]float64, len(s))
	for i, v := range s {
		if signed {
			out[i] = v
		} else {
			out[i] = math.Abs(v)
		}
	}
	return out
}
