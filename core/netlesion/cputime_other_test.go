//go:build !unix

package netlesion_test

func cpuTime() float64 { return -1 }
