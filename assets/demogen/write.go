package demogen

import (
	"bufio"
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/io/nifti"
	"github.com/alignscope/alignscope/io/npy"
	"gonum.org/v1/gonum/mat"
)

// Write writes the demo project into dir (created if needed):
//
//	README.md                 the ground truth and how the files were made
//	stimuli.tsv               name, then Columns; one row per stimulus
//	images/<name>.png         64×64 RGB
//	models/<model>.npz        one float32 array per layer, in network order:
//	                          (n, C, H, W) for conv layers, (n, p) for dense
//	recordings/<subject>.npz  one float32 array per region (V1, V4, IT):
//	                          (repetitions, n, voxels)
//	anat.nii.gz               the anatomical image, int16 NIfTI-1
//	atlas.nii.gz              the region labels, int16 NIfTI-1
//	atlas.tsv                 index → region name
//
// The .npz archives are uncompressed with fixed timestamps and the .nii.gz
// files gzip-compressed with a fixed level, no name and zero time, so the
// same Demo always gives the same bytes. Write does not remove other files in
// dir.
func (d *Demo) Write(dir string) error {
	for _, sub := range []string{"images", "models", "recordings"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return err
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "README.md"), []byte(d.README()), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "stimuli.tsv"), d.StimuliTSV(), 0o644); err != nil {
		return err
	}
	for i, s := range d.Stimuli {
		b, err := EncodePNG(d.Images[i])
		if err != nil {
			return fmt.Errorf("image %s: %w", s.Name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, "images", s.Name+".png"), b, 0o644); err != nil {
			return err
		}
	}
	n := len(d.Stimuli)
	for _, m := range d.Models {
		var arrays []array
		for _, l := range m.Layers {
			arrays = append(arrays, array{l.Name, append([]int{n}, l.Shape...), rawData(l.Data)})
		}
		if err := writeNPZ(filepath.Join(dir, "models", m.Name+".npz"), arrays); err != nil {
			return fmt.Errorf("model %s: %w", m.Name, err)
		}
	}
	for _, s := range d.Subjects {
		var arrays []array
		for _, r := range s.Regions {
			_, v := r.Reps[0].Dims()
			var x []float64
			for _, rep := range r.Reps {
				x = append(x, rawData(rep)...)
			}
			arrays = append(arrays, array{r.Name, []int{len(r.Reps), n, v}, x})
		}
		if err := writeNPZ(filepath.Join(dir, "recordings", s.Name+".npz"), arrays); err != nil {
			return fmt.Errorf("subject %s: %w", s.Name, err)
		}
	}
	return d.writeBrain(dir)
}

// writeBrain writes anat.nii.gz, atlas.nii.gz and atlas.tsv.
func (d *Demo) writeBrain(dir string) error {
	b := d.Brain
	anat := &data.Volume{Dims: b.Dims, Values: b.Anat, Affine: b.Affine}
	if err := nifti.WriteWith(filepath.Join(dir, "anat.nii.gz"), anat, nil,
		nifti.WriteOptions{Datatype: nifti.DTInt16, Description: "Alignscope demo: synthetic T1-like anatomy"}); err != nil {
		return err
	}
	atlas := &data.Volume{Dims: b.Dims, Values: b.Atlas, Affine: b.Affine}
	if err := nifti.WriteWith(filepath.Join(dir, "atlas.nii.gz"), atlas, nil,
		nifti.WriteOptions{Datatype: nifti.DTInt16, Description: "Alignscope demo: region labels, see atlas.tsv", IntentName: "Label"}); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "atlas.tsv"), d.AtlasTSV(), 0o644)
}

// AtlasTSV returns atlas.tsv: a header "index\tname", then one line per
// region of the atlas in index order.
func (d *Demo) AtlasTSV() []byte {
	var b bytes.Buffer
	b.WriteString("index\tname\n")
	for _, pl := range RegionPlaces() {
		fmt.Fprintf(&b, "%d\t%s\n", pl.Index, pl.Name)
	}
	return b.Bytes()
}

// WriteIcon writes the application icon as a PNG file.
func (d *Demo) WriteIcon(path string) error {
	b, err := EncodePNG(d.Icon)
	if err != nil {
		return fmt.Errorf("icon: %w", err)
	}
	return os.WriteFile(path, b, 0o644)
}

// EncodePNG encodes img as PNG with the best compression (an opaque image
// is stored as 8-bit RGB).
func EncodePNG(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// StimuliTSV returns stimuli.tsv: a header "name", Columns…, then one row
// per stimulus in order, tab-separated, "\n"-terminated.
func (d *Demo) StimuliTSV() []byte {
	var b bytes.Buffer
	b.WriteString("name\t" + strings.Join(Columns, "\t") + "\n")
	for _, s := range d.Stimuli {
		b.WriteString(s.Name + "\t" + strings.Join(s.Descriptors(), "\t") + "\n")
	}
	return b.Bytes()
}

// array is one member of an .npz file.
type array struct {
	name  string
	shape []int
	data  []float64 // float32 values, C order
}

// writeNPZ writes the arrays as float32 members of an uncompressed .npz.
func writeNPZ(path string, arrays []array) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	bw := bufio.NewWriter(f)
	z := npy.NewNPZWriter(bw)
	for _, a := range arrays {
		w, err := z.Create(a.name)
		if err != nil {
			return err
		}
		x := make([]float32, len(a.data))
		for i, v := range a.data {
			x[i] = float32(v)
		}
		if err := npy.WriteNPY(w, a.shape, x); err != nil {
			return fmt.Errorf("%s: %w", a.name, err)
		}
	}
	if err := z.Close(); err != nil {
		return err
	}
	return bw.Flush()
}

// rawData returns the elements of m in row-major order.
func rawData(m *mat.Dense) []float64 {
	r, c := m.Dims()
	raw := m.RawMatrix()
	if raw.Stride == c {
		return raw.Data[:r*c]
	}
	x := make([]float64, 0, r*c)
	for i := range r {
		x = append(x, m.RawRowView(i)...)
	}
	return x
}
