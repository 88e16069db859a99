//go:build !purego

package blas

// #cgo LDFLAGS: -lopenblas
import "C"

import (
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/netlib/blas/netlib"
)

// Name is the implementation that Use installs.
const Name = "OpenBLAS (gonum netlib)"

// Use installs OpenBLAS as gonum's BLAS for float64 and float32.
// Call it once at program start, before any computation.
func Use() {
	blas64.Use(netlib.Implementation{})
	blas32.Use(netlib.Implementation{})
}
