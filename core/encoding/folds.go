package encoding

import (
	"fmt"
	"slices"
	"sort"
)

// Fold is one split of the rows (stimuli) into a training and a test set.
// Both hold row indices in increasing order.
type Fold struct {
	Train, Test []int
}

// KFold returns scikit-learn's KFold(n_splits=k, shuffle=False): fold f
// tests the contiguous block [start_f, stop_f), where the first n mod k
// folds have ⌊n/k⌋+1 rows and the others ⌊n/k⌋, and trains on every other
// row in the original order. It is an error to ask for fewer than 2 folds
// or for more folds than rows.
func KFold(n, k int) ([]Fold, error) {
	if k < 2 {
		return nil, fmt.Errorf("need at least 2 folds, have %d", k)
	}
	if n < k {
		return nil, fmt.Errorf("%d stimuli are fewer than the %d folds", n, k)
	}
	folds := make([]Fold, k)
	start := 0
	for f := 0; f < k; f++ {
		size := n / k
		if f < n%k {
			size++
		}
		stop := start + size
		fd := Fold{Test: make([]int, 0, size), Train: make([]int, 0, n-size)}
		for i := 0; i < n; i++ {
			if i >= start && i < stop {
				fd.Test = append(fd.Test, i)
			} else {
				fd.Train = append(fd.Train, i)
			}
		}
		folds[f] = fd
		start = stop
	}
	return folds, nil
}

// GroupFolds returns one fold per distinct label (leave-one-group-out, as
// scikit-learn's LeaveOneGroupOut): rows with the same label — a run or a
// session — are always tested together. Folds come in increasing label
// order. At least two distinct labels are needed.
func GroupFolds(labels []int) ([]Fold, error) {
	distinct := map[int]bool{}
	for _, l := range labels {
		distinct[l] = true
	}
	if len(distinct) < 2 {
		return nil, fmt.Errorf("fold labels hold %d distinct value(s); need at least 2 groups", len(distinct))
	}
	keys := make([]int, 0, len(distinct))
	for l := range distinct {
		keys = append(keys, l)
	}
	sort.Ints(keys)
	folds := make([]Fold, len(keys))
	for f, key := range keys {
		for i, l := range labels {
			if l == key {
				folds[f].Test = append(folds[f].Test, i)
			} else {
				folds[f].Train = append(folds[f].Train, i)
			}
		}
	}
	return folds, nil
}

// checkFolds verifies that the folds partition the n rows: every test set
// is non-empty, every training set holds at least minTrain rows and is the
// complement of its test set, and every row is tested exactly once.
func checkFolds(folds []Fold, n, minTrain int) error {
	if len(folds) < 2 {
		return fmt.Errorf("need at least 2 folds, have %d", len(folds))
	}
	if n < len(folds) {
		return fmt.Errorf("%d stimuli are fewer than the %d folds", n, len(folds))
	}
	tested := make([]int, n)
	for f, fd := range folds {
		if len(fd.Test) == 0 {
			return fmt.Errorf("fold %d has no test rows", f+1)
		}
		if len(fd.Train) < minTrain {
			return fmt.Errorf("fold %d trains on %d rows; need at least %d", f+1, len(fd.Train), minTrain)
		}
		if len(fd.Train)+len(fd.Test) != n {
			return fmt.Errorf("fold %d: %d training + %d test rows, but there are %d stimuli (the training set must be every row not tested)", f+1, len(fd.Train), len(fd.Test), n)
		}
		if !slices.IsSorted(fd.Test) || !slices.IsSorted(fd.Train) {
			return fmt.Errorf("fold %d: row indices must be in increasing order", f+1)
		}
		in := make([]bool, n)
		for _, i := range fd.Test {
			if i < 0 || i >= n {
				return fmt.Errorf("fold %d tests row %d, outside 0..%d", f+1, i, n-1)
			}
			if in[i] {
				return fmt.Errorf("fold %d tests row %d twice", f+1, i)
			}
			in[i] = true
			tested[i]++
		}
		for _, i := range fd.Train {
			if i < 0 || i >= n || in[i] {
				return fmt.Errorf("fold %d: training row %d is outside 0..%d or also a test row", f+1, i, n-1)
			}
			in[i] = true
		}
	}
	for i, c := range tested {
		if c != 1 {
			return fmt.Errorf("row %d is tested in %d folds; the test sets must cover every row exactly once", i, c)
		}
	}
	return nil
}

// run is a stretch of consecutive rows [start, start+len) of the full data
// that sits at positions [pos, pos+len) of an index list.
type run struct{ pos, start, len int }

// runsOf splits an increasing index list into runs of consecutive rows.
func runsOf(idx []int) []run {
	var rs []run
	for p := 0; p < len(idx); {
		q := p + 1
		for q < len(idx) && idx[q] == idx[q-1]+1 {
			q++
		}
		rs = append(rs, run{pos: p, start: idx[p], len: q - p})
		p = q
	}
	return rs
}
