package job

import (
	"context"
	"errors"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

func TestJobDoneProgress(t *testing.T) {
	var notes atomic.Int64
	m := NewManager(func() { notes.Add(1) })
	j := m.Start("count", func(ctx context.Context, rep *Reporter) error {
		rep.SetTotal(4)
		for i := 0; i < 4; i++ {
			rep.Add(1)
			rep.Message("step %d", i+1)
		}
		return nil
	}, nil)
	if err := j.Wait(); err != nil {
		t.Fatal(err)
	}
	s := j.Status()
	if s.State != Done || s.Done != 4 || s.Total != 4 || s.Message != "step 4" || s.Fraction() != 1 || s.Remaining != 0 {
		t.Fatalf("status %+v", s)
	}
	if notes.Load() < 5 {
		t.Fatalf("onChange called %d times", notes.Load())
	}
}

func TestJobCancel(t *testing.T) {
	m := NewManager(nil)
	started := make(chan struct{})
	var thenErr error
	j := m.Start("forever", func(ctx context.Context, rep *Reporter) error {
		close(started)
		<-ctx.Done()
		return ctx.Err()
	}, func(err error) { thenErr = err })
	<-started
	if m.Running() != 1 {
		t.Fatalf("running = %d", m.Running())
	}
	j.Cancel()
	if err := j.Wait(); !errors.Is(err, context.Canceled) || !errors.Is(thenErr, context.Canceled) {
		t.Fatalf("err %v then %v", err, thenErr)
	}
	if j.Status().State != Cancelled {
		t.Fatalf("state %v", j.Status().State)
	}
	m.Dismiss()
	if len(m.Jobs()) != 0 {
		t.Fatal("dismiss kept an ended job")
	}
}

func TestJobPanicBecomesError(t *testing.T) {
	m := NewManager(nil)
	j := m.Start("bad", func(ctx context.Context, rep *Reporter) error { panic("boom") }, nil)
	if err := j.Wait(); err == nil || j.Status().State != Failed {
		t.Fatalf("err %v state %v", err, j.Status().State)
	}
}

func TestRemainingEstimate(t *testing.T) {
	m := NewManager(nil)
	release := make(chan struct{})
	j := m.Start("half", func(ctx context.Context, rep *Reporter) error {
		rep.SetTotal(10)
		time.Sleep(20 * time.Millisecond)
		rep.Set(5)
		<-release
		return nil
	}, nil)
	for j.Status().Done < 5 {
		time.Sleep(time.Millisecond)
	}
	s := j.Status()
	if s.Remaining <= 0 || s.Remaining > 10*s.Elapsed {
		t.Fatalf("remaining %v elapsed %v", s.Remaining, s.Elapsed)
	}
	close(release)
	j.Wait()
}

func TestForWorkersAndErrors(t *testing.T) {
	var active, peak atomic.Int64
	var sum atomic.Int64
	err := For(context.Background(), 100, func(i int) error {
		a := active.Add(1)
		for {
			p := peak.Load()
			if a <= p || peak.CompareAndSwap(p, a) {
				break
			}
		}
		time.Sleep(100 * time.Microsecond)
		sum.Add(int64(i))
		active.Add(-1)
		return nil
	})
	if err != nil || sum.Load() != 4950 {
		t.Fatalf("err %v sum %d", err, sum.Load())
	}
	if peak.Load() > int64(runtime.GOMAXPROCS(0)) {
		t.Fatalf("peak workers %d > GOMAXPROCS %d", peak.Load(), runtime.GOMAXPROCS(0))
	}
	want := errors.New("stop")
	if err := For(context.Background(), 1000, func(i int) error {
		if i == 3 {
			return want
		}
		return nil
	}); !errors.Is(err, want) {
		t.Fatalf("err %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var calls atomic.Int64
	if err := For(ctx, 1000, func(int) error { calls.Add(1); return nil }); !errors.Is(err, context.Canceled) || calls.Load() > int64(runtime.GOMAXPROCS(0)) {
		t.Fatalf("cancelled For: err %v calls %d", err, calls.Load())
	}
}
