package export

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/alignscope/alignscope/core/rsa"
)

func TestWriteRSATableRoundTrip(t *testing.T) {
	tenth := 0.1 // a variable: constant 0.1 + 0.2 is exactly 0.3
	rows := []rsa.Row{
		{Model: "alexnet", Layer: "conv1", Region: "IT", Score: tenth + 0.2, CILow: 0.12345678901234567, CIHigh: 1e-300,
			SE: 0.0123, P: 3.2e-12, PCorrected: 6.4e-12, PNoise: 0.5, CeilingLow: 0.36, CeilingHigh: 0.46, Subjects: 10},
		{Model: `net, "v2"`, Layer: "block\n3", Region: "V1", Score: -0.05, CILow: math.Inf(-1), CIHigh: math.Inf(1),
			SE: math.NaN(), P: 1, PCorrected: 1, PNoise: math.NaN(), CeilingLow: math.NaN(), CeilingHigh: math.NaN(), Subjects: 1},
	}
	path := filepath.Join(t.TempDir(), "rsa.csv")
	if err := WriteRSATable(path, rows); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"model", "layer", "region", "score", "ci_low", "ci_high", "se", "p", "p_corrected", "p_noise", "ceiling_low", "ceiling_high", "subjects"}
	if !slices.Equal(recs[0], want) {
		t.Fatalf("header %v", recs[0])
	}
	if len(recs) != len(rows)+1 {
		t.Fatalf("%d records for %d rows", len(recs), len(rows))
	}
	for i, r := range rows {
		rec := recs[i+1]
		if rec[0] != r.Model || rec[1] != r.Layer || rec[2] != r.Region {
			t.Errorf("row %d names %q", i, rec[:3])
		}
		for j, v := range []float64{r.Score, r.CILow, r.CIHigh, r.SE, r.P, r.PCorrected, r.PNoise, r.CeilingLow, r.CeilingHigh} {
			got, err := strconv.ParseFloat(rec[3+j], 64)
			if err != nil {
				t.Fatalf("row %d column %s: %v", i, want[3+j], err)
			}
			if got != v && !(math.IsNaN(got) && math.IsNaN(v)) {
				t.Errorf("row %d column %s: %q reads %v, wrote %v", i, want[3+j], rec[3+j], got, v)
			}
		}
		if n, _ := strconv.Atoi(rec[12]); n != r.Subjects {
			t.Errorf("row %d subjects %q", i, rec[12])
		}
	}
	// The spellings of the special values.
	if got := recs[2][4:7]; !slices.Equal(got, []string{"-Inf", "Inf", "NaN"}) {
		t.Errorf("special values written as %v", got)
	}
	if recs[1][3] != "0.30000000000000004" {
		t.Errorf("0.1+0.2 written as %q, want full precision", recs[1][3])
	}
}

func TestWriteRSATableEmptyAndFailure(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "empty.csv")
	if err := WriteRSATable(path, nil); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if string(b) != "model,layer,region,score,ci_low,ci_high,se,p,p_corrected,p_noise,ceiling_low,ceiling_high,subjects\n" {
		t.Fatalf("empty table %q", b)
	}
	if err := WriteRSATable(filepath.Join(dir, "no", "t.csv"), nil); err == nil {
		t.Fatal("write into a missing folder succeeded")
	}
}
