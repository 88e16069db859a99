// Command gendemo writes Alignscope's built-in demo project and the
// application icon. It is run by `go generate ./assets`:
//
//	go run ./demogen/cmd/gendemo -out demo -icon icon.png
//
// The output directory is emptied first when it holds a previous demo
// (recognised by its stimuli.tsv), so no stale file is left to be embedded.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/alignscope/alignscope/assets/demogen"
)

func main() {
	out := flag.String("out", "demo", "directory to write the demo project into")
	icon := flag.String("icon", "", "path of the application icon PNG to write (none when empty)")
	flag.Parse()
	if err := run(*out, *icon); err != nil {
		fmt.Fprintln(os.Stderr, "gendemo:", err)
		os.Exit(1)
	}
}

func run(out, icon string) error {
	d, err := demogen.Generate()
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(out, "stimuli.tsv")); err == nil {
		if err := os.RemoveAll(out); err != nil {
			return err
		}
	}
	if err := d.Write(out); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	if icon != "" {
		if err := d.WriteIcon(icon); err != nil {
			return fmt.Errorf("write %s: %w", icon, err)
		}
	}
	return nil
}
