package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"

	"github.com/alignscope/alignscope/core/job"
	"github.com/alignscope/alignscope/io/loader"
)

// TourStep is one panel the screenshot tour shows and captures.
type TourStep struct {
	Name string
	Show func(mw *MainWindow)
}

// TourSteps are the panels of the window, each as a user reaches it.
func TourSteps() []TourStep {
	first := func(mw *MainWindow, kind string) string {
		p := mw.ws.Project()
		switch kind {
		case "model":
			if len(p.Models) > 0 {
				return nodeID("model", p.Models[0].Name)
			}
		case "layer":
			if len(p.Models) > 0 {
				m := p.Models[0]
				return nodeID("layer", m.Name, m.Layers[len(m.Layers)/2].Name)
			}
		case "subject":
			if len(p.Subjects) > 0 {
				return nodeID("subject", p.Subjects[0].Name)
			}
		case "region":
			if len(p.Subjects) > 0 {
				s := p.Subjects[0]
				return nodeID("region", s.Name, s.Regions[len(s.Regions)-1].Name)
			}
		}
		return ""
	}
	return []TourStep{
		{"01-summary", func(mw *MainWindow) { mw.Select("") }},
		{"02-stimuli-thumbnails", func(mw *MainWindow) { mw.Select("stimuli") }},
		{"03-stimuli-table", func(mw *MainWindow) { mw.Select("stimuli"); mw.ShowStimulusTable() }},
		{"04-model", func(mw *MainWindow) { mw.Select(first(mw, "model")) }},
		{"05-layer", func(mw *MainWindow) { mw.Select(first(mw, "layer")) }},
		{"06-subject", func(mw *MainWindow) { mw.Select(first(mw, "subject")) }},
		{"07-region", func(mw *MainWindow) { mw.Select(first(mw, "region")) }},
		{"08-open-form", func(mw *MainWindow) {
			mw.ShowOpenForm(&loader.Info{Path: "sub-05.npz", Kind: loader.KindRecording,
				Arrays: []loader.ArrayInfo{{Name: "V1", Shape: []int{2, 64, 150}, DType: "float32"}, {Name: "IT", Shape: []int{2, 64, 150}, DType: "float32"}}})
		}},
		{"09-error-dialog", func(mw *MainWindow) {
			mw.closeOverlays()
			mw.Load(LoadRequest{Path: filepath.Join(os.TempDir(), "alignscope-no-such-file.npz"), Kind: loader.KindModel, Name: "missing"})
		}},
		{"10-rsa-choices", func(mw *MainWindow) { mw.Select("stimuli"); mw.ShowPage("RSA") }},
		{"11-rsa-comparison", func(mw *MainWindow) {
			mw.rsa.samples.SetText("1000")
			mw.rsa.Run()
		}},
		{"12-rsa-profile", func(mw *MainWindow) { mw.rsa.views.SelectIndex(1) }},
		{"13-rsa-layers-regions", func(mw *MainWindow) { mw.rsa.views.SelectIndex(2) }},
		{"14-rsa-rdms", func(mw *MainWindow) {
			mw.rsa.views.SelectIndex(0)
			mw.rsa.tapBar(0, 0.3)
		}},
		{"15-rsa-mds", func(mw *MainWindow) { mw.rsa.rdms.asMDS.SetChecked(true) }},
		{"16-encoding-fit-map", func(mw *MainWindow) { mw.ShowPage("Encoding"); mw.enc.Run() }},
		{"17-encoding-best-layer", func(mw *MainWindow) { mw.enc.views.SelectIndex(1) }},
		{"18-encoding-distributions", func(mw *MainWindow) { mw.enc.views.SelectIndex(2) }},
		{"19-encoding-profile", func(mw *MainWindow) { mw.enc.views.SelectIndex(3) }},
		{"20-encoding-compare", func(mw *MainWindow) { mw.enc.views.SelectIndex(4) }},
		{"21-encoding-penalties", func(mw *MainWindow) { mw.enc.views.SelectIndex(5) }},
		{"22-lesion-curves", func(mw *MainWindow) {
			mw.ShowPage("Lesions")
			pg := mw.les
			pg.model.SetSelected("gabornet")
			pg.layer.SetSelected("fc")
			pg.plan.SetSelected(planSelective)
			pg.descriptor.SetSelected("category")
			pg.Run()
		}},
		{"23-lesion-rdms", func(mw *MainWindow) { mw.les.views.SelectIndex(1) }},
		{"24-lesion-confusion", func(mw *MainWindow) { mw.les.views.SelectIndex(2) }},
		{"25-lesion-effect-sizes", func(mw *MainWindow) { mw.les.views.SelectIndex(3) }},
		{"26-network-nodes", func(mw *MainWindow) { mw.ShowPage("Networks"); mw.model.OpenDemoNetwork() }},
		{"27-network-extracted", func(mw *MainWindow) {
			dir, err := os.MkdirTemp("", "alignscope-tour-")
			if err == nil {
				tourTemp = append(tourTemp, dir)
				mw.model.out.SetText(filepath.Join(dir, "demonet"))
				mw.model.Extract()
			}
		}},
	}
}

func (mw *MainWindow) closeOverlays() {
	ov := mw.Win.Canvas().Overlays()
	for ov.Top() != nil {
		ov.Remove(ov.Top())
	}
}

// RunTour waits for running jobs, then shows each step in turn and calls
// shoot(name) once the window has redrawn; shoot takes the screenshot (the
// smoke test captures the real X display) and returns when done. RunTour
// must run on its own goroutine: it waits between steps so the window
// renders. While the jobs a step started run, it measures how long the UI
// goroutine takes to answer (a call through fyne.DoAndWait every 5 ms) and
// reports the longest wait of each step through log. It returns the first
// error of shoot.
func RunTour(mw *MainWindow, shoot func(name string) error, log func(string)) error {
	waitJobs(mw.ws.Jobs, 60*time.Second)
	for _, st := range TourSteps() {
		fyne.DoAndWait(func() { mw.closeOverlays(); st.Show(mw) })
		gap := probeUI(func() bool {
			time.Sleep(700 * time.Millisecond) // let jobs started by the step report and the window redraw
			waitJobs(mw.ws.Jobs, 30*time.Second)
			return true
		})
		if log != nil {
			log(fmt.Sprintf("%s: longest UI wait %s", st.Name, gap.Round(time.Millisecond)))
		}
		fyne.DoAndWait(mw.jobs.Refresh)
		time.Sleep(300 * time.Millisecond)
		if err := shoot(st.Name); err != nil {
			return fmt.Errorf("tour %s: %w", st.Name, err)
		}
	}
	fyne.DoAndWait(mw.closeOverlays)
	waitJobs(mw.ws.Jobs, 30*time.Second)
	for _, d := range tourTemp {
		os.RemoveAll(d)
	}
	tourTemp = nil
	return nil
}

// tourTemp lists the folders the tour made (the extraction step's), removed
// when it ends.
var tourTemp []string

// probeUI runs wait while pinging the UI goroutine every 5 ms, and
// returns the longest time a ping waited for it.
func probeUI(wait func() bool) time.Duration {
	done := make(chan struct{})
	worst := make(chan time.Duration)
	go func() {
		var w time.Duration
		for {
			select {
			case <-done:
				worst <- w
				return
			case <-time.After(5 * time.Millisecond):
				t0 := time.Now()
				fyne.DoAndWait(func() {})
				w = max(w, time.Since(t0))
			}
		}
	}()
	wait()
	close(done)
	return <-worst
}

func waitJobs(m *job.Manager, limit time.Duration) {
	deadline := time.Now().Add(limit)
	for m.Running() > 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
}
