package nifti

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/alignscope/alignscope/core/data"
)

// Units are the positions of electrophysiology channels (units,
// electrodes, contacts), one per channel in the recording's channel order.
type Units struct {
	// Coords are (x, y, z) per channel.
	Coords [][3]float64
	// Names are the channel names, or nil when the file has none.
	Names []string
	// Unit is the length unit when the header states it ("µm", "mm"), or
	// "".
	Unit   string
	Source string
}

// Geometry returns the coordinates as a recording's geometry.
func (u *Units) Geometry() *data.Geometry {
	return &data.Geometry{Units: u.Coords, Source: u.Source}
}

// ReadUnits reads channel coordinates from a CSV or TSV file; see
// ParseUnits.
func ReadUnits(path string) (*Units, error) {
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
		return nil, fmt.Errorf("open %s: it is a folder; choose the .csv file of channel coordinates", path)
	}
	return ParseUnits(f, path)
}

var unitNameCols = []string{"name", "channel", "channel_name", "unit", "unit_id", "unit_name", "id", "electrode", "label", "cluster_id"}

// ParseUnits reads channel coordinates: a table (comma, tab or semicolon
// separated) whose header has columns x, y and z (any case; "x_um",
// "x (mm)", "x_mm" and the like also count, and give the length unit),
// and optionally a name column (name, channel, unit, unit_id, id,
// electrode, label or cluster_id). Without a header, a table of exactly
// three numeric columns is x, y, z. One line per channel, in the
// recording's channel order; coordinates must be finite numbers.
func ParseUnits(r io.Reader, name string) (*Units, error) {
	raw, err := io.ReadAll(io.LimitReader(r, maxLabelBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(raw) > maxLabelBytes {
		return nil, fmt.Errorf("read %s: the file is larger than %d MB, too large for a table of channel coordinates", name, maxLabelBytes>>20)
	}
	raw = bytes.TrimPrefix(raw, []byte{0xEF, 0xBB, 0xBF})
	if !utf8.Valid(raw) {
		return nil, fmt.Errorf("read %s: the file is not UTF-8 text; save it as CSV UTF-8", name)
	}
	text := strings.ReplaceAll(string(raw), "\r\n", "\n")
	first := ""
	for _, l := range strings.Split(text, "\n") {
		if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "#") {
			first = l
			break
		}
	}
	if first == "" {
		return nil, fmt.Errorf("read %s: the file is empty; it needs a header x,y,z and one line per channel", name)
	}
	delim, best := ',', 0
	for _, c := range []rune{',', '\t', ';'} {
		if n := strings.Count(first, string(c)); n > best {
			delim, best = c, n
		}
	}
	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma = delim
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	recs, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("read %s: %v", name, err)
	}
	u := &Units{Source: name}
	cols := [3]int{0, 1, 2}
	nameCol := -1
	start := 0
	if len(recs) > 0 && !numeric(recs[0]) {
		head := recs[0]
		cols = [3]int{-1, -1, -1}
		for k, c := range head {
			axis, unit, ok := coordColumn(c)
			if ok && cols[axis] < 0 {
				cols[axis] = k
				if unit != "" {
					u.Unit = unit
				}
			}
		}
		if cols[0] < 0 || cols[1] < 0 || cols[2] < 0 {
			return nil, fmt.Errorf("read %s: line 1 (the header %q) lacks columns x, y and z; name the coordinate columns x, y, z (optionally x_um or x_mm …)", name, strings.Join(head, string(delim)))
		}
		for _, want := range unitNameCols {
			if k := slices.IndexFunc(head, func(c string) bool { return strings.EqualFold(strings.TrimSpace(c), want) }); k >= 0 {
				nameCol = k
				break
			}
		}
		start = 1
	} else if len(recs) > 0 && len(recs[0]) != 3 {
		return nil, fmt.Errorf("read %s: the table has no header and %d columns; add a header with columns x, y, z (and optionally name)", name, len(recs[0]))
	}
	for li, rec := range recs[start:] {
		line := li + start + 1
		var c [3]float64
		for a, k := range cols {
			if k >= len(rec) {
				return nil, fmt.Errorf("read %s: line %d has %d fields; the %c coordinate (column %d) is missing", name, line, len(rec), "xyz"[a], k+1)
			}
			v, err := strconv.ParseFloat(strings.TrimSpace(rec[k]), 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("read %s: line %d: the %c coordinate %q is not a finite number", name, line, "xyz"[a], rec[k])
			}
			c[a] = v
		}
		u.Coords = append(u.Coords, c)
		if nameCol >= 0 {
			nm := ""
			if nameCol < len(rec) {
				nm = strings.TrimSpace(rec[nameCol])
			}
			u.Names = append(u.Names, nm)
		}
	}
	if len(u.Coords) == 0 {
		return nil, fmt.Errorf("read %s: no channels; add one line per channel with its x, y, z", name)
	}
	return u, nil
}

// coordColumn recognises x, y, z column names and their unit suffix.
func coordColumn(c string) (axis int, unit string, ok bool) {
	c = strings.ToLower(strings.TrimSpace(c))
	if c == "" {
		return 0, "", false
	}
	axis = strings.IndexByte("xyz", c[0])
	if axis < 0 {
		return 0, "", false
	}
	rest := strings.Trim(c[1:], " _-()[]")
	switch rest {
	case "":
		return axis, "", true
	case "um", "µm", "μm", "micron", "microns":
		return axis, "µm", true
	case "mm":
		return axis, "mm", true
	}
	return 0, "", false
}

func numeric(rec []string) bool {
	for _, f := range rec {
		if _, err := strconv.ParseFloat(strings.TrimSpace(f), 64); err != nil {
			return false
		}
	}
	return len(rec) > 0
}
