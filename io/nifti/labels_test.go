package nifti

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/alignscope/alignscope/core/data"
)

func labelString(l *Labels) string {
	var parts []string
	for _, e := range l.Entries {
		parts = append(parts, fmt.Sprintf("%d=%s", e.Index, e.Name))
	}
	return strings.Join(parts, " ")
}

func TestParseLabels(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"tsv header", "index\tname\n1\tV1\n2\tV4\n", "1=V1 2=V4"},
		{"tsv no header", "1\tV1\n3\tIT cortex\n", "1=V1 3=IT cortex"},
		{"csv crlf bom", "\ufeffindex,name\r\n2,B\r\n1,A\r\n", "1=A 2=B"},
		{"csv quoted", "1,\"left, V1\"\n", "1=left, V1"},
		{"bids dseg", "index\tname\tabbreviation\tcolor\n1\tPrimary visual\tV1\t#ff0000\n", "1=Primary visual"},
		{"name first", "name;index\nA;7\nB;9\n", "7=A 9=B"},
		{"label as name", "id,label\n1,A\n", "1=A"},
		{"label as index", "label,region\n4,A\n", "4=A"},
		{"other name column", "value,hemisphere\n1,left\n", "1=left"},
		{"plain", "# comment\n1 V1 left\n\n2   V4\n", "1=V1 left 2=V4"},
		{"freesurfer lut", "0  Unknown  0 0 0 0\n17 Left-Hippocampus 220 216 20 0\n", "0=Unknown 17=Left-Hippocampus"},
		{"float index", "1.0,A\n", "1=A"},
		{"duplicate same name", "1,A\n1,A\n", "1=A"},
		{"fsl xml zero based", `<atlas><data><label index="0">A</label><label index="2" x="1">C</label></data></atlas>`, "1=A 3=C"},
		{"xml one based", `<?xml version="1.0"?><atlas><data><label index="1">A</label><label index="2"> B </label></data></atlas>`, "1=A 2=B"},
	}
	for _, tt := range tests {
		l, err := ParseLabels(strings.NewReader(tt.text), "labels.txt")
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if got := labelString(l); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestParseLabelsErrors(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"empty", "", "no labels"},
		{"comments only", "# x\n\n", "no labels"},
		{"duplicate", "1,A\n1,B\n", "named twice"},
		{"negative", "-1,A\n", "negative"},
		{"fraction", "1,A\n1.5,B\n", "line 2"},
		{"no name", "1,\n", "no name"},
		{"header without index", "name,colour\nA,red\n", "no index column"},
		{"header only names", "index\n1\n", "no name column"},
		{"xml bad", `<atlas><label index="x">A</label></atlas>`, "not a whole number"},
		{"xml empty name", `<atlas><label index="1"> </label></atlas>`, "no name"},
		{"xml malformed", `<atlas><label index="1">A</lab`, "malformed"},
		{"binary", "\xff\xfe\x00", "UTF-8"},
	}
	for _, tt := range tests {
		_, err := ParseLabels(strings.NewReader(tt.text), "labels.txt")
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "labels.txt") {
			t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.want)
		}
	}
}

func TestLabelFiles(t *testing.T) {
	for _, name := range []string{"atlas.tsv", "atlas_fsl.xml", "atlas_lut.txt"} {
		l, err := ReadLabels(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		got := labelString(l)
		got = strings.TrimPrefix(got, "0=Unknown ")
		if got != "1=A 2=B 4=C" {
			t.Errorf("%s: %s", name, got)
		}
		if n, ok := l.Name(4); !ok || n != "C" {
			t.Errorf("%s: Name(4) = %q %v", name, n, ok)
		}
		if _, ok := l.Name(3); ok {
			t.Errorf("%s: Name(3) found", name)
		}
	}
	if _, err := ReadLabels("testdata/none.tsv"); err == nil {
		t.Error("missing file read")
	}
	if _, err := ReadLabels("testdata"); err == nil || !strings.Contains(err.Error(), "folder") {
		t.Errorf("folder: %v", err)
	}
}

func TestAtlasRegions(t *testing.T) {
	im := openTest(t, "atlas.nii.gz")
	atlas, err := im.Volume(0)
	if err != nil {
		t.Fatal(err)
	}
	labels, err := ReadLabels("testdata/atlas.tsv")
	if err != nil {
		t.Fatal(err)
	}
	regs, warn, err := AtlasRegions(atlas, labels, "atlas.nii.gz")
	if err != nil || len(warn) != 0 {
		t.Fatal(err, warn)
	}
	counts := map[string]int{"A": 7, "B": 5, "C": 1}
	if len(regs) != 3 {
		t.Fatalf("%d regions", len(regs))
	}
	for k, r := range regs {
		if len(r.Voxels) != counts[r.Name] || !slices.IsSorted(r.Voxels) {
			t.Errorf("%s: voxels %v", r.Name, r.Voxels)
		}
		for _, v := range r.Voxels {
			if atlas.Values[v] != float64(r.Index) {
				t.Errorf("%s: voxel %d holds %g", r.Name, v, atlas.Values[v])
			}
		}
		if k > 0 && regs[k-1].Index >= r.Index {
			t.Error("regions not in index order")
		}
	}
	// storage order: A's first voxels are (0,0,0), (1,0,0), (0,1,0)
	if v := regs[0].Voxels[:3]; v[0] != 0 || v[1] != 1 || v[2] != 5 {
		t.Errorf("A starts %v", v)
	}

	extra, _ := ReadLabels("testdata/atlas_extra.csv")
	if _, warn, err := AtlasRegions(atlas, extra, "atlas.nii.gz"); err != nil || len(warn) != 1 || !strings.Contains(warn[0], "3 unused") {
		t.Errorf("extra names: %v %v", warn, err)
	}
	missing, _ := ReadLabels("testdata/atlas_missing.tsv")
	if _, _, err := AtlasRegions(atlas, missing, "atlas.nii.gz"); err == nil || !strings.Contains(err.Error(), "2, 4") {
		t.Errorf("missing names: %v", err)
	}
	regs, _, err = AtlasRegions(atlas, nil, "atlas.nii.gz")
	if err != nil || regs[2].Name != "label 4" {
		t.Errorf("no labels: %v %v", regs, err)
	}

	bad := &data.Volume{Dims: [3]int{2, 1, 1}, Values: []float64{0, 1.5}}
	if _, _, err := AtlasRegions(bad, nil, "p.nii"); err == nil || !strings.Contains(err.Error(), "probabilistic") {
		t.Errorf("fractional atlas: %v", err)
	}
	nan := &data.Volume{Dims: [3]int{3, 1, 1}, Values: []float64{nanf(), 1, 1}}
	if regs, warn, err := AtlasRegions(nan, nil, "n.nii"); err != nil || len(warn) != 1 || len(regs) != 1 {
		t.Errorf("NaN atlas: %v %v %v", regs, warn, err)
	}
	dup := &Labels{Entries: []Label{{1, "A"}, {2, "A"}}, Source: "dup.tsv"}
	if _, _, err := AtlasRegions(&data.Volume{Dims: [3]int{2, 1, 1}, Values: []float64{1, 2}}, dup, "d.nii"); err == nil || !strings.Contains(err.Error(), "unique") {
		t.Errorf("duplicate names: %v", err)
	}
}

func TestParseUnits(t *testing.T) {
	u, err := ReadUnits("testdata/units.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(u.Coords) != 3 || u.Coords[1] != [3]float64{-5.5, 0, 100} || u.Unit != "µm" || strings.Join(u.Names, ",") != "ch1,ch2,ch3" {
		t.Errorf("units %+v", u)
	}
	g := u.Geometry()
	if err := g.Check(3); err != nil {
		t.Error(err)
	}
	tests := []struct{ text, want string }{
		{"x\ty\tz\n1\t2\t3\n", ""},
		{"1,2,3\n4,5,6\n", ""},
		{"Z (mm);X (mm);Y (mm);name\n3;1;2;a\n", ""},
		{"a,b\n1,2\n", "lacks columns x, y and z"},
		{"1,2,3,4\n", "no header"},
		{"x,y,z\n1,2\n", "missing"},
		{"x,y,z\n1,2,nan\n", "not a finite number"},
		{"x,y,z\n", "no channels"},
		{"", "empty"},
		{"x,y,z\n\"1,2,3\n", "read u.csv"},
	}
	for _, tt := range tests {
		u, err := ParseUnits(strings.NewReader(tt.text), "u.csv")
		if tt.want == "" {
			if err != nil {
				t.Errorf("%q: %v", tt.text, err)
			} else if u.Coords[0] != [3]float64{1, 2, 3} {
				t.Errorf("%q: coords %v", tt.text, u.Coords)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %v, want %q", tt.text, err, tt.want)
		}
	}
}

func nanf() float64 { var z float64; return z / z }
