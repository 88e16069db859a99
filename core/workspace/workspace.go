package workspace

import (
	"sync"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/job"
)

// Workspace is the session state. Its methods are safe for concurrent use.
type Workspace struct {
	Jobs *job.Manager

	mu        sync.RWMutex
	project   *data.Project
	listeners []func()
	past      []*data.Project // for Undo, oldest first
	future    []*data.Project // for Redo, most recent undo last
}

// undoDepth is how many changes Undo can take back.
const undoDepth = 100

// New returns a workspace with an empty project called name.
func New(name string) *Workspace {
	w := &Workspace{project: &data.Project{Name: name}}
	w.Jobs = job.NewManager(nil)
	return w
}

// Project returns the current project. Treat it as read-only: change it
// only through Update.
func (w *Workspace) Project() *data.Project {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return w.project
}

// OnChange registers fn to be called (on the goroutine that made the
// change) after every successful Update or Replace.
func (w *Workspace) OnChange(fn func()) {
	w.mu.Lock()
	w.listeners = append(w.listeners, fn)
	w.mu.Unlock()
}

// Update applies change to a copy of the project; on success the copy
// becomes the project and listeners are told, on error nothing changes.
func (w *Workspace) Update(change func(p *data.Project) error) error {
	w.mu.Lock()
	next := Clone(w.project)
	if err := change(next); err != nil {
		w.mu.Unlock()
		return err
	}
	w.past = append(w.past, w.project)
	if len(w.past) > undoDepth {
		w.past = w.past[1:]
	}
	w.future = nil
	w.project = next
	w.notify()
	return nil
}

// notify tells the listeners; called with w.mu held, it releases it.
func (w *Workspace) notify() {
	ls := append([]func(){}, w.listeners...)
	w.mu.Unlock()
	for _, fn := range ls {
		fn()
	}
}

// CanUndo and CanRedo report whether there is a change to take back or
// to make again.
func (w *Workspace) CanUndo() bool { w.mu.RLock(); defer w.mu.RUnlock(); return len(w.past) > 0 }

// CanRedo reports whether an undone change can be made again.
func (w *Workspace) CanRedo() bool { w.mu.RLock(); defer w.mu.RUnlock(); return len(w.future) > 0 }

// Undo takes back the last change of the project (adding or removing
// data, renaming, replacing the project); it reports whether there was
// one.
func (w *Workspace) Undo() bool {
	w.mu.Lock()
	if len(w.past) == 0 {
		w.mu.Unlock()
		return false
	}
	w.future = append(w.future, w.project)
	w.project = w.past[len(w.past)-1]
	w.past = w.past[:len(w.past)-1]
	w.notify()
	return true
}

// Redo makes the last undone change again.
func (w *Workspace) Redo() bool {
	w.mu.Lock()
	if len(w.future) == 0 {
		w.mu.Unlock()
		return false
	}
	w.past = append(w.past, w.project)
	w.project = w.future[len(w.future)-1]
	w.future = w.future[:len(w.future)-1]
	w.notify()
	return true
}

// Replace installs p as the project (e.g. after opening the demo).
func (w *Workspace) Replace(p *data.Project) {
	w.Update(func(q *data.Project) error { *q = *Clone(p); return nil })
}

// Clone copies the project's structure (the lists of models, layers,
// subjects and regions); the matrices themselves are shared, read-only.
func Clone(p *data.Project) *data.Project {
	q := &data.Project{Name: p.Name, Stimuli: p.Stimuli, Sources: append([]data.Source(nil), p.Sources...),
		Edits: append([]data.Edit(nil), p.Edits...)}
	for _, m := range p.Models {
		mc := *m
		mc.Layers = append([]*data.Layer(nil), m.Layers...)
		q.Models = append(q.Models, &mc)
	}
	for _, s := range p.Subjects {
		sc := *s
		sc.Regions = append([]*data.Region(nil), s.Regions...)
		q.Subjects = append(q.Subjects, &sc)
	}
	return q
}
