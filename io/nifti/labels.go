package nifti

import (
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/alignscope/alignscope/core/data"
)

// Label names one value of a label atlas.
type Label struct {
	Index int
	Name  string
}

// Labels is an atlas's table of region names, sorted by index.
type Labels struct {
	Entries []Label
	Source  string
}

// Name returns the name of index, or "" and false.
func (l *Labels) Name(index int) (string, bool) {
	k, ok := slices.BinarySearchFunc(l.Entries, index, func(e Label, i int) int { return e.Index - i })
	if !ok {
		return "", false
	}
	return l.Entries[k].Name, true
}

// maxLabelBytes bounds the size of a label file.
const maxLabelBytes = 16 << 20

// ReadLabels reads a label file; see ParseLabels.
func ReadLabels(path string) (*Labels, error) {
	f, err := os.Open(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("open %s: %w; check the path and that you may read the file", path, err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("open %s: it is a folder; choose the atlas's label file (.tsv, .csv, .txt or .xml)", path)
	}
	return ParseLabels(f, path)
}

// ReadLabelsFS reads a label file of a file system such as an embed.FS.
func ReadLabelsFS(fsys fs.FS, name string) (*Labels, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", name, err)
	}
	defer f.Close()
	return ParseLabels(f, name)
}

// ParseLabels reads an atlas's region names from r; name is used in
// messages and to guess nothing else (the format is sniffed):
//
//   - FSL atlas XML: <label index="N">Name</label> elements. FSL's own
//     atlases count labels from 0 while their images store index+1, so
//     when any label has index 0 every index is shifted by one; otherwise
//     the indices are the image values.
//   - A table with tab, comma or semicolon separators: an index column and
//     a name column. A header line is optional: without one the first
//     column is the index and the second the name; with one the index
//     column is called index, idx, value, id, label_index, number or
//     label (when it holds integers) and the name column name,
//     label_name, region, roi, structure, label or abbreviation (else the
//     first other column), e.g. BIDS dseg.tsv.
//   - Plain "index name" lines separated by spaces, the name being the
//     rest of the line (FreeSurfer colour tables: the colour columns
//     after the name are dropped when they are four integers).
//
// Lines starting with '#' and blank lines are skipped. An index must be a
// whole number ≥ 0; an index named twice, or a missing name, is an error
// naming the line. Index 0 is the atlas background and is never a region.
func ParseLabels(r io.Reader, name string) (*Labels, error) {
	raw, err := io.ReadAll(io.LimitReader(r, maxLabelBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(raw) > maxLabelBytes {
		return nil, fmt.Errorf("read %s: the file is larger than %d MB, too large for a label table", name, maxLabelBytes>>20)
	}
	raw = bytes.TrimPrefix(raw, []byte{0xEF, 0xBB, 0xBF})
	var entries []Label
	if t := bytes.TrimSpace(raw); len(t) > 0 && t[0] == '<' {
		entries, err = parseXMLLabels(raw)
	} else {
		if !utf8.Valid(raw) {
			return nil, fmt.Errorf("read %s: the file is not UTF-8 text; save the label table as UTF-8", name)
		}
		entries, err = parseTableLabels(string(raw))
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(entries) == 0 {
		return nil, fmt.Errorf("read %s: no labels found; a label table has one line per region: index, then name", name)
	}
	slices.SortStableFunc(entries, func(a, b Label) int { return a.Index - b.Index })
	for k := 1; k < len(entries); k++ {
		if entries[k].Index == entries[k-1].Index {
			if entries[k].Name == entries[k-1].Name {
				entries = slices.Delete(entries, k, k+1)
				k--
				continue
			}
			return nil, fmt.Errorf("read %s: index %d is named twice, %q and %q; give each atlas value one name", name, entries[k].Index, entries[k-1].Name, entries[k].Name)
		}
	}
	return &Labels{Entries: entries, Source: name}, nil
}

func parseXMLLabels(raw []byte) ([]Label, error) {
	d := xml.NewDecoder(bytes.NewReader(raw))
	d.Strict = false
	d.CharsetReader = charsetReader
	var out []Label
	zero := false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			line, _ := d.InputPos()
			return nil, fmt.Errorf("line %d: the XML is malformed (%v)", line, err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok || !strings.EqualFold(se.Name.Local, "label") {
			continue
		}
		line, _ := d.InputPos()
		var v struct {
			Index string `xml:"index,attr"`
			Text  string `xml:",chardata"`
		}
		if err := d.DecodeElement(&v, &se); err != nil {
			return nil, fmt.Errorf("line %d: the XML is malformed (%v)", line, err)
		}
		idx, err := parseIndex(v.Index)
		if err != nil {
			return nil, fmt.Errorf("line %d: <label index=%q>: %v", line, v.Index, err)
		}
		nm := strings.TrimSpace(v.Text)
		if nm == "" {
			return nil, fmt.Errorf("line %d: label %d has no name", line, idx)
		}
		zero = zero || idx == 0
		out = append(out, Label{idx, nm})
	}
	if zero { // FSL: image value = index + 1
		for k := range out {
			out[k].Index++
		}
	}
	return out, nil
}

// charsetReader decodes the encodings FSL atlases declare: ISO-8859-1
// (and its superset windows-1252, read as ISO-8859-1) and ASCII.
func charsetReader(label string, in io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return in, nil
	case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "windows-1252", "cp1252":
		b, err := io.ReadAll(in)
		if err != nil {
			return nil, err
		}
		r := make([]rune, len(b))
		for i, c := range b {
			r[i] = rune(c)
		}
		return strings.NewReader(string(r)), nil
	}
	return nil, fmt.Errorf("the XML encoding %q is not supported; save the file as UTF-8", label)
}

func parseIndex(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, errors.New("the index is empty")
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || f != math.Trunc(f) || math.Abs(f) > 1<<31 {
			return 0, fmt.Errorf("the index %q is not a whole number", s)
		}
		v = int(f)
	}
	if v < 0 {
		return 0, fmt.Errorf("the index %d is negative; atlas values are 0 (background) or positive", v)
	}
	if v > 1<<31 {
		return 0, fmt.Errorf("the index %d is too large", v)
	}
	return v, nil
}

var (
	indexCols = []string{"index", "idx", "value", "id", "label_index", "labelindex", "number", "label"}
	nameCols  = []string{"name", "label_name", "labelname", "region", "roi", "structure", "label", "abbreviation"}
)

// parseTableLabels reads delimited or space-separated "index name" lines.
func parseTableLabels(text string) ([]Label, error) {
	var lines []labelLine
	delim := rune(0)
	for no, l := range strings.Split(text, "\n") {
		l = strings.TrimRight(l, "\r")
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		if delim == 0 {
			delim = ' '
			best := 0
			for _, c := range []rune{'\t', ',', ';'} {
				if n := strings.Count(l, string(c)); n > best {
					delim, best = c, n
				}
			}
		}
		var fields []string
		if delim == ' ' {
			fields = strings.Fields(t)
		} else {
			cr := csv.NewReader(strings.NewReader(l))
			cr.Comma = delim
			cr.LazyQuotes = true
			cr.FieldsPerRecord = -1
			rec, err := cr.Read()
			if err != nil {
				return nil, fmt.Errorf("line %d: %v", no+1, err)
			}
			fields = rec
		}
		for k := range fields {
			fields[k] = strings.TrimSpace(fields[k])
		}
		lines = append(lines, labelLine{no + 1, fields})
	}
	if len(lines) == 0 {
		return nil, nil
	}
	ic, nc := 0, 1
	first := lines[0].fields
	if _, err := strconv.ParseFloat(first[0], 64); err != nil {
		// a header line
		lower := make([]string, len(first))
		for k, c := range first {
			lower[k] = strings.ToLower(c)
		}
		ic = -1
		for _, want := range indexCols {
			if k := slices.Index(lower, want); k >= 0 && integerColumn(lines[1:], k) {
				ic = k
				break
			}
		}
		if ic < 0 {
			return nil, fmt.Errorf("line %d (the header %q): no index column; call the column of atlas values \"index\" (whole numbers) and the column of region names \"name\"", lines[0].no, strings.Join(first, string(delim)))
		}
		nc = -1
		for _, want := range nameCols {
			if k := slices.Index(lower, want); k >= 0 && k != ic {
				nc = k
				break
			}
		}
		if nc < 0 {
			for k := range first {
				if k != ic {
					nc = k
					break
				}
			}
		}
		if nc < 0 {
			return nil, fmt.Errorf("line %d (the header): no name column; add a column \"name\" with the region names", lines[0].no)
		}
		lines = lines[1:]
	}
	var out []Label
	for _, l := range lines {
		f := l.fields
		if ic >= len(f) {
			return nil, fmt.Errorf("line %d: no index (column %d)", l.no, ic+1)
		}
		idx, err := parseIndex(f[ic])
		if err != nil {
			return nil, fmt.Errorf("line %d: %v", l.no, err)
		}
		var nm string
		switch {
		case delim == ' ' && ic == 0 && nc == 1:
			rest := f[1:]
			if len(rest) == 5 && allInts(rest[1:]) { // FreeSurfer LUT: name R G B A
				rest = rest[:1]
			}
			nm = strings.Join(rest, " ")
		case nc < len(f):
			nm = f[nc]
		}
		if nm == "" {
			return nil, fmt.Errorf("line %d: index %d has no name", l.no, idx)
		}
		out = append(out, Label{idx, nm})
	}
	return out, nil
}

// labelLine is one non-blank line of a label table, split in fields.
type labelLine struct {
	no     int
	fields []string
}

// integerColumn reports whether column k of every line is an index.
func integerColumn(lines []labelLine, k int) bool {
	for _, l := range lines {
		if k >= len(l.fields) {
			return false
		}
		if _, err := parseIndex(l.fields[k]); err != nil {
			return false
		}
	}
	return true
}

func allInts(s []string) bool {
	for _, v := range s {
		if _, err := strconv.Atoi(v); err != nil {
			return false
		}
	}
	return true
}

// Region is one labelled region of an atlas.
type Region struct {
	Index int
	Name  string
	// Voxels are the storage indices (i + nx·(j + ny·k)) of the region's
	// voxels, ascending: the order of its channels.
	Voxels []int
}

// AtlasRegions splits a label atlas into regions, in increasing index.
// Atlas values must be whole numbers ≥ 0; 0 is background, and so are
// NaN values (counted in a warning). With labels nil the regions are
// named "label N". With labels:
//
//   - an atlas value with no name is an error listing the unnamed values:
//     every region needs a name (add the lines to the label file);
//   - a name whose index does not occur in the atlas gives a warning
//     (label tables often cover more regions than an image holds).
func AtlasRegions(atlas *data.Volume, labels *Labels, source string) ([]Region, []string, error) {
	var warnings []string
	byIndex := map[int][]int{}
	nan := 0
	g := atlas.Dims
	for i, v := range atlas.Values {
		if math.IsNaN(v) {
			nan++
			continue
		}
		if v == 0 {
			continue
		}
		if v != math.Trunc(v) || v < 0 || v > 1<<31 {
			return nil, nil, fmt.Errorf("%s: voxel (%d, %d, %d) holds %g; a label atlas holds whole numbers ≥ 0 (0 = background): for a probabilistic atlas, threshold it or take its maximum-probability image first", source, i%g[0], i/g[0]%g[1], i/(g[0]*g[1]), v)
		}
		byIndex[int(v)] = append(byIndex[int(v)], i)
	}
	if nan > 0 {
		warnings = append(warnings, fmt.Sprintf("%s: %d voxel(s) hold NaN and are taken as background", source, nan))
	}
	idx := make([]int, 0, len(byIndex))
	for k := range byIndex {
		idx = append(idx, k)
	}
	slices.Sort(idx)
	out := make([]Region, 0, len(idx))
	var unnamed []string
	for _, k := range idx {
		nm := fmt.Sprintf("label %d", k)
		if labels != nil {
			var ok bool
			if nm, ok = labels.Name(k); !ok {
				unnamed = append(unnamed, strconv.Itoa(k))
				continue
			}
		}
		out = append(out, Region{Index: k, Name: nm, Voxels: byIndex[k]})
	}
	if len(unnamed) > 0 {
		list := unnamed
		if len(list) > 12 {
			list = append(slices.Clone(list[:12]), fmt.Sprintf("… (%d in all)", len(unnamed)))
		}
		return nil, nil, fmt.Errorf("%s holds value(s) %s that %s does not name; add a line \"index<TAB>name\" for each, or check that the label file belongs to this atlas", source, strings.Join(list, ", "), labels.Source)
	}
	if labels != nil {
		var absent []string
		for _, e := range labels.Entries {
			if _, ok := byIndex[e.Index]; !ok && e.Index != 0 {
				absent = append(absent, fmt.Sprintf("%d %s", e.Index, e.Name))
			}
		}
		if len(absent) > 0 {
			if len(absent) > 8 {
				absent = append(absent[:8], fmt.Sprintf("… (%d in all)", len(absent)))
			}
			warnings = append(warnings, fmt.Sprintf("%s names region(s) absent from %s: %s", labels.Source, source, strings.Join(absent, ", ")))
		}
	}
	seen := map[string]int{}
	for _, r := range out {
		if prev, dup := seen[r.Name]; dup {
			return nil, nil, fmt.Errorf("%s: indices %d and %d are both called %q; region names must be unique", labels.Source, prev, r.Index, r.Name)
		}
		seen[r.Name] = r.Index
	}
	return out, warnings, nil
}
