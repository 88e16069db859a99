package npy

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Errors wrapped by the messages of this package, for errors.Is.
var (
	// ErrEmpty reports a file of zero bytes.
	ErrEmpty = errors.New("the file is empty")
	// ErrNotNumPy reports a file that is neither a .npy nor a .npz file.
	ErrNotNumPy = errors.New("not a NumPy .npy or .npz file")
	// ErrHeader reports a .npy header that cannot be parsed or describes
	// an impossible array.
	ErrHeader = errors.New("invalid .npy header")
	// ErrTruncated reports a file shorter than its header says.
	ErrTruncated = errors.New("the file is truncated")
	// ErrUnsupported reports an element type that cannot be read as
	// numbers (complex, object, strings, structured, …).
	ErrUnsupported = errors.New("unsupported dtype")
)

// Limits protecting against absurd headers.
const (
	maxHeaderLen = 1 << 20 // bytes of the header dictionary
	maxDims      = 64      // numpy allows at most 64 dimensions
	maxDepth     = 16      // nesting of Python literals in the header
)

var npyMagic = []byte("\x93NUMPY")

// resave is the advice appended to header and format errors.
const resave = "save the array again with numpy: np.save(path, x)"

// header is a parsed .npy header.
type header struct {
	major, minor byte
	dataOff      int64  // offset of the data from the start of the .npy
	descr        string // numpy type string such as "<f4"; "" if structured
	structured   string // Python text of a structured descr
	fortran      bool
	shape        []int
}

// readHeader reads an .npy header from r, positioned at the start of the
// .npy stream. It reads exactly the header bytes and validates every field.
func readHeader(r io.Reader) (*header, error) {
	var pre [12]byte
	n, err := io.ReadFull(r, pre[:8])
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, err
	}
	if n == 0 {
		return nil, fmt.Errorf("%w (0 bytes); it was probably not saved completely: %s", ErrEmpty, resave)
	}
	m := min(n, len(npyMagic))
	if !bytes.Equal(pre[:m], npyMagic[:m]) {
		return nil, fmt.Errorf("%w: it does not start with the .npy signature \\x93NUMPY; %s", ErrNotNumPy, resave)
	}
	if n < 8 {
		return nil, fmt.Errorf("%w: the file ends inside the .npy signature (%d bytes); %s", ErrTruncated, n, resave)
	}
	h := &header{major: pre[6], minor: pre[7]}
	var hlen int64
	switch h.major {
	case 1:
		if _, err := io.ReadFull(r, pre[8:10]); err != nil {
			return nil, truncHeader(err)
		}
		hlen = int64(binary.LittleEndian.Uint16(pre[8:10]))
		h.dataOff = 10 + hlen
	case 2, 3:
		if _, err := io.ReadFull(r, pre[8:12]); err != nil {
			return nil, truncHeader(err)
		}
		hlen = int64(binary.LittleEndian.Uint32(pre[8:12]))
		h.dataOff = 12 + hlen
	default:
		return nil, fmt.Errorf("%w: format version %d.%d is not supported (Alignscope reads versions 1.0, 2.0 and 3.0); %s",
			ErrHeader, h.major, h.minor, resave)
	}
	if hlen > maxHeaderLen {
		return nil, fmt.Errorf("%w: the header claims %d bytes, more than the %d allowed; the file is damaged or not a real .npy file; %s",
			ErrHeader, hlen, maxHeaderLen, resave)
	}
	buf := make([]byte, hlen)
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, truncHeader(err)
	}
	if err := h.parseDict(buf); err != nil {
		return nil, err
	}
	return h, nil
}

func truncHeader(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: the file ends inside the .npy header; %s", ErrTruncated, resave)
	}
	return err
}

// parseDict parses the Python dictionary of the header, such as
// {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }.
func (h *header) parseDict(buf []byte) error {
	p := &pyParser{s: buf}
	v, err := p.value(0)
	if err != nil {
		return fmt.Errorf("%w: %v; %s", ErrHeader, err, resave)
	}
	p.space()
	if p.pos != len(p.s) {
		return fmt.Errorf("%w: unexpected text %q after the header dictionary; %s", ErrHeader, p.snippet(), resave)
	}
	d, ok := v.(pyDict)
	if !ok {
		return fmt.Errorf("%w: the header is not a Python dictionary; %s", ErrHeader, resave)
	}
	descr, ok1 := d.get("descr")
	order, ok2 := d.get("fortran_order")
	shape, ok3 := d.get("shape")
	if !ok1 || !ok2 || !ok3 {
		return fmt.Errorf("%w: the header dictionary must have the keys 'descr', 'fortran_order' and 'shape'; %s", ErrHeader, resave)
	}
	switch t := descr.(type) {
	case string:
		h.descr = t
	case pyList:
		h.structured = pyString(t)
	default:
		return fmt.Errorf("%w: 'descr' is %s, not a type string such as '<f4'; %s", ErrHeader, pyString(descr), resave)
	}
	f, ok := order.(bool)
	if !ok {
		return fmt.Errorf("%w: 'fortran_order' is %s, not True or False; %s", ErrHeader, pyString(order), resave)
	}
	h.fortran = f
	var dims []any
	switch t := shape.(type) {
	case pyTuple:
		dims = t
	case pyList:
		dims = t
	default:
		return fmt.Errorf("%w: 'shape' is %s, not a tuple of sizes; %s", ErrHeader, pyString(shape), resave)
	}
	if len(dims) > maxDims {
		return fmt.Errorf("%w: the shape has %d dimensions, more than numpy's %d; %s", ErrHeader, len(dims), maxDims, resave)
	}
	h.shape = make([]int, len(dims))
	for i, d := range dims {
		v, ok := d.(int64)
		if !ok {
			return fmt.Errorf("%w: dimension %d of the shape is %s, not a whole number; %s", ErrHeader, i+1, pyString(d), resave)
		}
		if v < 0 {
			return fmt.Errorf("%w: dimension %d of the shape is negative (%d); %s", ErrHeader, i+1, v, resave)
		}
		if int64(int(v)) != v {
			return fmt.Errorf("%w: dimension %d of the shape is absurdly large (%d); %s", ErrHeader, i+1, v, resave)
		}
		h.shape[i] = int(v)
	}
	return nil
}

// Python literals of a header: string, int64, bool, nil (None), pyTuple,
// pyList and pyDict.
type (
	pyTuple []any
	pyList  []any
	pyDict  []pyItem
	pyItem  struct {
		key string
		val any
	}
)

func (d pyDict) get(k string) (any, bool) {
	for _, it := range d {
		if it.key == k {
			return it.val, true
		}
	}
	return nil, false
}

// pyString formats a parsed literal back as (shortened) Python text.
func pyString(v any) string {
	var b strings.Builder
	var rec func(any)
	rec = func(v any) {
		if b.Len() > 80 {
			return
		}
		switch t := v.(type) {
		case string:
			b.WriteString(strconv.Quote(t))
		case int64:
			b.WriteString(strconv.FormatInt(t, 10))
		case bool:
			if t {
				b.WriteString("True")
			} else {
				b.WriteString("False")
			}
		case nil:
			b.WriteString("None")
		case pyTuple, pyList:
			var items []any
			open, close := "(", ")"
			if l, ok := t.(pyList); ok {
				items, open, close = l, "[", "]"
			} else {
				items = t.(pyTuple)
			}
			b.WriteString(open)
			for i, x := range items {
				if i > 0 {
					b.WriteString(", ")
				}
				rec(x)
			}
			b.WriteString(close)
		case pyDict:
			b.WriteString("{")
			for i, it := range t {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString(strconv.Quote(it.key) + ": ")
				rec(it.val)
			}
			b.WriteString("}")
		}
	}
	rec(v)
	s := b.String()
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}

// pyParser parses the small subset of Python literal syntax that numpy
// writes in .npy headers (ast.literal_eval of a dict).
type pyParser struct {
	s   []byte
	pos int
}

func (p *pyParser) snippet() string {
	rest := p.s[p.pos:]
	if len(rest) > 20 {
		rest = rest[:20]
	}
	return string(rest)
}

// space skips white space and the NUL padding some writers use.
func (p *pyParser) space() {
	for p.pos < len(p.s) {
		switch p.s[p.pos] {
		case ' ', '\t', '\n', '\r', 0:
			p.pos++
		default:
			return
		}
	}
}

func (p *pyParser) value(depth int) (any, error) {
	if depth > maxDepth {
		return nil, errors.New("the header dictionary is nested too deeply")
	}
	p.space()
	if p.pos >= len(p.s) {
		return nil, errors.New("the header ends early")
	}
	c := p.s[p.pos]
	switch {
	case c == '{':
		p.pos++
		var d pyDict
		for {
			p.space()
			if p.pos < len(p.s) && p.s[p.pos] == '}' {
				p.pos++
				return d, nil
			}
			k, err := p.value(depth + 1)
			if err != nil {
				return nil, err
			}
			ks, ok := k.(string)
			if !ok {
				return nil, fmt.Errorf("dictionary key %s is not a string", pyString(k))
			}
			p.space()
			if p.pos >= len(p.s) || p.s[p.pos] != ':' {
				return nil, fmt.Errorf("expected ':' after key %q", ks)
			}
			p.pos++
			v, err := p.value(depth + 1)
			if err != nil {
				return nil, err
			}
			if _, dup := d.get(ks); dup {
				return nil, fmt.Errorf("key %q appears twice", ks)
			}
			d = append(d, pyItem{ks, v})
			if !p.sep('}') {
				return nil, fmt.Errorf("expected ',' or '}' at %q", p.snippet())
			}
		}
	case c == '(' || c == '[':
		end := byte(')')
		if c == '[' {
			end = ']'
		}
		p.pos++
		var items []any
		for {
			p.space()
			if p.pos < len(p.s) && p.s[p.pos] == end {
				p.pos++
				break
			}
			v, err := p.value(depth + 1)
			if err != nil {
				return nil, err
			}
			items = append(items, v)
			if !p.sep(end) {
				return nil, fmt.Errorf("expected ',' or '%c' at %q", end, p.snippet())
			}
		}
		if c == '[' {
			return pyList(items), nil
		}
		return pyTuple(items), nil
	case c == '\'' || c == '"':
		return p.str(c)
	case c == '-' || c == '+' || (c >= '0' && c <= '9'):
		return p.int()
	case c >= 'A' && c <= 'Z':
		start := p.pos
		for p.pos < len(p.s) && (p.s[p.pos] >= 'a' && p.s[p.pos] <= 'z' || p.s[p.pos] >= 'A' && p.s[p.pos] <= 'Z') {
			p.pos++
		}
		switch string(p.s[start:p.pos]) {
		case "True":
			return true, nil
		case "False":
			return false, nil
		case "None":
			return nil, nil
		}
		p.pos = start
	}
	return nil, fmt.Errorf("unexpected text %q", p.snippet())
}

// sep consumes a ',' (returning true) or peeks the closing byte end
// (returning true without consuming it).
func (p *pyParser) sep(end byte) bool {
	p.space()
	if p.pos >= len(p.s) {
		return false
	}
	switch p.s[p.pos] {
	case ',':
		p.pos++
		return true
	case end:
		return true
	}
	return false
}

func (p *pyParser) str(q byte) (any, error) {
	p.pos++
	var b []byte
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		p.pos++
		switch c {
		case q:
			return string(b), nil
		case '\\':
			if p.pos >= len(p.s) {
				return nil, errors.New("unterminated string")
			}
			b = append(b, p.s[p.pos])
			p.pos++
		case '\n':
			return nil, errors.New("unterminated string")
		default:
			b = append(b, c)
		}
	}
	return nil, errors.New("unterminated string")
}

func (p *pyParser) int() (any, error) {
	start := p.pos
	if p.s[p.pos] == '-' || p.s[p.pos] == '+' {
		p.pos++
	}
	for p.pos < len(p.s) && (p.s[p.pos] >= '0' && p.s[p.pos] <= '9' || p.s[p.pos] == '_') {
		p.pos++
	}
	txt := string(p.s[start:p.pos])
	if p.pos < len(p.s) && (p.s[p.pos] == 'L' || p.s[p.pos] == 'l') { // Python 2 long
		p.pos++
	}
	if p.pos < len(p.s) && (p.s[p.pos] == '.' || p.s[p.pos] == 'e' || p.s[p.pos] == 'E') {
		return nil, fmt.Errorf("unexpected number %q", p.snippet())
	}
	v, err := strconv.ParseInt(strings.ReplaceAll(txt, "_", ""), 10, 64)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			return nil, fmt.Errorf("number %s is too large", txt)
		}
		return nil, fmt.Errorf("bad number %q", txt)
	}
	return v, nil
}
