package assets

import (
	"embed"
	"io/fs"
)

//go:generate go run ./demogen/cmd/gendemo -out demo -icon icon.png

// Demo is the built-in demo project; its files are under "demo/".
//
//go:embed demo
var Demo embed.FS

// Icon is the application icon, a 256×256 PNG.
//
//go:embed icon.png
var Icon []byte

// DemoRoot returns the demo project with "demo/" stripped, so that its
// files are "stimuli.tsv", "models/gabornet.npz", ….
func DemoRoot() fs.FS {
	sub, err := fs.Sub(Demo, "demo")
	if err != nil {
		panic(err) // "demo" is a valid path; fs.Sub cannot fail
	}
	return sub
}
