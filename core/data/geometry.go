package data

import "fmt"

// Volume is a 3-D image on a voxel grid, such as an anatomical scan, a
// mask or a map of scores: Values[i + Dims[0]*(j + Dims[1]*k)] is voxel
// (i, j, k) (NIfTI storage order, i fastest).
type Volume struct {
	Dims   [3]int
	Values []float64
	// Affine maps voxel indices (i, j, k, 1) to world coordinates in mm
	// (the NIfTI sform, or qform when there is no sform).
	Affine [4][4]float64
}

// Index is the storage index of voxel (i, j, k).
func (v *Volume) Index(i, j, k int) int { return i + v.Dims[0]*(j+v.Dims[1]*k) }

// At returns the value at voxel (i, j, k).
func (v *Volume) At(i, j, k int) float64 { return v.Values[v.Index(i, j, k)] }

// World maps voxel (i, j, k) to world coordinates.
func (v *Volume) World(i, j, k int) [3]float64 {
	var w [3]float64
	for r := 0; r < 3; r++ {
		w[r] = v.Affine[r][0]*float64(i) + v.Affine[r][1]*float64(j) + v.Affine[r][2]*float64(k) + v.Affine[r][3]
	}
	return w
}

// Geometry places the channels of a recording in space: fMRI voxels on a
// grid, or electrophysiology units at coordinates. A recording without
// geometry has none (nil).
type Geometry struct {
	// Grid is the voxel grid the channels live on, with a background
	// volume to draw maps on (an anatomical or mean image; zeros when
	// none was given). Nil for units.
	Grid *Volume
	// Voxels holds, per channel, its voxel (i, j, k) on Grid.
	Voxels [][3]int
	// Units holds, per channel, its coordinates (x, y, z) in the units
	// of the source (µm or mm), for electrophysiology.
	Units [][3]float64
	// Source names the file(s) the geometry came from.
	Source string
}

// Check verifies that the geometry has one entry per channel and that
// voxels lie on the grid.
func (g *Geometry) Check(channels int) error {
	switch {
	case g.Grid != nil:
		if len(g.Voxels) != channels {
			return fmt.Errorf("%s: %d voxel positions for %d channels", g.Source, len(g.Voxels), channels)
		}
		if len(g.Grid.Values) != g.Grid.Dims[0]*g.Grid.Dims[1]*g.Grid.Dims[2] {
			return fmt.Errorf("%s: grid %v holds %d values", g.Source, g.Grid.Dims, len(g.Grid.Values))
		}
		for c, v := range g.Voxels {
			for d := 0; d < 3; d++ {
				if v[d] < 0 || v[d] >= g.Grid.Dims[d] {
					return fmt.Errorf("%s: channel %d at voxel %v lies outside the grid %v", g.Source, c+1, v, g.Grid.Dims)
				}
			}
		}
	case g.Units != nil:
		if len(g.Units) != channels {
			return fmt.Errorf("%s: %d unit coordinates for %d channels", g.Source, len(g.Units), channels)
		}
	default:
		return fmt.Errorf("%s: geometry has neither voxels nor unit coordinates", g.Source)
	}
	return nil
}
