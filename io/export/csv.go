package export

import (
	"encoding/csv"
	"io"
	"math"
	"strconv"

	"github.com/alignscope/alignscope/core/lesion"
	"github.com/alignscope/alignscope/core/rsa"
	"github.com/alignscope/alignscope/core/voxelwise"
)

// RSATableHeader is the header row of WriteRSATable.
var RSATableHeader = []string{
	"model", "layer", "region", "score", "ci_low", "ci_high", "se",
	"p", "p_corrected", "p_noise", "ceiling_low", "ceiling_high", "subjects",
}

// WriteRSATable writes the rows of an RSA result (rsa.Result.Table) to
// path as CSV (RFC 4180, comma-separated, header RSATableHeader),
// atomically. Numbers are written at full precision (strconv 'g', -1),
// so they read back bit for bit; NaN and ±Inf are written as NaN, Inf
// and -Inf, which strconv.ParseFloat, pandas and R read.
func WriteRSATable(path string, rows []rsa.Row) error {
	return atomicWrite(path, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		if err := cw.Write(RSATableHeader); err != nil {
			return err
		}
		rec := make([]string, len(RSATableHeader))
		for _, r := range rows {
			rec = rec[:0]
			rec = append(rec, r.Model, r.Layer, r.Region)
			for _, v := range []float64{r.Score, r.CILow, r.CIHigh, r.SE, r.P, r.PCorrected, r.PNoise, r.CeilingLow, r.CeilingHigh} {
				rec = append(rec, formatFloat(v))
			}
			rec = append(rec, strconv.Itoa(r.Subjects))
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	})
}

// formatFloat is the shortest representation that parses back to v; NaN
// and infinities as NaN, Inf, -Inf.
func formatFloat(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// EncodingTableHeader is the header row of WriteEncodingTable.
var EncodingTableHeader = []string{
	"model", "layer", "subject", "region", "target", "voxel_i", "voxel_j", "voxel_k",
	"alpha", "r2", "r", "ceiling", "ceiled",
}

// WriteEncodingTable writes one row per fit and target of an encoding
// analysis (voxelwise.Result.Table) to path as CSV, atomically; voxel
// indices are −1 for recordings without voxel positions.
func WriteEncodingTable(path string, rows []voxelwise.Row) error {
	return atomicWrite(path, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		if err := cw.Write(EncodingTableHeader); err != nil {
			return err
		}
		rec := make([]string, 0, len(EncodingTableHeader))
		for _, r := range rows {
			rec = rec[:0]
			rec = append(rec, r.Model, r.Layer, r.Subject, r.Region, strconv.Itoa(r.Target),
				strconv.Itoa(r.Voxel[0]), strconv.Itoa(r.Voxel[1]), strconv.Itoa(r.Voxel[2]))
			for _, v := range []float64{r.Alpha, r.R2, r.R, r.Ceiling, r.Ceiled} {
				rec = append(rec, formatFloat(v))
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	})
}

// LesionTableHeader is the header row of WriteLesionTable.
var LesionTableHeader = []string{
	"effect", "measure", "fraction", "groups", "units", "intact", "lesioned", "change",
	"null_median", "null_low", "null_high", "excess", "z", "p",
}

// WriteLesionTable writes the effect-size table of a lesion analysis
// (lesion.Result.Table) to path as CSV, atomically.
func WriteLesionTable(path string, rows []lesion.Row) error {
	return atomicWrite(path, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		if err := cw.Write(LesionTableHeader); err != nil {
			return err
		}
		for _, r := range rows {
			rec := []string{r.Effect, r.Measure, formatFloat(r.Fraction), strconv.Itoa(r.Groups), strconv.Itoa(r.Units)}
			for _, v := range []float64{r.Intact, r.Lesioned, r.Change, r.NullMedian, r.NullLow, r.NullHigh, r.Excess, r.Z, r.P} {
				rec = append(rec, formatFloat(v))
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	})
}
