package encoding

import (
	"strings"
	"testing"
)

func TestKFold(t *testing.T) {
	for _, tc := range []struct {
		n, k  int
		sizes []int
	}{
		{123, 5, []int{25, 25, 25, 24, 24}},
		{10, 5, []int{2, 2, 2, 2, 2}},
		{7, 3, []int{3, 2, 2}},
		{2, 2, []int{1, 1}},
	} {
		folds, err := KFold(tc.n, tc.k)
		if err != nil {
			t.Fatal(err)
		}
		start := 0
		for f, fd := range folds {
			if len(fd.Test) != tc.sizes[f] || fd.Test[0] != start || len(fd.Train) != tc.n-tc.sizes[f] {
				t.Errorf("n=%d k=%d fold %d: test %v", tc.n, tc.k, f, fd.Test)
			}
			start += tc.sizes[f]
		}
		if err := checkFolds(folds, tc.n, 1); err != nil {
			t.Error(err)
		}
	}
	for _, tc := range []struct {
		n, k int
		want string
	}{
		{4, 5, "fewer than the 5 folds"},
		{10, 1, "at least 2 folds"},
	} {
		if _, err := KFold(tc.n, tc.k); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("KFold(%d, %d) error %v, want %q", tc.n, tc.k, err, tc.want)
		}
	}
}

func TestGroupFolds(t *testing.T) {
	folds, err := GroupFolds([]int{2, 2, 0, 1, 0, 1, 2})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]int{{2, 4}, {3, 5}, {0, 1, 6}}
	for f, w := range want {
		if len(folds[f].Test) != len(w) {
			t.Fatalf("fold %d tests %v, want %v", f, folds[f].Test, w)
		}
		for q := range w {
			if folds[f].Test[q] != w[q] {
				t.Fatalf("fold %d tests %v, want %v", f, folds[f].Test, w)
			}
		}
	}
	if err := checkFolds(folds, 7, 2); err != nil {
		t.Error(err)
	}
	if _, err := GroupFolds([]int{1, 1, 1}); err == nil {
		t.Error("one group: no error")
	}
	bad := []Fold{{Train: []int{1, 2}, Test: []int{0}}, {Train: []int{0, 2}, Test: []int{1}}}
	if err := checkFolds(bad, 3, 2); err == nil || !strings.Contains(err.Error(), "row 2") {
		t.Errorf("uncovered row: error %v", err)
	}
}

func TestRuns(t *testing.T) {
	rs := runsOf([]int{0, 1, 2, 5, 6, 9})
	want := []run{{0, 0, 3}, {3, 5, 2}, {5, 9, 1}}
	if len(rs) != len(want) {
		t.Fatalf("runs %v", rs)
	}
	for i := range rs {
		if rs[i] != want[i] {
			t.Fatalf("runs %v, want %v", rs, want)
		}
	}
}
