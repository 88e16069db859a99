//go:build unix

package netlesion_test

import "syscall"

// cpuTime is the process's user + system CPU time in seconds: with
// other programs competing for the cores, CPU time / number of cores
// estimates the wall time on an idle machine.
func cpuTime() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return -1
	}
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}
