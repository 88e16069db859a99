package table

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/alignscope/alignscope/core/data"
)

// maxTableBytes bounds the size of a stimulus table.
const maxTableBytes = 64 << 20

// ReadStimuliFile reads the stimulus table at path; see ReadStimuli.
func ReadStimuliFile(path string) (*data.Stimuli, error) {
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
		return nil, fmt.Errorf("open %s: it is a folder; choose a .csv or .tsv file", path)
	}
	return ReadStimuli(f, path)
}

// ReadStimuli reads a stimulus table from r; name (a path) chooses the
// delimiter by its extension and names the table in messages and in the
// returned Stimuli's Source.
//
// The first line is the header: its first cell labels the name column
// (any text, even empty, as pandas writes) and its other cells name the
// descriptor columns. Each further non-blank line is one stimulus.
func ReadStimuli(r io.Reader, name string) (*data.Stimuli, error) {
	raw, err := io.ReadAll(io.LimitReader(r, maxTableBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(raw) > maxTableBytes {
		return nil, fmt.Errorf("read %s: the file is larger than %d MB, too large for a stimulus table; choose the table with one line per stimulus", name, maxTableBytes>>20)
	}
	text, err := decodeText(raw)
	if err != nil {
		return nil, fmt.Errorf("read %s: %v", name, err)
	}
	if strings.TrimSpace(text) == "" {
		return nil, fmt.Errorf("read %s: the file is empty; a stimulus table needs a header line and one line per stimulus", name)
	}
	delim := delimiter(name, firstLine(text))
	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma = delim
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = delim == '\t'
	cr.ReuseRecord = false

	var header []string
	headerLine := 0
	s := &data.Stimuli{Descriptors: map[string][]string{}, Source: name}
	lines := map[string]int{} // stimulus name -> line
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				where := fmt.Sprintf("line %d", pe.Line)
				if pe.StartLine != pe.Line {
					where = fmt.Sprintf("line %d (in a quoted field that starts on line %d)", pe.Line, pe.StartLine)
				}
				return nil, fmt.Errorf("read %s: %s: %v; check the quotes (a field containing a %s or quotes must be enclosed in double quotes, with inner quotes doubled)",
					name, where, pe.Err, delimName(delim))
			}
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		if blank(rec) {
			continue
		}
		if header == nil {
			header, headerLine = trimEmptyTail(rec, 1), line
			if err := checkHeader(header, name, line); err != nil {
				return nil, err
			}
			s.Columns = header[1:]
			continue
		}
		if len(rec) > len(header) {
			// Tolerate empty trailing cells (spreadsheets add them).
			rec = trimEmptyTail(rec, len(header))
		}
		if len(rec) != len(header) {
			return nil, fmt.Errorf("read %s: line %d has %d fields but the header (line %d) has %d; "+
				"check for a missing or extra %s on that line, or enclose fields containing it in double quotes",
				name, line, len(rec), headerLine, len(header), delimName(delim))
		}
		nm := rec[0]
		if nm == "" {
			return nil, fmt.Errorf("read %s: line %d has no stimulus name in the first column; every stimulus needs a unique name", name, line)
		}
		if prev, dup := lines[nm]; dup {
			return nil, fmt.Errorf("read %s: stimulus name %q appears twice (lines %d and %d); names must be unique", name, nm, prev, line)
		}
		lines[nm] = line
		s.Names = append(s.Names, nm)
		for k, c := range s.Columns {
			s.Descriptors[c] = append(s.Descriptors[c], rec[k+1])
		}
	}
	if len(s.Names) == 0 {
		return nil, fmt.Errorf("read %s: the table has a header but no stimuli; add one line per stimulus below the header", name)
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return s, nil
}

// decodeText returns the content as UTF-8 without a byte order mark.
func decodeText(b []byte) (string, error) {
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		b = b[3:]
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}), bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		big := b[0] == 0xFE
		b = b[2:]
		u := make([]uint16, len(b)/2)
		for i := range u {
			if big {
				u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
			} else {
				u[i] = uint16(b[2*i+1])<<8 | uint16(b[2*i])
			}
		}
		return string(utf16.Decode(u)), nil
	}
	if !utf8.Valid(b) {
		line := 1 + bytes.Count(b[:invalidAt(b)], []byte("\n"))
		return "", fmt.Errorf("line %d is not valid UTF-8 text; save the table as \"CSV UTF-8\" (or UTF-8 TSV)", line)
	}
	if bytes.IndexByte(b, 0) >= 0 {
		return "", errors.New("the file holds NUL bytes, it is not a text table; save the table as \"CSV UTF-8\" (or UTF-8 TSV)")
	}
	return string(b), nil
}

func invalidAt(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(b)
}

func firstLine(text string) string {
	for line := range strings.Lines(text) {
		if strings.TrimSpace(line) != "" {
			return line
		}
	}
	return ""
}

// delimiter chooses the field separator: the extension's when the header
// contains it, otherwise the most frequent of tab, comma and semicolon
// outside quotes in the header, otherwise the extension's (or comma).
func delimiter(name, header string) rune {
	def := rune(0)
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv":
		def = ','
	case ".tsv", ".tab":
		def = '\t'
	}
	counts := map[rune]int{}
	inQuote := false
	for _, c := range header {
		switch {
		case c == '"':
			inQuote = !inQuote
		case !inQuote && (c == '\t' || c == ',' || c == ';'):
			counts[c]++
		}
	}
	if def != 0 && counts[def] > 0 {
		return def
	}
	best, bestN := def, 0
	for _, c := range []rune{'\t', ',', ';'} {
		if counts[c] > bestN {
			best, bestN = c, counts[c]
		}
	}
	if best == 0 {
		best = ','
	}
	return best
}

func delimName(d rune) string {
	switch d {
	case '\t':
		return "tab"
	case ',':
		return "comma"
	case ';':
		return "semicolon"
	}
	return fmt.Sprintf("%q", d)
}

func blank(rec []string) bool {
	for _, f := range rec {
		if f != "" {
			return false
		}
	}
	return true
}

// trimEmptyTail drops empty fields at the end of rec, keeping at least
// keep fields.
func trimEmptyTail(rec []string, keep int) []string {
	for len(rec) > keep && rec[len(rec)-1] == "" {
		rec = rec[:len(rec)-1]
	}
	return rec
}

func checkHeader(h []string, name string, line int) error {
	seen := map[string]int{}
	for k, c := range h[1:] {
		if c == "" {
			return fmt.Errorf("read %s: line %d (the header): column %d has no name; give every descriptor column a name", name, line, k+2)
		}
		if prev, dup := seen[c]; dup {
			return fmt.Errorf("read %s: line %d (the header): columns %d and %d are both called %q; column names must be unique", name, line, prev, k+2, c)
		}
		seen[c] = k + 2
	}
	return nil
}

// WriteStimuli writes s as a TSV table: a header "stimulus" followed by the
// descriptor column names, then one line per stimulus. Fields containing
// tabs, quotes or line breaks are quoted. ReadStimuli reads it back.
func WriteStimuli(w io.Writer, s *data.Stimuli) error {
	if err := s.Validate(); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Comma = '\t'
	rec := append([]string{"stimulus"}, s.Columns...)
	if err := cw.Write(rec); err != nil {
		return err
	}
	for i, nm := range s.Names {
		rec = rec[:0]
		rec = append(rec, nm)
		for _, c := range s.Columns {
			rec = append(rec, s.Descriptors[c][i])
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
