package loader

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/io/npy"
	"github.com/alignscope/alignscope/io/table"
)

// KindModelDir is a folder of extracted activations (io/extract): one
// float32 .npy per layer, layers.tsv and stimuli.tsv (LoadModelDir).
const KindModelDir Kind = "model-dir"

// ModelDirFiles lists the files of a model folder that LoadModelDir
// reads, relative to dir: stimuli.tsv, layers.tsv and each layer's .npy,
// in that order (for checksums of a project's sources).
func ModelDirFiles(dir string) ([]string, error) {
	rows, err := readLayersTable(dir)
	if err != nil {
		return nil, err
	}
	out := []string{"stimuli.tsv", "layers.tsv"}
	for _, r := range rows {
		out = append(out, r.file)
	}
	return out, nil
}

// layerRow is one row of layers.tsv.
type layerRow struct {
	line                    int
	file, tensor, label, op string
	shape                   []int
	hasShape                bool
}

// readLayersTable reads dir/layers.tsv: a header naming the columns
// file (required), tensor (or layer), label, op and shape ("32x8x8"), in
// any order, then one line per layer.
func readLayersTable(dir string) ([]layerRow, error) {
	path := filepath.Join(dir, "layers.tsv")
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("open model folder: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s is a file, not a folder; a model folder holds layers.tsv, stimuli.tsv and one .npy per layer", dir)
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s holds no layers.tsv; it is not a folder of extracted activations (alignscope extract writes layers.tsv, stimuli.tsv and one .npy per layer)", dir)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	col := map[string]int{}
	var rows []layerRow
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), "\r")
		if line == 1 {
			for i, h := range strings.Split(text, "\t") {
				h = strings.ToLower(strings.TrimSpace(h))
				if h == "layer" {
					h = "tensor"
				}
				if _, dup := col[h]; !dup {
					col[h] = i
				}
			}
			if _, ok := col["file"]; !ok {
				return nil, fmt.Errorf("%s: the header %q has no column \"file\"; expected %q", path, text, "file\ttensor\tlabel\top\tshape")
			}
			continue
		}
		if strings.TrimSpace(text) == "" {
			continue
		}
		fields := strings.Split(text, "\t")
		get := func(name string) (string, bool) {
			i, ok := col[name]
			if !ok || i >= len(fields) {
				return "", false
			}
			return strings.TrimSpace(fields[i]), true
		}
		r := layerRow{line: line}
		r.file, _ = get("file")
		r.tensor, _ = get("tensor")
		r.label, _ = get("label")
		r.op, _ = get("op")
		if r.file == "" {
			return nil, fmt.Errorf("%s:%d: no file name", path, line)
		}
		if r.file != filepath.Base(r.file) || r.file == "." || r.file == ".." || strings.ContainsAny(r.file, `/\`) {
			return nil, fmt.Errorf("%s:%d: file %q must be a file name in the folder, without a path", path, line, r.file)
		}
		if s, ok := get("shape"); ok {
			r.hasShape = true
			if s != "" {
				for _, d := range strings.Split(s, "x") {
					v, err := strconv.Atoi(strings.TrimSpace(d))
					if err != nil || v < 0 {
						return nil, fmt.Errorf("%s:%d: shape %q is not like 32x8x8", path, line, s)
					}
					r.shape = append(r.shape, v)
				}
			}
		}
		if r.label == "" {
			r.label = r.tensor
		}
		if r.label == "" {
			r.label = strings.TrimSuffix(r.file, filepath.Ext(r.file))
		}
		rows = append(rows, r)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s lists no layers", path)
	}
	return rows, nil
}

// LoadModelDir opens a folder of extracted activations (written by
// io/extract: layers.tsv, stimuli.tsv and one .npy per layer) as a model
// called name. Each row of layers.tsv becomes a layer named by its label
// whose array is read lazily from its .npy (only the headers are read
// here); the unit shape is the .npy's shape without its first axis and
// must agree with the shape column. The stimulus names of stimuli.tsv
// become every layer's StimulusNames, so adding the model to a project
// whose stimuli differ is an error.
func LoadModelDir(dir, name string) (*data.Model, error) {
	m, _, err := loadModelDir(dir, name)
	return m, err
}

// loadModelDir is LoadModelDir, also returning the folder's stimulus
// table.
func loadModelDir(dir, name string) (m *data.Model, stim *data.Stimuli, err error) {
	rows, err := readLayersTable(dir)
	if err != nil {
		return nil, nil, err
	}
	stimPath := filepath.Join(dir, "stimuli.tsv")
	if _, err := os.Stat(stimPath); errors.Is(err, fs.ErrNotExist) {
		return nil, nil, fmt.Errorf("%s holds no stimuli.tsv; it names the stimuli in the row order of the layers", dir)
	}
	if stim, err = table.ReadStimuliFile(stimPath); err != nil {
		return nil, nil, err
	}
	m = &data.Model{Name: name, Source: dir}
	var opened []*npy.File
	defer func() {
		if err != nil {
			for _, f := range opened {
				f.Close()
			}
		}
	}()
	seen := map[string]int{}
	for _, r := range rows {
		if prev, ok := seen[r.label]; ok {
			return nil, nil, fmt.Errorf("%s:%d: layer %q is listed twice (also line %d)", filepath.Join(dir, "layers.tsv"), r.line, r.label, prev)
		}
		seen[r.label] = r.line
		path := filepath.Join(dir, r.file)
		if err := checkRegular(path); err != nil {
			return nil, nil, fmt.Errorf("layer %q: %w", r.label, err)
		}
		f, err := npy.Open(path)
		if err != nil {
			return nil, nil, err
		}
		opened = append(opened, f)
		if len(f.Arrays) != 1 {
			return nil, nil, fmt.Errorf("%s: expected one array (a .npy file), found %d", path, len(f.Arrays))
		}
		a := f.Arrays[0]
		if err := usable(a); err != nil {
			return nil, nil, err
		}
		unit := append([]int(nil), a.Shape[1:]...)
		if r.hasShape && !slices.Equal(unit, r.shape) {
			return nil, nil, fmt.Errorf("%s has shape %s, but layers.tsv (line %d) gives %s per stimulus; the folder is incomplete or was changed: extract again",
				path, shapeString(a.Shape), r.line, shapeString(r.shape))
		}
		if a.Shape[0] != stim.Len() {
			return nil, nil, &data.MismatchError{Source: path, What: "stimulus count (rows)",
				Expected: fmt.Sprintf("%d stimuli as in %s", stim.Len(), stimPath), Found: fmt.Sprintf("%d rows", a.Shape[0])}
		}
		v, err := a.Matrix()
		if err != nil {
			return nil, nil, err
		}
		m.Layers = append(m.Layers, &data.Layer{
			Name: r.label, Shape: unit, DType: a.DType, Data: v, Source: path,
			StimulusNames: append([]string(nil), stim.Names...),
		})
	}
	return m, stim, nil
}
