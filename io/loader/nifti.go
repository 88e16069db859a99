package loader

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"path"
	"path/filepath"
	"strings"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/io/nifti"
)

// NIfTIOptions says how to turn a 4-D beta series into region recordings.
type NIfTIOptions struct {
	// Betas is a 4-D NIfTI image with one volume per stimulus (and per
	// repetition when Reps > 1).
	Betas string
	// Atlas is a 3-D label image on the betas' grid: each whole value
	// ≥ 1 is a region. Labels names the values (a TSV/CSV, FSL XML or
	// "index name" file; see nifti.ParseLabels); without it regions are
	// called "label N".
	Atlas, Labels string
	// Mask, instead of Atlas, is a 3-D image whose non-zero finite voxels
	// form the single region Region (the mask's file name when empty).
	Mask, Region string
	// Reps is the number of repetitions (1 when 0). With n stimuli the
	// betas hold Reps·n volumes, by default repetition-major: volume
	// rep·n + stim (all stimuli of repetition 1, then of repetition 2, …).
	// StimMajor takes volume stim·Reps + rep instead (the repetitions of
	// each stimulus next to each other).
	Reps      int
	StimMajor bool
	// Anat, when set, is the background image (an anatomical scan on the
	// betas' grid) drawn under maps; otherwise the background is the mean
	// of the betas over volumes.
	Anat string
}

// NIfTIResult is what LoadNIfTI read.
type NIfTIResult struct {
	// Regions holds one recording per region, in atlas index order.
	Regions []RegionRecording
	// Warnings are problems that did not stop loading: voxels left out
	// because of NaN or Inf values, regions left empty, label names absent
	// from the atlas.
	Warnings []string
	// Background is the volume every region's Geometry.Grid points to.
	Background *data.Volume
	// Stimuli is n, the number of rows of every recording.
	Stimuli int
}

// gridTol is how far (in world units, mm) two grids' voxel centres may
// lie apart and still count as the same grid (float32 header rounding).
const gridTol = 1e-2

// LoadNIfTIRecordings reads a 4-D beta series and a label atlas as one
// recording per atlas region (see LoadNIfTI; warnings are dropped, use
// LoadNIfTI to show them).
func LoadNIfTIRecordings(betas, atlas, labels string, reps int) ([]RegionRecording, error) {
	res, err := LoadNIfTI(NIfTIOptions{Betas: betas, Atlas: atlas, Labels: labels, Reps: reps})
	if err != nil {
		return nil, err
	}
	return res.Regions, nil
}

// LoadMask reads a 4-D beta series restricted to the non-zero voxels of a
// 3-D mask as one region called region (the mask's file name when
// empty); see LoadNIfTI.
func LoadMask(betas, mask, region string, reps int) (RegionRecording, error) {
	res, err := LoadNIfTI(NIfTIOptions{Betas: betas, Mask: mask, Region: region, Reps: reps})
	if err != nil {
		return RegionRecording{}, err
	}
	return res.Regions[0], nil
}

// LoadNIfTI reads fMRI responses from NIfTI files as region recordings.
//
// Each region's channels are its voxels in storage order (i fastest, then
// j, then k), and its Data is a lazy n × v data.Matrix over the betas:
// row s is stimulus s, column c voxel c, read in column blocks straight
// from the file (an uncompressed .nii stays on disk; a .nii.gz is held
// in memory, see package nifti). With Reps > 1, Reps holds one n × v
// matrix per repetition and Data is their mean.
//
// The betas are read once, volume by volume, when loading: a voxel with a
// NaN or ±Inf value in any volume is left out of its region (counted in
// Warnings), and the mean image is the default background. Every region's
// Geometry has Grid = the background (voxels outside the brain, NaN in
// every volume, are 0 there) and Voxels = the kept voxels' (i, j, k).
//
// The atlas (or mask, or anat) must lie on the betas' grid — the same
// sizes and affine within 0.01 mm — otherwise the error names both files
// and both grids.
func LoadNIfTI(opt NIfTIOptions) (*NIfTIResult, error) {
	if opt.Betas == "" {
		return nil, errors.New("choose the 4-D NIfTI file of beta maps (one volume per stimulus)")
	}
	if (opt.Atlas == "") == (opt.Mask == "") {
		return nil, errors.New("choose either an atlas (a label image) or a mask, not both or neither")
	}
	reps := max(opt.Reps, 1)
	betas, err := nifti.Open(opt.Betas)
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			betas.Close()
		}
	}()
	nt := betas.Volumes()
	if nt%reps != 0 {
		return nil, fmt.Errorf("%s holds %d volumes, not a multiple of %d repetitions; check the number of repetitions", opt.Betas, nt, reps)
	}
	n := nt / reps
	res := &NIfTIResult{Stimuli: n}

	// regions
	var regions []nifti.Region
	if opt.Atlas != "" {
		atlas, err := readOnGrid(opt.Atlas, "atlas", betas)
		if err != nil {
			return nil, err
		}
		var labels *nifti.Labels
		if opt.Labels != "" {
			if labels, err = nifti.ReadLabels(opt.Labels); err != nil {
				return nil, err
			}
		}
		var warn []string
		regions, warn, err = nifti.AtlasRegions(atlas, labels, opt.Atlas)
		if err != nil {
			return nil, err
		}
		res.Warnings = append(res.Warnings, warn...)
		if len(regions) == 0 {
			return nil, fmt.Errorf("%s holds no region: every voxel is 0 (background)", opt.Atlas)
		}
	} else {
		mask, err := readOnGrid(opt.Mask, "mask", betas)
		if err != nil {
			return nil, err
		}
		name := opt.Region
		if name == "" {
			name = stem(opt.Mask)
		}
		r := nifti.Region{Index: 1, Name: name}
		for i, v := range mask.Values {
			if v != 0 && !math.IsNaN(v) && !math.IsInf(v, 0) {
				r.Voxels = append(r.Voxels, i)
			}
		}
		if len(r.Voxels) == 0 {
			return nil, fmt.Errorf("%s selects no voxel: every value is 0 or NaN", opt.Mask)
		}
		regions = []nifti.Region{r}
	}

	// one pass over the betas: mean image and non-finite voxels
	mean, bad, err := betas.Mean()
	if err != nil {
		return nil, err
	}
	bg := mean
	if opt.Anat != "" {
		if bg, err = readOnGrid(opt.Anat, "anatomical image", betas); err != nil {
			return nil, err
		}
	}
	for i, v := range bg.Values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			bg.Values[i] = 0
		}
	}
	res.Background = bg
	src := opt.Betas + " + " + firstNonEmpty(opt.Atlas, opt.Mask)

	g := betas.Grid()
	for _, r := range regions {
		kept := make([]int, 0, len(r.Voxels))
		for _, v := range r.Voxels {
			if bad[v] == 0 {
				kept = append(kept, v)
			}
		}
		if len(kept) == 0 {
			res.Warnings = append(res.Warnings, fmt.Sprintf("%s: region %s has no voxel with finite values in every volume; it is skipped", opt.Betas, r.Name))
			continue
		}
		if dropped := len(r.Voxels) - len(kept); dropped > 0 {
			res.Warnings = append(res.Warnings, fmt.Sprintf("%s: region %s: %d of %d voxels hold NaN or Inf in some volume and are left out", opt.Betas, r.Name, dropped, len(r.Voxels)))
		}
		parts := make([]data.Matrix, reps)
		for rep := range reps {
			rows := make([]int, n)
			for s := range rows {
				if opt.StimMajor {
					rows[s] = s*reps + rep
				} else {
					rows[s] = rep*n + s
				}
			}
			if parts[rep], err = betas.Series(rows, kept); err != nil {
				return nil, err
			}
		}
		rec := &data.Recording{
			DType:  betas.DType(),
			Source: opt.Betas + ":" + r.Name,
			Geometry: &data.Geometry{
				Grid:   bg,
				Voxels: voxelIJK(kept, g),
				Source: src,
			},
		}
		if reps == 1 {
			rec.Data = parts[0]
		} else {
			rec.Reps = parts
			rec.Data = data.Mean{Parts: parts}
		}
		res.Regions = append(res.Regions, RegionRecording{Region: r.Name, Recording: rec})
	}
	if len(res.Regions) == 0 {
		return nil, fmt.Errorf("%s: no region has a voxel with finite values in every volume; check that the atlas or mask covers the brain", opt.Betas)
	}
	ok = true
	return res, nil
}

// readOnGrid reads the 3-D image path (the role names it in messages) and
// checks that it lies on the betas' grid.
func readOnGrid(path, role string, betas *nifti.Image) (*data.Volume, error) {
	im, err := nifti.Open(path)
	if err != nil {
		return nil, err
	}
	defer im.Close()
	if im.Volumes() != 1 {
		return nil, fmt.Errorf("%s (the %s) holds %d volumes; it must be one 3-D image (for a probabilistic atlas, use its maximum-probability label image)", path, role, im.Volumes())
	}
	if err := sameGrid(path, &im.Header, betas.Source, &betas.Header); err != nil {
		return nil, err
	}
	return im.Volume(0)
}

// sameGrid reports two images on different grids.
func sameGrid(p1 string, h1 *nifti.Header, p2 string, h2 *nifti.Header) error {
	if nifti.SameGrid(h1.Grid(), h1.Affine, h2.Grid(), h2.Affine, gridTol) {
		return nil
	}
	const fix = "resample it to the betas' grid with nearest-neighbour interpolation (e.g. nilearn.image.resample_to_img(img, betas, interpolation=\"nearest\"), or FSL flirt -applyxfm -usesqform -interp nearestneighbour -ref betas)"
	if h1.Grid() != h2.Grid() {
		return fmt.Errorf("%s has the grid %s but %s has %s; %s", p1, h1.GridString(), p2, h2.GridString(), fix)
	}
	w := func(a [4][4]float64) string {
		return fmt.Sprintf("(%.4g, %.4g, %.4g)", a[0][3], a[1][3], a[2][3])
	}
	return fmt.Errorf("%s and %s have the same grid size %s but lie differently in space (voxel (0, 0, 0) at %s mm vs %s mm, affines from the %s and the %s); %s", p1, p2, h1.GridString(), w(h1.Affine), w(h2.Affine), h1.AffineFrom, h2.AffineFrom, fix)
}

// voxelIJK converts storage indices to (i, j, k).
func voxelIJK(idx []int, g [3]int) [][3]int {
	out := make([][3]int, len(idx))
	for c, v := range idx {
		out[c] = [3]int{v % g[0], v / g[0] % g[1], v / (g[0] * g[1])}
	}
	return out
}

func stem(p string) string {
	b := filepath.Base(p)
	for _, ext := range []string{".gz", ".nii", ".hdr", ".img"} {
		b = strings.TrimSuffix(b, ext)
	}
	return b
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// WriteMap writes per-channel values (a score per voxel, such as an
// encoding model's prediction accuracy) as a 3-D float32 NIfTI image on
// the geometry's grid: voxel g.Voxels[c] holds values[c], every other
// voxel 0 (NaN values stay NaN). The file is .nii.gz when path ends in
// ".gz". Its orientation (qform, sform, voxel size) is copied from the
// reference image like — the betas or anatomical file the recording came
// from, which must be on the same grid — so the map overlays it in any
// viewer; with like "" it is the grid's affine.
func WriteMap(path string, g *data.Geometry, values []float64, like string) error {
	if g == nil || g.Grid == nil {
		return fmt.Errorf("write %s: the recording has no voxel grid, so its values cannot be written as a NIfTI map; load it from NIfTI files or a data folder with an atlas", path)
	}
	if err := g.Check(len(g.Voxels)); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if len(values) != len(g.Voxels) {
		return fmt.Errorf("write %s: %d values for %d voxels; give one value per channel", path, len(values), len(g.Voxels))
	}
	v := &data.Volume{Dims: g.Grid.Dims, Affine: g.Grid.Affine, Values: make([]float64, len(g.Grid.Values))}
	for c, ijk := range g.Voxels {
		v.Values[v.Index(ijk[0], ijk[1], ijk[2])] = values[c]
	}
	var hdr *nifti.Header
	if like != "" {
		h, err := nifti.ReadHeader(like)
		if err != nil {
			return err
		}
		if h.Grid() != v.Dims {
			return fmt.Errorf("write %s: the reference image %s has the grid %s, but the map's grid is %d×%d×%d; choose the betas or anatomical file the recording was loaded from", path, like, h.GridString(), v.Dims[0], v.Dims[1], v.Dims[2])
		}
		hdr = h
	}
	return nifti.WriteWith(path, v, hdr, nifti.WriteOptions{Description: "Alignscope map"})
}

// Data folder geometry: a data folder may hold, beside recordings/,
//
//	atlas.nii.gz (or atlas.nii)   3-D label image, int values, 0 = background
//	atlas.tsv (.csv, .txt, .xml)  index → region name (see nifti.ParseLabels)
//	anat.nii.gz (or anat.nii)     optional background on the atlas's grid
//
// Region R's channels in every recordings/SUBJECT.npz are then the voxels
// of the atlas value named R, in storage order (i fastest): each
// recording of a region the atlas names gets a Geometry on that grid,
// with the anatomical image (or the atlas itself) as background. A
// recording whose channel count differs from its region's voxel count is
// an error; regions the atlas does not name get no geometry.

// folderGeometry reads the atlas of a data folder: per region name, the
// geometry its recordings get; nil when the folder has no atlas.
func folderGeometry(fsys fs.FS, label func(string) string) (map[string]*data.Geometry, error) {
	atlasName := ""
	for _, n := range []string{"atlas.nii.gz", "atlas.nii"} {
		if _, err := fs.Stat(fsys, n); err == nil {
			atlasName = n
			break
		}
	}
	if atlasName == "" {
		return nil, nil
	}
	im, err := nifti.OpenFS(fsys, atlasName)
	if err != nil {
		return nil, relabel(err, atlasName, label)
	}
	defer im.Close()
	if im.Volumes() != 1 {
		return nil, fmt.Errorf("%s holds %d volumes; the atlas of a data folder is one 3-D label image", label(atlasName), im.Volumes())
	}
	atlas, err := im.Volume(0)
	if err != nil {
		return nil, err
	}
	var labels *nifti.Labels
	for _, n := range []string{"atlas.tsv", "atlas.csv", "atlas.txt", "atlas.xml"} {
		if _, err := fs.Stat(fsys, n); err != nil {
			continue
		}
		if labels, err = nifti.ReadLabelsFS(fsys, n); err != nil {
			return nil, relabel(err, n, label)
		}
		labels.Source = label(n)
		break
	}
	if labels == nil {
		return nil, fmt.Errorf("%s has no atlas.tsv beside it; add atlas.tsv with lines \"index<TAB>region\" naming each atlas value after the regions of recordings/*.npz", label(atlasName))
	}
	regions, _, err := nifti.AtlasRegions(atlas, labels, label(atlasName))
	if err != nil {
		return nil, err
	}
	bg := atlas
	for _, n := range []string{"anat.nii.gz", "anat.nii"} {
		if _, err := fs.Stat(fsys, n); err != nil {
			continue
		}
		a, err := nifti.OpenFS(fsys, n)
		if err != nil {
			return nil, relabel(err, n, label)
		}
		if a.Volumes() != 1 {
			a.Close()
			return nil, fmt.Errorf("%s holds %d volumes; the anatomical background is one 3-D image", label(n), a.Volumes())
		}
		if err := sameGrid(label(n), &a.Header, label(atlasName), &im.Header); err != nil {
			a.Close()
			return nil, err
		}
		bg, err = a.Volume(0)
		a.Close()
		if err != nil {
			return nil, err
		}
		for i, v := range bg.Values {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				bg.Values[i] = 0
			}
		}
		break
	}
	src := label(atlasName)
	out := map[string]*data.Geometry{}
	for _, r := range regions {
		out[r.Name] = &data.Geometry{Grid: bg, Voxels: voxelIJK(r.Voxels, atlas.Dims), Source: src}
	}
	return out, nil
}

// relabel makes a message about a file of fsys name it with its folder.
func relabel(err error, name string, label func(string) string) error {
	full := label(name)
	if full == name || !strings.Contains(err.Error(), name) {
		return err
	}
	return errors.New(strings.Replace(err.Error(), name, full, 1))
}

// attachGeometry gives each recording of file whose region the folder's
// atlas names that region's geometry.
func attachGeometry(geo map[string]*data.Geometry, file string, rr []RegionRecording) error {
	for _, r := range rr {
		g, ok := geo[r.Region]
		if !ok || r.Data == nil {
			continue
		}
		if v := r.Channels(); v != len(g.Voxels) {
			return fmt.Errorf("%s: region %s has %d channels, but %s gives region %s %d voxels; a data folder's recordings must hold the atlas's voxels in storage order (i fastest), or remove the atlas", file, r.Region, v, path.Base(g.Source), r.Region, len(g.Voxels))
		}
		r.Geometry = g
	}
	return nil
}
