package npy

import (
	"encoding/binary"
	"fmt"
	"strings"
	"unicode/utf8"
)

// maxStringsBytes bounds the data read by Strings.
const maxStringsBytes = 64 << 20

func (a *Array) isString() bool {
	switch a.dt.kind {
	case 'U', 'S', 'a':
		return a.dt.size > 0 || a.Size == 0
	}
	return false
}

// Strings reads a 1-D array of numpy strings (dtype 'U' or 'S'), such as
// stimulus names saved with np.savez(path, names=np.array(names)).
// Trailing NUL padding is removed; bytes ('S') are read as UTF-8.
func (a *Array) Strings() ([]string, error) {
	if !a.isString() {
		return nil, fmt.Errorf("%s: array %q has dtype %s, not strings; save names with np.savez(path, names=np.array(names))",
			a.Source, a.Name, a.DType)
	}
	if len(a.Shape) != 1 {
		return nil, fmt.Errorf("%s: array %q of strings has shape %s; names must be a 1-D array", a.Source, a.Name, shapeText(a.Shape))
	}
	if a.Size > maxStringsBytes {
		return nil, fmt.Errorf("%s: array %q of strings is too large (%d bytes)", a.Source, a.Name, a.Size)
	}
	n := a.Shape[0]
	out := make([]string, n)
	if a.Size == 0 {
		return out, nil
	}
	r, off, err := a.data()
	if err != nil {
		return nil, err
	}
	buf := make([]byte, a.Size)
	if err := readAt(r, buf, off); err != nil {
		return nil, fmt.Errorf("read %s: %w", a.Source, err)
	}
	isz := a.dt.size
	for i := range out {
		item := buf[i*isz : (i+1)*isz]
		if a.dt.kind == 'U' {
			var b strings.Builder
			for k := 0; k+4 <= len(item); k += 4 {
				var c uint32
				if a.ByteOrder == BigEndian {
					c = binary.BigEndian.Uint32(item[k:])
				} else {
					c = binary.LittleEndian.Uint32(item[k:])
				}
				if c == 0 {
					break
				}
				if c > utf8.MaxRune {
					c = utf8.RuneError
				}
				b.WriteRune(rune(c))
			}
			out[i] = b.String()
		} else {
			out[i] = strings.ToValidUTF8(strings.TrimRight(string(item), "\x00"), "\uFFFD")
		}
	}
	return out, nil
}
