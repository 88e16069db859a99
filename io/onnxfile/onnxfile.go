package onnxfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/alignscope/alignscope/core/network"
)

// SidecarPath is the side-car JSON of a model file: the path with its
// extension replaced by .json.
func SidecarPath(path string) string {
	return strings.TrimSuffix(path, filepath.Ext(path)) + ".json"
}

// Open reads the network at path and its side-car when present. The
// returned bool tells whether a side-car was read.
func Open(path string) (*network.Net, bool, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, false, fmt.Errorf("open network: %w", err)
	}
	if st.IsDir() {
		return nil, false, fmt.Errorf("open network: %s is a folder; choose an .onnx file", path)
	}
	model, err := os.ReadFile(path)
	if err != nil {
		return nil, false, fmt.Errorf("open network: %w", err)
	}
	side := SidecarPath(path)
	js, err := os.ReadFile(side)
	if errors.Is(err, fs.ErrNotExist) || side == path {
		js, err = nil, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("open network: side-car %s: %w", side, err)
	}
	n, err := Load(model, js, path)
	if err != nil {
		return nil, false, err
	}
	return n, js != nil, nil
}

// Load makes a network from the bytes of an .onnx file and of its
// side-car (nil: none); name (a path) names both in messages. The Net's
// Name is the base name of name.
func Load(model, sidecar []byte, name string) (*network.Net, error) {
	n, err := network.Load(model, name)
	if err != nil {
		return nil, err
	}
	n.Name = filepath.Base(name)
	if sidecar != nil {
		if n.Pre, err = network.ParsePreprocess(sidecar, n.Pre); err != nil {
			return nil, fmt.Errorf("%s: %w", SidecarPath(name), err)
		}
	}
	return n, nil
}
