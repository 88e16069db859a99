package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"gonum.org/v1/plot/vg"

	"github.com/alignscope/alignscope/io/export"
	"github.com/alignscope/alignscope/io/project"
	"github.com/alignscope/alignscope/ui"
)

// relocations collects --relocate N=PATH flags.
type relocations map[int]string

func (r relocations) String() string { return fmt.Sprint(map[int]string(r)) }

func (r relocations) Set(s string) error {
	n, p, ok := strings.Cut(s, "=")
	i, err := strconv.Atoi(n)
	if !ok || err != nil || i < 1 || p == "" {
		return fmt.Errorf("%q is not N=PATH (N: the source's number, from 1)", s)
	}
	r[i-1] = p
	return nil
}

// cmdRun implements
//
//	alignscope run RECIPE.toml --out DIR [--figures pdf,svg,png] [--accept-changed] [--relocate N=PATH]…
//
// It replays a recipe (Export → Recipe, or a project's project.toml)
// without a window: it loads the sources (checking their sizes and
// checksums), makes the edits, runs every analysis with its settings and
// seeds, and writes into DIR, per analysis, the tables (CSV, as the
// pages' Export table) and figures (as Export figure), then
// methods.txt, report.pdf, report.html and the replayed project
// (NAME.alignscope, to open in the window).
func cmdRun(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("alignscope run", flag.ContinueOnError)
	fl.SetOutput(stderr)
	out := fl.String("out", "", "write the results into `DIR` (created if needed)")
	formats := fl.String("figures", "pdf,svg,png", "figure `formats`, comma-separated (pdf, svg, png; \"none\" for no figures)")
	accept := fl.Bool("accept-changed", false, "run on data files whose checksum changed since the recipe was written (the numbers may then differ)")
	reloc := relocations{}
	fl.Var(reloc, "relocate", "`N=PATH`: source N (from 1) has moved to PATH (repeatable)")
	noReport := fl.Bool("no-report", false, "write no report.pdf/report.html")
	fl.Usage = func() {
		fmt.Fprint(stderr, `Usage: alignscope run RECIPE.toml --out DIR [options]

Replays a recipe written by Export → Recipe (or a project's project.toml)
without a window: the same data, edits and analyses with the same settings
and seeds, hence the same numbers. Writes tables (CSV), figures, the
methods text, a report (PDF and HTML) and the replayed project into DIR.

`)
		fl.PrintDefaults()
	}
	// flags may come before or after the recipe
	var recipe string
	rest := args
	for {
		if err := fl.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			return 2
		}
		if fl.NArg() == 0 {
			break
		}
		if recipe != "" {
			fmt.Fprintf(stderr, "alignscope run: one recipe only (got %q and %q)\n", recipe, fl.Arg(0))
			return 2
		}
		recipe, rest = fl.Arg(0), fl.Args()[1:]
	}
	if recipe == "" || *out == "" {
		fmt.Fprintln(stderr, "alignscope run: give a recipe and --out DIR")
		fl.Usage()
		return 2
	}
	var exts []string
	if *formats != "none" {
		for _, f := range strings.Split(*formats, ",") {
			ext := "." + strings.ToLower(strings.TrimSpace(f))
			if !slices.Contains(export.PlotFormats, ext) {
				fmt.Fprintf(stderr, "alignscope run: unknown figure format %q (use pdf, svg, png or none)\n", f)
				return 2
			}
			exts = append(exts, ext)
		}
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "alignscope run: %v\n", err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	software := "Alignscope " + version
	o, err := project.ReadRecipe(recipe, project.OpenOptions{Relocate: reloc, AcceptChanged: *accept})
	if err != nil {
		var se *project.SourceError
		if errors.As(err, &se) {
			fmt.Fprintf(stderr, "alignscope run: %v\n", err)
			fmt.Fprintln(stderr, "Give --relocate N=PATH for a moved source, or --accept-changed to run on the files as they are now.")
			return 1
		}
		return fail(err)
	}
	for _, w := range o.Warnings {
		fmt.Fprintf(stderr, "alignscope run: warning: %s\n", w)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return fail(err)
	}
	fmt.Fprintf(stdout, "%s: %d sources, %d analyses\n", o.Project.Name, len(o.Sources), len(o.Analyses))
	status := 0
	for _, a := range o.Analyses {
		start := time.Now()
		fmt.Fprintf(stdout, "%s: %s\n", a.ID, a.Summary())
		res, err := a.Run(ctx, o.Project, nil)
		if err != nil {
			if ctx.Err() != nil {
				return fail(ctx.Err())
			}
			fmt.Fprintf(stderr, "alignscope run: analysis %s: %v\n", a.ID, err)
			status = 1
			continue
		}
		a.Result = res
		dir := filepath.Join(*out, ui.FileStem(a.ID))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fail(err)
		}
		var files []string
		if k := project.KindOf(a.Kind); k != nil && k.WriteTables != nil {
			fs, err := k.WriteTables(dir, res)
			if err != nil {
				return fail(err)
			}
			files = append(files, fs...)
		}
		if len(exts) > 0 {
			fs, err := writeFigures(a, filepath.Join(dir, "figures"), exts)
			files = append(files, fs...)
			if err != nil {
				fmt.Fprintf(stderr, "alignscope run: analysis %s: %v\n", a.ID, err)
			}
		}
		fmt.Fprintf(stdout, "  done in %.1f s: %d files in %s\n", time.Since(start).Seconds(), len(files), dir)
	}
	if err := project.WriteMethods(filepath.Join(*out, "methods.txt"), o.Analyses, software); err != nil {
		return fail(err)
	}
	if !*noReport {
		doc, err := project.BuildReport(&o.State, project.ReportOptions{Software: software, Figures: ui.AnalysisFigures, Sources: o.Sources})
		if err != nil {
			return fail(err)
		}
		if err := project.WriteReport(filepath.Join(*out, "report.pdf"), filepath.Join(*out, "report.html"), doc); err != nil {
			return fail(err)
		}
	}
	pdir := filepath.Join(*out, ui.ProjectFolderName(o.Project.Name))
	if err := project.Save(pdir, &o.State, project.SaveOptions{Software: software}); err != nil {
		return fail(err)
	}
	fmt.Fprintf(stdout, "wrote methods.txt")
	if !*noReport {
		fmt.Fprintf(stdout, ", report.pdf, report.html")
	}
	fmt.Fprintf(stdout, " and %s in %s\n", filepath.Base(pdir), *out)
	return status
}

// writeFigures writes the figures of an analysis in every format, at the
// size of the pages' Export figure (16 × 10 cm).
func writeFigures(a *project.Analysis, dir string, exts []string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var files []string
	var firstErr error
	for _, ext := range exts {
		// built again for each format: a plot is drawn once
		figs, err := ui.AnalysisFigures(a)
		if err != nil && firstErr == nil {
			firstErr = err
		}
		for _, f := range figs {
			p := filepath.Join(dir, f.Name+ext)
			if err := export.SavePlot(f.Plot, p, 16*vg.Centimeter, 10*vg.Centimeter); err != nil {
				return files, err
			}
			files = append(files, p)
		}
	}
	return files, firstErr
}
