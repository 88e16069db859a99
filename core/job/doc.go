// Package job runs long computations in the background.
//
// A Manager starts each Job in its own goroutine with a cancellable
// context.Context and a Reporter for progress (done of total, and a
// message). Status snapshots give the elapsed time and an estimate of the
// time remaining, t_rem = t_elapsed · (total − done) / done. Parallel work
// inside a job goes through For, which uses at most GOMAXPROCS workers and
// stops at the first error or on cancellation.
package job
