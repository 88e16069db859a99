// Package userfile opens the files a user points Alignscope at, with the
// messages every reader gives: which file, what went wrong, what to do.
package userfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// Open opens path for reading and returns it with its size. A missing or
// unreadable file, and a folder, are errors that name the file; kind says
// what was expected in a folder's case (".npy or .npz file").
func Open(path, kind string) (*os.File, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, 0, fmt.Errorf("open %s: %w; check the path and that you may read the file", path, err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("open %s: %w", path, err)
	}
	if fi.IsDir() {
		f.Close()
		return nil, 0, fmt.Errorf("open %s: it is a folder; choose a %s inside it", path, kind)
	}
	return f, fi.Size(), nil
}
