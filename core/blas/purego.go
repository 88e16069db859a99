//go:build purego

package blas

// Name is the implementation that Use installs.
const Name = "gonum (pure Go)"

// Use keeps gonum's pure-Go BLAS; present so callers need no build tags.
func Use() {}
