package images

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	_ "image/jpeg" // register JPEG
	_ "image/png"  // register PNG
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"

	xdraw "golang.org/x/image/draw"

	"github.com/alignscope/alignscope/core/data"
)

// Extensions are the image file extensions read (compared in lower case).
var Extensions = []string{".png", ".jpg", ".jpeg"}

// Set is the result of ReadDir.
type Set struct {
	// Stimuli is the table given to ReadDir, or the one built from the
	// file names (Source: the folder).
	Stimuli *data.Stimuli
	// Images holds one opaque RGB image per stimulus, in stimulus order.
	Images []image.Image
	// Files is the file of each image, relative to the folder.
	Files []string
	// Unused counts image files that match no stimulus of the table.
	Unused int
}

// ReadDir reads the images of the folder dir, matched to stim (nil: the
// stimulus list is built from the file names). See the package
// documentation for the rules.
func ReadDir(dir string, stim *data.Stimuli) (*Set, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("images: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("images: %s is not a folder; choose the folder that holds the stimulus images", dir)
	}
	s, err := ReadFS(os.DirFS(dir), ".", stim)
	if err != nil {
		return nil, fmt.Errorf("images in %s: %w", dir, err)
	}
	if stim == nil {
		s.Stimuli.Source = dir
	}
	return s, nil
}

// ReadFS is ReadDir on the folder dir of fsys (for embedded projects).
// Its errors do not name the folder.
func ReadFS(fsys fs.FS, dir string, stim *data.Stimuli) (*Set, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	files := map[string]string{} // stimulus name → file
	var names []string
	for _, e := range entries {
		if e.IsDir() || !isImage(e.Name()) {
			continue
		}
		name := strings.TrimSuffix(e.Name(), path.Ext(e.Name()))
		if prev, ok := files[name]; ok {
			return nil, fmt.Errorf("%s and %s are both images of stimulus %q; keep one", prev, e.Name(), name)
		}
		files[name] = e.Name()
		names = append(names, name)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no PNG or JPEG images (%s)", strings.Join(Extensions, ", "))
	}
	set := &Set{}
	if stim == nil {
		sort.Strings(names)
		set.Stimuli = &data.Stimuli{Names: names, Descriptors: map[string][]string{}}
	} else {
		if err := stim.Validate(); err != nil {
			return nil, err
		}
		set.Stimuli = stim
		var missing []string
		for _, nm := range stim.Names {
			if _, ok := files[nm]; !ok {
				missing = append(missing, nm)
			}
		}
		if len(missing) > 0 {
			return nil, missingError(missing, stim, names)
		}
		set.Unused = len(files) - stim.Len()
	}
	for _, nm := range set.Stimuli.Names {
		file := files[nm]
		img, err := decode(fsys, path.Join(dir, file))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		set.Images = append(set.Images, img)
		set.Files = append(set.Files, file)
	}
	return set, nil
}

func isImage(name string) bool {
	ext := strings.ToLower(path.Ext(name))
	for _, e := range Extensions {
		if ext == e {
			return true
		}
	}
	return false
}

func missingError(missing []string, stim *data.Stimuli, have []string) error {
	show := missing
	if len(show) > 8 {
		show = show[:8]
	}
	msg := fmt.Sprintf("no image for %d of the %d stimuli", len(missing), stim.Len())
	if stim.Source != "" {
		msg += " of " + stim.Source
	}
	msg += ": " + strings.Join(show, ", ")
	if len(show) < len(missing) {
		msg += ", …"
	}
	msg += " (an image is found by its file name without extension: NAME.png, NAME.jpg or NAME.jpeg)"
	if len(missing) == stim.Len() && len(have) > 0 {
		sort.Strings(have)
		msg += fmt.Sprintf("; the folder has images such as %q", have[0])
	}
	return errors.New(msg)
}

func decode(fsys fs.FS, name string) (image.Image, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, format, err := image.Decode(f)
	if err != nil {
		if errors.Is(err, image.ErrFormat) {
			return nil, fmt.Errorf("not a PNG or JPEG image")
		}
		return nil, fmt.Errorf("cannot decode the image: %v", err)
	}
	b := img.Bounds()
	if b.Dx() <= 0 || b.Dy() <= 0 {
		return nil, fmt.Errorf("empty %s image", format)
	}
	return ToRGB(img), nil
}

// ToRGB converts img to an opaque 8-bit RGB image with its origin at
// (0, 0), by the package's colour rule: grey → R = G = B, alpha dropped
// (colour channels as stored, not composited), 16-bit → high byte.
func ToRGB(img image.Image) *image.RGBA {
	b := img.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	switch src := img.(type) {
	case *image.RGBA:
		opaque := true
		for i := 3; i < len(src.Pix); i += 4 {
			if src.Pix[i] != 255 {
				opaque = false
				break
			}
		}
		if opaque {
			draw.Draw(out, out.Bounds(), src, b.Min, draw.Src)
			return out
		}
	case *image.YCbCr, *image.Gray, *image.Paletted:
		// Opaque colour models (a palette may hold alpha: handled below).
		if p, ok := src.(*image.Paletted); !ok || paletteOpaque(p.Palette) {
			draw.Draw(out, out.Bounds(), img, b.Min, draw.Src)
			return out
		}
	}
	i := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			out.Pix[i], out.Pix[i+1], out.Pix[i+2] = rgb8(img.At(x, y))
			out.Pix[i+3] = 255
			i += 4
		}
	}
	return out
}

// rgb8 returns the colour channels of c, non-premultiplied, in 8 bits.
// Non-premultiplied colours are read directly, so that a fully
// transparent pixel keeps its colour.
func rgb8(c color.Color) (r, g, b uint8) {
	switch v := c.(type) {
	case color.NRGBA:
		return v.R, v.G, v.B
	case color.NRGBA64:
		return uint8(v.R >> 8), uint8(v.G >> 8), uint8(v.B >> 8)
	}
	n := color.NRGBA64Model.Convert(c).(color.NRGBA64)
	return uint8(n.R >> 8), uint8(n.G >> 8), uint8(n.B >> 8)
}

func paletteOpaque(p color.Palette) bool {
	for _, c := range p {
		if _, _, _, a := c.RGBA(); a != 0xffff {
			return false
		}
	}
	return true
}

// Thumbnail scales img to fit in a size×size square (keeping its aspect
// ratio; never enlarging), with Catmull-Rom resampling.
func Thumbnail(img image.Image, size int) image.Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if size <= 0 || (w <= size && h <= size) {
		return img
	}
	if w >= h {
		h, w = max(1, h*size/w), size
	} else {
		w, h = max(1, w*size/h), size
	}
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	xdraw.CatmullRom.Scale(out, out.Bounds(), img, b, xdraw.Src, nil)
	return out
}
