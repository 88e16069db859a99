package job

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// State is the life cycle of a job.
type State int

// The states of a job.
const (
	Running State = iota
	Done
	Failed
	Cancelled
)

func (s State) String() string {
	return [...]string{"running", "done", "failed", "cancelled"}[s]
}

// Func is the work of a job. It must return promptly (with ctx.Err())
// once ctx is cancelled.
type Func func(ctx context.Context, rep *Reporter) error

// Reporter receives a job's progress. It is safe for concurrent use, so
// parallel workers may call Add.
type Reporter struct {
	done, total atomic.Int64
	mu          sync.Mutex
	msg         string
	notify      func()
}

// SetTotal sets the number of steps.
func (r *Reporter) SetTotal(total int) { r.total.Store(int64(total)); r.changed() }

// Set sets the number of steps done.
func (r *Reporter) Set(done int) { r.done.Store(int64(done)); r.changed() }

// Add marks n more steps done.
func (r *Reporter) Add(n int) { r.done.Add(int64(n)); r.changed() }

// Message sets the line shown under the progress bar.
func (r *Reporter) Message(format string, args ...any) {
	r.mu.Lock()
	r.msg = fmt.Sprintf(format, args...)
	r.mu.Unlock()
	r.changed()
}

func (r *Reporter) changed() {
	if r != nil && r.notify != nil {
		r.notify()
	}
}

// Job is one background computation.
type Job struct {
	ID      int
	Name    string
	started time.Time
	cancel  context.CancelFunc
	rep     Reporter
	finish  chan struct{}

	mu    sync.Mutex
	state State
	err   error
	ended time.Time
}

// Status is a snapshot of a job for display.
type Status struct {
	ID          int
	Name        string
	State       State
	Done, Total int
	Message     string
	Elapsed     time.Duration
	// Remaining is the estimated time left, or -1 when unknown.
	Remaining time.Duration
	Err       error
}

// Fraction is Done/Total in [0, 1], or 0 when the total is unknown.
func (s Status) Fraction() float64 {
	if s.Total <= 0 {
		return 0
	}
	f := float64(s.Done) / float64(s.Total)
	return min(max(f, 0), 1)
}

// Cancel asks the job to stop; it ends in state Cancelled.
func (j *Job) Cancel() { j.cancel() }

// Wait blocks until the job ends and returns its error (context.Canceled
// when cancelled).
func (j *Job) Wait() error {
	<-j.finish
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.err
}

// Status returns a snapshot.
func (j *Job) Status() Status {
	j.mu.Lock()
	st, err, ended := j.state, j.err, j.ended
	j.mu.Unlock()
	j.rep.mu.Lock()
	msg := j.rep.msg
	j.rep.mu.Unlock()
	s := Status{ID: j.ID, Name: j.Name, State: st, Err: err, Message: msg,
		Done: int(j.rep.done.Load()), Total: int(j.rep.total.Load()), Remaining: -1}
	if st == Running {
		s.Elapsed = time.Since(j.started)
	} else {
		s.Elapsed = ended.Sub(j.started)
		s.Remaining = 0
	}
	if st == Running && s.Done > 0 && s.Total > 0 {
		s.Remaining = time.Duration(float64(s.Elapsed) * float64(s.Total-s.Done) / float64(s.Done))
	}
	return s
}

// Manager starts jobs and keeps the list of those not yet dismissed.
type Manager struct {
	mu       sync.Mutex
	next     int
	jobs     []*Job
	onChange func()
}

// NewManager returns a manager; onChange (may be nil) is called, from any
// goroutine, whenever a job starts, progresses or ends. Keep it cheap.
func NewManager(onChange func()) *Manager { return &Manager{onChange: onChange} }

func (m *Manager) changed() {
	if m.onChange != nil {
		m.onChange()
	}
}

// Start runs fn in a new goroutine. then (may be nil) runs in that
// goroutine after fn returns, with fn's error, before the job is marked
// ended; a panic in fn becomes the job's error instead of crashing the
// program.
func (m *Manager) Start(name string, fn Func, then func(error)) *Job {
	ctx, cancel := context.WithCancel(context.Background())
	m.mu.Lock()
	m.next++
	j := &Job{ID: m.next, Name: name, started: time.Now(), cancel: cancel, finish: make(chan struct{})}
	j.rep.notify = m.changed
	m.jobs = append(m.jobs, j)
	m.mu.Unlock()
	m.changed()
	go func() {
		err := run(ctx, fn, &j.rep)
		cancel()
		// The job counts as running until then has handed its result on,
		// so a waiter never sees a gap between this job and one that then
		// starts.
		if then != nil {
			then(err)
		}
		j.mu.Lock()
		j.err, j.ended = err, time.Now()
		switch {
		case err == nil:
			j.state = Done
		case errors.Is(err, context.Canceled):
			j.state = Cancelled
		default:
			j.state = Failed
		}
		j.mu.Unlock()
		close(j.finish)
		m.changed()
	}()
	return j
}

func run(ctx context.Context, fn Func, rep *Reporter) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error: %v (please report it)", r)
		}
	}()
	return fn(ctx, rep)
}

// Jobs returns the jobs in start order.
func (m *Manager) Jobs() []*Job {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]*Job(nil), m.jobs...)
}

// Running counts the running jobs.
func (m *Manager) Running() int {
	n := 0
	for _, j := range m.Jobs() {
		if j.Status().State == Running {
			n++
		}
	}
	return n
}

// Dismiss removes ended jobs from the list.
func (m *Manager) Dismiss() {
	m.mu.Lock()
	kept := m.jobs[:0]
	for _, j := range m.jobs {
		j.mu.Lock()
		if j.state == Running {
			kept = append(kept, j)
		}
		j.mu.Unlock()
	}
	m.jobs = kept
	m.mu.Unlock()
	m.changed()
}

// CancelAll cancels every running job.
func (m *Manager) CancelAll() {
	for _, j := range m.Jobs() {
		j.Cancel()
	}
}
