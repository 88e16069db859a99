package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"github.com/alignscope/alignscope/assets"
	"github.com/alignscope/alignscope/core/blas"
	"github.com/alignscope/alignscope/core/workspace"
	"github.com/alignscope/alignscope/io/npy"
	"github.com/alignscope/alignscope/ui"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "0.1.0-dev"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	blas.Use()
	if len(args) > 0 {
		switch args[0] {
		case "info":
			return cmdInfo(args[1:], stdout, stderr)
		case "rdm":
			return cmdRDM(args[1:], stdout, stderr)
		case "compare":
			return cmdCompare(args[1:], stdout, stderr)
		case "extract":
			return cmdExtract(args[1:], stdout, stderr)
		case "encode":
			return cmdEncode(args[1:], stdout, stderr)
		case "run":
			return cmdRun(args[1:], stdout, stderr)
		case "lesion":
			return cmdLesion(args[1:], stdout, stderr)
		case "version":
			fmt.Fprintf(stdout, "alignscope %s (BLAS: %s)\n", version, blas.Name)
			return 0
		case "help":
			usage(stdout)
			return 0
		}
	}
	fl := flag.NewFlagSet("alignscope", flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.Usage = func() { usage(stderr) }
	demo := fl.Bool("demo", false, "open the built-in demo project")
	tour := fl.Bool("tour", false, "show every panel in turn on the demo project: print \"panel NAME\" and wait for a line on stdin after each (for screenshot tests), then quit")
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fl.NArg() > 0 {
		fmt.Fprintf(stderr, "alignscope: unknown command %q\n", fl.Arg(0))
		usage(stderr)
		return 2
	}
	return gui(*demo, *tour, os.Stdin, stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprint(w, `Alignscope: test neural networks as models of the brain.

Usage:
  alignscope [--demo]                       open the window (--demo: on the demo project)
  alignscope info FILE...                   what .npy/.npz files hold
  alignscope rdm --data FILE[:KEY] --method M --out RDM.npy
                                            RDM vector(s) of a data matrix (alignscope rdm -h)
  alignscope compare --a A.npy --b B.npy --method M --out C.npy
                                            comparison matrix of two RDM sets (alignscope compare -h)
  alignscope encode --features X.npy --targets Y.npy [--folds 5] [--alphas -2,5,10] --out PREFIX
                                            per-target cross-validated ridge (alignscope encode -h)
  alignscope run RECIPE.toml --out DIR      replay a recipe headless: tables, figures, methods, report
  alignscope lesion --layer FILE[:KEY] --region RDMS.npy --plan P --out PREFIX
                                            lesion curve against a random null (alignscope lesion -h)
  alignscope extract --model NET.onnx --images DIR [--layers a,b,c] --out DIR
                                            run an ONNX network over stimulus images: one
                                            float32 .npy per layer (alignscope extract -h)
  alignscope version                        version and linear-algebra back end

`)
}

func cmdInfo(files []string, stdout, stderr io.Writer) int {
	if len(files) == 0 {
		fmt.Fprintln(stderr, "alignscope info: give one or more .npy or .npz files")
		return 2
	}
	status := 0
	for _, name := range files {
		f, err := npy.Open(name)
		if err != nil {
			fmt.Fprintf(stderr, "alignscope info: %v\n", err)
			status = 1
			continue
		}
		fmt.Fprint(stdout, npy.Describe(f))
		f.Close()
	}
	return status
}

func gui(demo, tour bool, stdin io.Reader, stdout, stderr io.Writer) int {
	a := fyneapp.NewWithID("org.alignscope.workbench")
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	w := a.NewWindow("Alignscope")
	ws := workspace.New("Untitled project")
	demoFS, err := fs.Sub(assets.Demo, "demo")
	if err != nil {
		fmt.Fprintf(stderr, "alignscope: demo project: %v\n", err)
		return 1
	}
	mw := ui.NewMainWindow(w, ws, ui.Options{Demo: demoFS, Version: version, BLAS: blas.Name, OnQuit: a.Quit})
	w.Resize(fyne.NewSize(1280, 800))
	w.SetMaster()
	if demo || tour {
		mw.OpenDemo()
	}
	status := 0
	if tour {
		in := bufio.NewScanner(stdin)
		go func() {
			err := ui.RunTour(mw, func(name string) error {
				fmt.Fprintf(stdout, "panel %s\n", name)
				if !in.Scan() {
					return errors.New("stdin closed")
				}
				return nil
			}, func(line string) { fmt.Fprintln(stdout, "probe "+line) })
			if err != nil {
				fmt.Fprintf(stderr, "alignscope: tour: %v\n", err)
				status = 1
			}
			fmt.Fprintln(stdout, "tour done")
			fyne.Do(a.Quit)
		}()
	}
	mw.StartJobsRefresh()
	if !tour {
		// autosave every few minutes; after an unclean exit, offer the
		// last autosave first
		mw.StartAutosave("", 3*time.Minute)
	}
	w.ShowAndRun()
	mw.StopJobsRefresh()
	if !tour {
		mw.StopAutosave()
	}
	ws.Jobs.CancelAll()
	return status
}
