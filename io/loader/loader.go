package loader

import (
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // thumbnails
	_ "image/png"  // thumbnails
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/image/draw"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/io/npy"
	"github.com/alignscope/alignscope/io/table"
)

// Kind is what a file holds for the project; the words are those a
// project file records.
type Kind = string

// The kinds of data file.
const (
	KindModel      Kind = "model"       // a model's layers
	KindRecording  Kind = "recording"   // a subject's region recordings
	KindStimuli    Kind = "stimuli"     // the stimulus table
	KindModelRDMs  Kind = "model-rdms"  // a model's precomputed RDMs
	KindRegionRDMs Kind = "region-rdms" // a region's precomputed RDMs, one per subject
	KindNIfTI      Kind = "nifti"       // NIfTI betas with an atlas or mask (LoadNIfTI)
	KindFolder     Kind = "folder"      // a data folder (LoadFolder)
	KindEmbedded   Kind = "embedded"    // a data folder built into the program (the demo)
)

// ArrayInfo describes one array of a file.
type ArrayInfo struct {
	Name  string
	Shape []int
	DType string
	Err   error // non-nil when the array cannot be used as numbers
}

// Info is what Inspect found in a file.
type Info struct {
	Path   string
	Kind   Kind // the likely kind, a default for the open form
	Arrays []ArrayInfo
	// Stimuli is the number of rows of a stimulus table.
	Stimuli int
	Columns []string
}

// Summary is a short description for the open form.
func (in *Info) Summary() string {
	if in.Kind == KindStimuli {
		return fmt.Sprintf("a table of %d stimuli with columns %s", in.Stimuli, strings.Join(in.Columns, ", "))
	}
	parts := make([]string, 0, len(in.Arrays))
	for i, a := range in.Arrays {
		if i == 6 {
			parts = append(parts, fmt.Sprintf("… %d more", len(in.Arrays)-6))
			break
		}
		s := fmt.Sprintf("%s %s %s", a.Name, shapeString(a.Shape), a.DType)
		if a.Err != nil {
			s += " (unusable)"
		}
		parts = append(parts, s)
	}
	return fmt.Sprintf("%d arrays: %s", len(in.Arrays), strings.Join(parts, "; "))
}

func shapeString(s []int) string {
	p := make([]string, len(s))
	for i, v := range s {
		p[i] = fmt.Sprint(v)
	}
	return "(" + strings.Join(p, "×") + ")"
}

// isTable reports whether path names a stimulus table by its extension.
func isTable(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv", ".tsv", ".txt":
		return true
	}
	return false
}

func checkRegular(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	if st.IsDir() {
		return fmt.Errorf("%s is a folder, not a file: choose a file, or use Open data folder for a folder with stimuli.tsv, models/ and recordings/", path)
	}
	return nil
}

// Inspect reads a file's headers (or table) and guesses what it holds.
func Inspect(path string) (*Info, error) {
	if err := checkRegular(path); err != nil {
		return nil, err
	}
	if isTable(path) {
		s, err := table.ReadStimuliFile(path)
		if err != nil {
			return nil, err
		}
		return &Info{Path: path, Kind: KindStimuli, Stimuli: s.Len(), Columns: s.Columns}, nil
	}
	f, err := npy.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	in := &Info{Path: path, Kind: KindModel}
	all3 := len(f.Arrays) > 0
	for _, a := range f.Arrays {
		in.Arrays = append(in.Arrays, ArrayInfo{Name: a.Name, Shape: a.Shape, DType: a.DType, Err: a.Err})
		if len(a.Shape) != 3 {
			all3 = false
		}
	}
	if all3 {
		in.Kind = KindRecording // repetitions × stimuli × channels
	}
	return in, nil
}

// usable checks that an array holds numbers of at least one dimension.
func usable(a *npy.Array) error {
	if a.Err != nil {
		return a.Err
	}
	if len(a.Shape) == 0 {
		return fmt.Errorf("%s is a single number (0-D array); a layer or recording needs one row per stimulus", a.Source)
	}
	if a.Shape[0] == 0 {
		return fmt.Errorf("%s has no rows (shape %s); it needs one row per stimulus", a.Source, shapeString(a.Shape))
	}
	return nil
}

// LoadModel opens path (.npz: one array per layer; .npy: one layer) as a
// model called name. Only headers are read. A 1-D string array in an .npz
// is taken as the stimulus names, which must then match the project.
func LoadModel(path, name string) (*data.Model, error) {
	if err := checkRegular(path); err != nil {
		return nil, err
	}
	f, err := npy.Open(path)
	if err != nil {
		return nil, err
	}
	m, err := modelFrom(f, name, path)
	if err != nil {
		f.Close()
		return nil, err
	}
	return m, nil
}

// stimulusNames returns the names held by a 1-D string array of the file
// (np.savez(…, names=np.array(names))), or nil.
func stimulusNames(f *npy.File) (names []string, arr *npy.Array) {
	for _, a := range f.Arrays {
		if a.Err != nil && len(a.Shape) == 1 {
			if s, err := a.Strings(); err == nil {
				return s, a
			}
		}
	}
	return nil, nil
}

func modelFrom(f *npy.File, name, src string) (*data.Model, error) {
	m := &data.Model{Name: name, Source: src}
	names, namesArr := stimulusNames(f)
	for _, a := range f.Arrays {
		if a == namesArr {
			continue
		}
		if err := usable(a); err != nil {
			return nil, err
		}
		v, err := a.Matrix()
		if err != nil {
			return nil, err
		}
		m.Layers = append(m.Layers, &data.Layer{
			Name: a.Name, Shape: append([]int(nil), a.Shape[1:]...), DType: a.DType,
			Data: v, Source: a.Source, StimulusNames: names,
		})
	}
	if len(m.Layers) == 0 {
		return nil, fmt.Errorf("%s holds no arrays; save a model's layers with np.savez(path, layer1=a1, layer2=a2, …)", src)
	}
	return m, nil
}

// RegionRecording is one region read from a file.
type RegionRecording struct {
	Region string
	*data.Recording
}

// LoadRecordings opens path as one subject's recordings: each array of an
// .npz is a region named by its key; a single .npy is the region named
// region (its file name when empty). An array of shape (n, v) is one
// measurement per stimulus; (r, n, v) holds r repetitions, averaged for
// analyses that need one pattern per stimulus.
func LoadRecordings(path, region string) ([]RegionRecording, error) {
	if err := checkRegular(path); err != nil {
		return nil, err
	}
	f, err := npy.Open(path)
	if err != nil {
		return nil, err
	}
	if f.Kind == "npy" && region != "" && len(f.Arrays) == 1 {
		f.Arrays[0].Name = region
	}
	recs, err := recordingsFrom(f)
	if err != nil {
		f.Close()
		return nil, err
	}
	return recs, nil
}

func recordingsFrom(f *npy.File) ([]RegionRecording, error) {
	var out []RegionRecording
	names, namesArr := stimulusNames(f)
	for _, a := range f.Arrays {
		if a == namesArr {
			continue
		}
		if err := usable(a); err != nil {
			return nil, err
		}
		rec := &data.Recording{DType: a.DType, Source: a.Source, StimulusNames: names}
		switch len(a.Shape) {
		case 1, 2:
			v, err := a.Matrix()
			if err != nil {
				return nil, err
			}
			rec.Data = v
		case 3:
			reps, err := a.Subs()
			if err != nil {
				return nil, err
			}
			rec.Reps = reps
			rec.Data = data.Mean{Parts: reps}
		default:
			return nil, fmt.Errorf("%s has shape %s; a recording is stimuli × channels or repetitions × stimuli × channels", a.Source, shapeString(a.Shape))
		}
		out = append(out, RegionRecording{Region: a.Name, Recording: rec})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s holds no arrays; save regions with np.savez(path, V1=x1, IT=x2, …)", f.Name)
	}
	return out, nil
}

// LoadStimuli reads a stimulus table; thumbnails come from an images/
// folder beside it when there is one (images/NAME.png or .jpg).
func LoadStimuli(path string) (*data.Stimuli, error) {
	if err := checkRegular(path); err != nil {
		return nil, err
	}
	s, err := table.ReadStimuliFile(path)
	if err != nil {
		return nil, err
	}
	dir := filepath.Dir(path)
	if st, err := os.Stat(filepath.Join(dir, "images")); err == nil && st.IsDir() {
		if err := loadThumbnails(os.DirFS(dir), "images", s); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// thumbMax is the largest thumbnail edge kept in memory.
const thumbMax = 128

func loadThumbnails(fsys fs.FS, dir string, s *data.Stimuli) error {
	s.Thumbnails = make([]image.Image, s.Len())
	found := 0
	for i, name := range s.Names {
		for _, ext := range []string{".png", ".jpg", ".jpeg"} {
			p := path.Join(dir, name+ext)
			fh, err := fsys.Open(p)
			if err != nil {
				continue
			}
			img, _, err := image.Decode(fh)
			fh.Close()
			if err != nil {
				return fmt.Errorf("thumbnail %s: %w; replace it with a valid PNG or JPEG", p, err)
			}
			s.Thumbnails[i] = shrink(img)
			found++
			break
		}
	}
	if found == 0 {
		s.Thumbnails = nil
	}
	return nil
}

// shrink scales img so that its longer edge is at most thumbMax.
func shrink(img image.Image) image.Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= thumbMax && h <= thumbMax {
		return img
	}
	scale := float64(thumbMax) / float64(max(w, h))
	dst := image.NewRGBA(image.Rect(0, 0, max(1, int(float64(w)*scale)), max(1, int(float64(h)*scale))))
	draw.ApproxBiLinear.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
	return dst
}

// LoadFolder opens a data folder from disk (see the package doc).
func LoadFolder(dir string) (*data.Project, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", dir, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s is a file, not a folder; use Open data file for single files", dir)
	}
	p, err := loadFolder(os.DirFS(dir), filepath.Base(dir), dir)
	if err != nil {
		return nil, err
	}
	p.Sources = []data.Source{{Kind: KindFolder, Path: dir}}
	return p, nil
}

// LoadFolderFS opens a data folder held in fsys (such as the embedded
// demo) as a project called name.
func LoadFolderFS(fsys fs.FS, name string) (*data.Project, error) {
	p, err := loadFolder(fsys, name, "")
	if err != nil {
		return nil, err
	}
	p.Sources = []data.Source{{Kind: KindEmbedded, Name: name}}
	return p, nil
}

func loadFolder(fsys fs.FS, name, prefix string) (p *data.Project, err error) {
	p = &data.Project{Name: name}
	var opened []*npy.File
	defer func() {
		if err != nil {
			for _, f := range opened {
				f.Close()
			}
		}
	}()
	label := func(s string) string {
		if prefix == "" {
			return s
		}
		return filepath.Join(prefix, s)
	}
	for _, tname := range []string{"stimuli.tsv", "stimuli.csv"} {
		fh, err := fsys.Open(tname)
		if err != nil {
			continue
		}
		s, err := table.ReadStimuli(fh, label(tname))
		fh.Close()
		if err != nil {
			return nil, err
		}
		if err := loadThumbnails(fsys, "images", s); err != nil {
			return nil, err
		}
		if err := p.SetStimuli(s); err != nil {
			return nil, err
		}
		break
	}
	open := func(file string) (*npy.File, error) {
		f, err := npy.OpenFS(fsys, file)
		if err != nil {
			return nil, err
		}
		opened = append(opened, f)
		if prefix != "" {
			for _, a := range f.Arrays {
				a.Source = label(a.Source)
			}
		}
		return f, nil
	}
	models, err := arrayFiles(fsys, "models")
	if err != nil {
		return nil, err
	}
	for _, file := range models {
		f, err := open(file)
		if err != nil {
			return nil, err
		}
		m, err := modelFrom(f, strings.TrimSuffix(path.Base(file), path.Ext(file)), label(file))
		if err != nil {
			return nil, err
		}
		if err := p.AddModel(m); err != nil {
			return nil, err
		}
	}
	recs, err := arrayFiles(fsys, "recordings")
	if err != nil {
		return nil, err
	}
	geo, err := folderGeometry(fsys, label) // atlas.nii.gz + atlas.tsv, see nifti.go
	if err != nil {
		return nil, err
	}
	for _, file := range recs {
		f, err := open(file)
		if err != nil {
			return nil, err
		}
		rr, err := recordingsFrom(f)
		if err != nil {
			return nil, err
		}
		if err := attachGeometry(geo, label(file), rr); err != nil {
			return nil, err
		}
		subject := strings.TrimSuffix(path.Base(file), path.Ext(file))
		for _, r := range rr {
			if err := p.AddRecording(subject, r.Region, r.Recording); err != nil {
				return nil, err
			}
		}
	}
	if p.Stimuli == nil && len(p.Models) == 0 && len(p.Subjects) == 0 {
		return nil, fmt.Errorf("%s holds no stimuli.tsv, models/ or recordings/; see the README for the data folder layout", label("."))
	}
	return p, nil
}

// arrayFiles lists dir's .npy and .npz files in name order (none when dir
// is missing).
func arrayFiles(fsys fs.FS, dir string) ([]string, error) {
	ents, err := fs.ReadDir(fsys, dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		ext := strings.ToLower(path.Ext(e.Name()))
		if !e.IsDir() && (ext == ".npz" || ext == ".npy") {
			out = append(out, path.Join(dir, e.Name()))
		}
	}
	sort.Strings(out)
	return out, nil
}
