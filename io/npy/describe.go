package npy

import (
	"fmt"
	"strings"
	"text/tabwriter"
)

// Describe lists the arrays of f, one line each: name, shape, dtype,
// storage order, size, and the matrix (rows × columns) Alignscope reads,
// or why it cannot be read. It is the output of `alignscope info FILE`.
func Describe(f *File) string {
	var b strings.Builder
	noun := "arrays"
	if len(f.Arrays) == 1 {
		noun = "array"
	}
	kind := "NumPy array (.npy)"
	if f.Kind == "npz" {
		kind = "NumPy archive (.npz)"
	}
	fmt.Fprintf(&b, "%s: %s, %d %s\n", f.Name, kind, len(f.Arrays), noun)
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  name\tshape\tdtype\torder\tsize\tmatrix")
	for _, a := range f.Arrays {
		order := "C"
		if a.Fortran {
			order = "Fortran"
		}
		dt := a.DType
		if a.ByteOrder == BigEndian {
			dt += " (big-endian)"
		}
		size := FormatBytes(a.Size)
		if a.Compressed {
			size += " (compressed)"
		}
		var mat string
		switch {
		case a.Err != nil && a.isString() && len(a.Shape) == 1:
			mat = fmt.Sprintf("%d strings", a.Shape[0])
		case a.Err != nil:
			mat = "unsupported dtype"
		case len(a.Shape) == 0:
			mat = "scalar"
		default:
			mat = fmt.Sprintf("%d × %d", a.Shape[0], prod(a.Shape[1:]))
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\n", a.Name, ShapeString(a.Shape), dt, order, size, mat)
	}
	tw.Flush()
	if len(f.Skipped) > 0 {
		fmt.Fprintf(&b, "  (ignored %d members that are not .npy arrays: %s)\n", len(f.Skipped), strings.Join(f.Skipped, ", "))
	}
	return b.String()
}

// ShapeString formats a shape as "100×64×8×8"; a 0-D shape is "()".
func ShapeString(s []int) string {
	if len(s) == 0 {
		return "()"
	}
	parts := make([]string, len(s))
	for i, d := range s {
		parts[i] = fmt.Sprint(d)
	}
	return strings.Join(parts, "×")
}

// FormatBytes formats a byte count with decimal units: "812 B", "1.6 MB".
func FormatBytes(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	v := float64(n)
	for _, u := range []string{"kB", "MB", "GB", "TB", "PB"} {
		v /= unit
		if v < unit || u == "PB" {
			if v < 10 {
				return fmt.Sprintf("%.1f %s", v, u)
			}
			return fmt.Sprintf("%.0f %s", v, u)
		}
	}
	return ""
}
