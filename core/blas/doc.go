// Package blas selects the BLAS implementation behind gonum.
//
// By default Alignscope links OpenBLAS through gonum.org/v1/netlib (cgo,
// -lopenblas) and Use installs it for both blas64 and blas32, so every
// gonum/mat product (Gram matrices X·Xᵀ, ridge solves) runs at OpenBLAS
// speed, about 10× gonum's pure-Go kernels on this project's machines.
// Building with the tag "purego" (go build -tags purego) drops the cgo
// dependency and Use keeps gonum's own implementation.
//
// Gram computes G = X·Xᵀ for an n × p matrix, the kernel of RDMs and kernel
// ridge; its benchmark reports GFLOP/s as 2·n²·p / t.
package blas
