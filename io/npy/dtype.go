package npy

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
)

// ByteOrder is the byte order of an array's elements as stored.
type ByteOrder uint8

const (
	// NoByteOrder is the order of single-byte elements (int8, uint8, bool).
	NoByteOrder ByteOrder = iota
	// LittleEndian is numpy's '<', the order of x86 and ARM machines.
	LittleEndian
	// BigEndian is numpy's '>'.
	BigEndian
)

// String returns "little", "big" or "n/a".
func (o ByteOrder) String() string {
	switch o {
	case LittleEndian:
		return "little"
	case BigEndian:
		return "big"
	}
	return "n/a"
}

// code identifies an element type with its byte order; the decoder
// switches on it once per block, outside the element loop.
type code uint8

const (
	cBad code = iota
	cBool
	cI8
	cU8
	cI16le
	cI16be
	cU16le
	cU16be
	cI32le
	cI32be
	cU32le
	cU32be
	cI64le
	cI64be
	cU64le
	cU64be
	cF16le
	cF16be
	cF32le
	cF32be
	cF64le
	cF64be
)

// dtype is a parsed numpy type string such as "<f4".
type dtype struct {
	name  string // numpy name: "float32", "int16", "bool", "complex64", …
	str   string // the type string as written in the header
	kind  byte   // numpy kind: 'f', 'i', 'u', 'b', or another for unsupported
	size  int    // bytes per element
	order ByteOrder
	code  code // cBad when the values cannot be read as numbers
}

// parseDescr parses a numpy type string: an optional byte-order character
// ('<', '>', '|', '=', '!'), a kind and an item size, e.g. "<f4", "|b1",
// ">i8", "<U10", "|O".
func parseDescr(s string) (dtype, error) {
	dt := dtype{str: s}
	rest := s
	big := false
	if rest != "" {
		switch rest[0] {
		case '>', '!':
			big = true
			rest = rest[1:]
		case '<', '|', '=':
			rest = rest[1:]
		}
	}
	if rest == "" {
		return dt, fmt.Errorf("%w: the type string %q is empty; %s", ErrHeader, s, resave)
	}
	kind := rest[0]
	sizeStr := rest[1:]
	if kind == '?' { // numpy's character code for bool
		kind, sizeStr = 'b', "1"
	}
	dt.kind = kind
	size := 0
	if sizeStr != "" && sizeStr[0] >= '0' && sizeStr[0] <= '9' {
		end := 0
		for end < len(sizeStr) && sizeStr[end] >= '0' && sizeStr[end] <= '9' {
			end++
		}
		v, err := strconv.Atoi(sizeStr[:end])
		if err != nil || v > 1<<20 {
			return dt, fmt.Errorf("%w: the type string %q has an absurd item size; %s", ErrHeader, s, resave)
		}
		size = v
	}
	dt.size = size
	if size > 1 {
		dt.order = LittleEndian
		if big {
			dt.order = BigEndian
		}
	}
	le := !big
	pick := func(l, b code) code {
		if le || size == 1 {
			return l
		}
		return b
	}
	switch kind {
	case 'f':
		switch size {
		case 2:
			dt.name, dt.code = "float16", pick(cF16le, cF16be)
		case 4:
			dt.name, dt.code = "float32", pick(cF32le, cF32be)
		case 8:
			dt.name, dt.code = "float64", pick(cF64le, cF64be)
		default:
			dt.name = fmt.Sprintf("float%d (long double)", 8*size)
		}
	case 'i':
		switch size {
		case 1:
			dt.name, dt.code = "int8", cI8
		case 2:
			dt.name, dt.code = "int16", pick(cI16le, cI16be)
		case 4:
			dt.name, dt.code = "int32", pick(cI32le, cI32be)
		case 8:
			dt.name, dt.code = "int64", pick(cI64le, cI64be)
		default:
			dt.name = fmt.Sprintf("int%d", 8*size)
		}
	case 'u':
		switch size {
		case 1:
			dt.name, dt.code = "uint8", cU8
		case 2:
			dt.name, dt.code = "uint16", pick(cU16le, cU16be)
		case 4:
			dt.name, dt.code = "uint32", pick(cU32le, cU32be)
		case 8:
			dt.name, dt.code = "uint64", pick(cU64le, cU64be)
		default:
			dt.name = fmt.Sprintf("uint%d", 8*size)
		}
	case 'b':
		dt.name = "bool"
		if size == 1 {
			dt.code = cBool
		}
	case 'c':
		dt.name = fmt.Sprintf("complex%d", 8*size)
	case 'O':
		dt.name, dt.size = "object", 0
		return dt, nil
	case 'U':
		dt.name, dt.size = "str", 4*size
		if dt.size > 1 {
			dt.order = LittleEndian
			if big {
				dt.order = BigEndian
			}
		}
	case 'S', 'a':
		dt.name = "bytes"
	case 'V':
		dt.name = "void"
	case 'M':
		dt.name = "datetime64"
	case 'm':
		dt.name = "timedelta64"
	default:
		return dt, fmt.Errorf("%w: unknown type string %q; %s", ErrHeader, s, resave)
	}
	if dt.size == 0 && (kind == 'U' || kind == 'S' || kind == 'a' || kind == 'V') {
		// Zero-width strings are legal in numpy; they hold no bytes.
		return dt, nil
	}
	if dt.size == 0 {
		return dt, fmt.Errorf("%w: the type string %q has no item size; %s", ErrHeader, s, resave)
	}
	return dt, nil
}

// unsupportedError explains that an array cannot be read as numbers.
func unsupportedError(source, name string, dt dtype) error {
	return fmt.Errorf("%s: %w: array %q has dtype %s ('%s'), which Alignscope cannot use as numbers; "+
		"save it as float32 or float64 with numpy: np.save(path, x.astype(np.float32))",
		source, ErrUnsupported, name, dt.name, dt.str)
}

// decode converts len(dst) stored elements of src to float64. src must hold
// at least len(dst)*dt.size bytes. Each element type has its own tight loop.
func decode(dst []float64, src []byte, c code) {
	switch c {
	case cF32le:
		src = src[:4*len(dst)]
		for i := range dst {
			dst[i] = float64(math.Float32frombits(binary.LittleEndian.Uint32(src[4*i:])))
		}
	case cF64le:
		src = src[:8*len(dst)]
		for i := range dst {
			dst[i] = math.Float64frombits(binary.LittleEndian.Uint64(src[8*i:]))
		}
	case cF32be:
		src = src[:4*len(dst)]
		for i := range dst {
			dst[i] = float64(math.Float32frombits(binary.BigEndian.Uint32(src[4*i:])))
		}
	case cF64be:
		src = src[:8*len(dst)]
		for i := range dst {
			dst[i] = math.Float64frombits(binary.BigEndian.Uint64(src[8*i:]))
		}
	case cF16le:
		src = src[:2*len(dst)]
		for i := range dst {
			dst[i] = float64(halfToFloat32(binary.LittleEndian.Uint16(src[2*i:])))
		}
	case cF16be:
		src = src[:2*len(dst)]
		for i := range dst {
			dst[i] = float64(halfToFloat32(binary.BigEndian.Uint16(src[2*i:])))
		}
	case cBool:
		src = src[:len(dst)]
		for i, b := range src {
			if b != 0 {
				dst[i] = 1
			} else {
				dst[i] = 0
			}
		}
	case cI8:
		src = src[:len(dst)]
		for i, b := range src {
			dst[i] = float64(int8(b))
		}
	case cU8:
		src = src[:len(dst)]
		for i, b := range src {
			dst[i] = float64(b)
		}
	case cI16le:
		src = src[:2*len(dst)]
		for i := range dst {
			dst[i] = float64(int16(binary.LittleEndian.Uint16(src[2*i:])))
		}
	case cI16be:
		src = src[:2*len(dst)]
		for i := range dst {
			dst[i] = float64(int16(binary.BigEndian.Uint16(src[2*i:])))
		}
	case cU16le:
		src = src[:2*len(dst)]
		for i := range dst {
			dst[i] = float64(binary.LittleEndian.Uint16(src[2*i:]))
		}
	case cU16be:
		src = src[:2*len(dst)]
		for i := range dst {
			dst[i] = float64(binary.BigEndian.Uint16(src[2*i:]))
		}
	case cI32le:
		src = src[:4*len(dst)]
		for i := range dst {
			dst[i] = float64(int32(binary.LittleEndian.Uint32(src[4*i:])))
		}
	case cI32be:
		src = src[:4*len(dst)]
		for i := range dst {
			dst[i] = float64(int32(binary.BigEndian.Uint32(src[4*i:])))
		}
	case cU32le:
		src = src[:4*len(dst)]
		for i := range dst {
			dst[i] = float64(binary.LittleEndian.Uint32(src[4*i:]))
		}
	case cU32be:
		src = src[:4*len(dst)]
		for i := range dst {
			dst[i] = float64(binary.BigEndian.Uint32(src[4*i:]))
		}
	case cI64le:
		src = src[:8*len(dst)]
		for i := range dst {
			dst[i] = float64(int64(binary.LittleEndian.Uint64(src[8*i:])))
		}
	case cI64be:
		src = src[:8*len(dst)]
		for i := range dst {
			dst[i] = float64(int64(binary.BigEndian.Uint64(src[8*i:])))
		}
	case cU64le:
		src = src[:8*len(dst)]
		for i := range dst {
			dst[i] = float64(binary.LittleEndian.Uint64(src[8*i:]))
		}
	case cU64be:
		src = src[:8*len(dst)]
		for i := range dst {
			dst[i] = float64(binary.BigEndian.Uint64(src[8*i:]))
		}
	}
}

// halfToFloat32 converts an IEEE 754 binary16 value to float32 exactly.
func halfToFloat32(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	frac := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f: // Inf or NaN
		return math.Float32frombits(sign | 0xff<<23 | frac<<13)
	case exp == 0:
		if frac == 0 {
			return math.Float32frombits(sign)
		}
		// Subnormal: value = frac · 2^-24.
		v := float32(frac) * (1.0 / (1 << 24))
		if sign != 0 {
			v = -v
		}
		return v
	}
	return math.Float32frombits(sign | (exp+112)<<23 | frac<<13)
}
