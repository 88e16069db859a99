//go:build !unix

package network

func cpuTime() float64 { return -1 }
