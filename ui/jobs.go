package ui

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/alignscope/alignscope/core/job"
)

// JobsPanel lists background jobs, each with a progress bar, the time
// remaining and a cancel button. It refreshes itself while jobs run.
type JobsPanel struct {
	widget.BaseWidget
	jobs *job.Manager
	box  *fyne.Container
	rows map[int]*jobRow
	tick *time.Ticker
	done chan struct{}
}

type jobRow struct {
	root   *fyne.Container
	title  *widget.Label
	detail *widget.Label
	bar    *widget.ProgressBar
	cancel *widget.Button
}

// NewJobsPanel returns a panel over the manager's jobs.
func NewJobsPanel(m *job.Manager) *JobsPanel {
	p := &JobsPanel{jobs: m, box: container.NewVBox(), rows: map[int]*jobRow{}, done: make(chan struct{})}
	p.ExtendBaseWidget(p)
	p.Refresh()
	return p
}

// CreateRenderer implements fyne.Widget.
func (p *JobsPanel) CreateRenderer() fyne.WidgetRenderer {
	clear := widget.NewButtonWithIcon("Clear finished", theme.DeleteIcon(), func() { p.jobs.Dismiss(); p.Refresh() })
	head := container.NewBorder(nil, nil, widget.NewLabelWithStyle("Jobs", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), clear)
	return widget.NewSimpleRenderer(container.NewBorder(head, nil, nil, nil, container.NewVScroll(p.box)))
}

// Start begins refreshing every interval until Stop. The ticker goroutine
// only schedules refreshes with fyne.Do.
func (p *JobsPanel) Start(interval time.Duration) {
	p.tick = time.NewTicker(interval)
	go func() {
		for {
			select {
			case <-p.tick.C:
				fyne.Do(p.Refresh)
			case <-p.done:
				return
			}
		}
	}()
}

// Stop ends the refresh goroutine.
func (p *JobsPanel) Stop() {
	if p.tick != nil {
		p.tick.Stop()
		close(p.done)
		p.tick = nil
	}
}

// Refresh rebuilds the rows from the manager's job list.
func (p *JobsPanel) Refresh() {
	if p.box == nil {
		return
	}
	jobs := p.jobs.Jobs()
	objs := make([]fyne.CanvasObject, 0, len(jobs))
	live := map[int]bool{}
	for i := len(jobs) - 1; i >= 0; i-- { // newest first
		j := jobs[i]
		live[j.ID] = true
		r := p.rows[j.ID]
		if r == nil {
			r = newJobRow(j)
			p.rows[j.ID] = r
		}
		r.update(j.Status())
		objs = append(objs, r.root)
	}
	for id := range p.rows {
		if !live[id] {
			delete(p.rows, id)
		}
	}
	if len(objs) == 0 {
		objs = append(objs, widget.NewLabel("No jobs. Long computations run here, with progress and a cancel button."))
	}
	p.box.Objects = objs
	p.box.Refresh()
	p.BaseWidget.Refresh()
}

func newJobRow(j *job.Job) *jobRow {
	r := &jobRow{title: widget.NewLabel(j.Name), detail: widget.NewLabel(""), bar: widget.NewProgressBar()}
	r.title.TextStyle.Bold = true
	r.detail.Truncation = fyne.TextTruncateEllipsis
	r.bar.TextFormatter = func() string { return fmt.Sprintf("%.0f%%", 100*r.bar.Value) }
	r.cancel = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), j.Cancel)
	// One line per job: name, progress bar, what it is doing and the time
	// left, cancel button.
	bar := container.NewGridWrap(fyne.NewSize(220, r.bar.MinSize().Height), r.bar)
	r.root = container.NewBorder(nil, nil, container.NewHBox(r.title, bar), r.cancel, r.detail)
	return r
}

func (r *jobRow) update(s job.Status) {
	r.bar.SetValue(s.Fraction())
	var d string
	switch s.State {
	case job.Running:
		d = fmt.Sprintf("%s · %s elapsed", orDash(s.Message), round(s.Elapsed))
		if s.Remaining >= 0 {
			d += fmt.Sprintf(" · about %s left", round(s.Remaining))
		}
		r.cancel.Enable()
	case job.Done:
		r.bar.SetValue(1)
		d = fmt.Sprintf("done in %s", round(s.Elapsed))
		r.cancel.Disable()
	case job.Cancelled:
		d = "cancelled"
		r.cancel.Disable()
	case job.Failed:
		d = fmt.Sprintf("failed: %v", s.Err)
		r.cancel.Disable()
	}
	if s.Total > 0 && s.State == job.Running {
		d = fmt.Sprintf("%d/%d · ", s.Done, s.Total) + d
	}
	r.detail.SetText(d)
}

func orDash(s string) string {
	if s == "" {
		return "working"
	}
	return s
}

func round(d time.Duration) time.Duration {
	if d < time.Second {
		return d.Round(10 * time.Millisecond)
	}
	return d.Round(time.Second)
}
