package nifti

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alignscope/alignscope/core/data"
)

func addSeeds(f *testing.F, patterns ...string) {
	for _, pattern := range patterns {
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
}

// exercise opens b and reads what it holds; it must not panic.
func exercise(t *testing.T, b []byte) {
	im, err := OpenBytes(b, "fuzz.nii")
	if err != nil {
		if im != nil {
			t.Fatal("error with a non-nil Image")
		}
		return
	}
	defer im.Close()
	_ = im.GridString()
	nt, nv := im.Volumes(), im.Voxels()
	if nt < 1 || nv < 1 {
		t.Fatalf("%d volumes of %d voxels", nt, nv)
	}
	if int64(nt)*int64(nv) > 1<<16 {
		_, _ = im.Volume(nt - 1)
		return
	}
	for vol := range nt {
		v, err := im.Volume(vol)
		if err != nil {
			t.Fatalf("volume %d of a file that opened: %v", vol, err)
		}
		if len(v.Values) != nv {
			t.Fatalf("volume of %d values, want %d", len(v.Values), nv)
		}
	}
	if _, _, err := im.Mean(); err != nil {
		t.Fatal(err)
	}
	s, err := im.Series([]int{0, nt - 1}, []int{nv - 1, 0, nv / 2})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := data.ReadAll(s); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	v, _ := im.Volume(0)
	if g := im.Grid(); g[0] <= 32767 && g[1] <= 32767 && g[2] <= 32767 {
		_ = Encode(&buf, v, &im.Header, WriteOptions{})
		if buf.Len() > 0 {
			if _, err := OpenBytes(buf.Bytes(), "again.nii"); err != nil {
				t.Fatalf("re-reading a written map: %v", err)
			}
		}
	}
}

// FuzzOpen feeds header and data bytes, uncompressed and gzip-compressed.
func FuzzOpen(f *testing.F) {
	addSeeds(f, "*.nii", "*.nii.gz", "*.hdr")
	f.Fuzz(func(t *testing.T, b []byte) {
		exercise(t, b)
		var z bytes.Buffer
		zw := gzip.NewWriter(&z)
		zw.Write(b)
		zw.Close()
		exercise(t, z.Bytes())
	})
}

// FuzzLabels parses label tables and applies them to a small atlas.
func FuzzLabels(f *testing.F) {
	addSeeds(f, "*.tsv", "*.csv", "*.xml", "*.txt")
	f.Add([]byte("index,name\n1,A\n2,B\n"))
	atlas := &data.Volume{Dims: [3]int{4, 1, 1}, Values: []float64{0, 1, 2, 1}}
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := ParseLabels(bytes.NewReader(b), "fuzz.tsv")
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz.tsv") {
				t.Fatalf("error without the file name: %v", err)
			}
			return
		}
		if len(l.Entries) == 0 {
			t.Fatal("no labels without an error")
		}
		for k, e := range l.Entries {
			if e.Name == "" || e.Index < 0 || (k > 0 && l.Entries[k-1].Index >= e.Index) {
				t.Fatalf("bad entries %v", l.Entries)
			}
		}
		regs, _, err := AtlasRegions(atlas, l, "atlas.nii")
		if err == nil {
			for _, r := range regs {
				if r.Name == "" || len(r.Voxels) == 0 {
					t.Fatalf("bad region %+v", r)
				}
			}
		}
	})
}

// FuzzUnits parses coordinate tables.
func FuzzUnits(f *testing.F) {
	addSeeds(f, "units.csv")
	f.Add([]byte("x\ty\tz\n1\t2\t3\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		u, err := ParseUnits(bytes.NewReader(b), "fuzz.csv")
		if err != nil {
			return
		}
		if len(u.Coords) == 0 || (u.Names != nil && len(u.Names) != len(u.Coords)) {
			t.Fatalf("units %+v", u)
		}
	})
}
