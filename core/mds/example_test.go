package mds_test

import (
	"context"
	"fmt"

	"github.com/alignscope/alignscope/core/mds"
	"github.com/alignscope/alignscope/core/rdm"
)

// Four conditions at the corners of a 3 × 4 rectangle: classical scaling
// recovers it, on its principal axes.
func ExampleClassical() {
	r := &rdm.RDM{N: 4, Vec: []float64{
		4, 3, 5, // 0–1, 0–2, 0–3
		5, 3, // 1–2, 1–3
		4, // 2–3
	}}
	res, _ := mds.Classical(r, 2)
	for i := 0; i < 4; i++ {
		fmt.Printf("%5.2f %5.2f\n", res.X.At(i, 0)+0, res.X.At(i, 1)+0)
	}
	fmt.Printf("stress %.2f\n", res.Stress)
	// Output:
	//  2.00  1.50
	// -2.00  1.50
	//  2.00 -1.50
	// -2.00 -1.50
	// stress 0.00
}

func ExampleSMACOF() {
	r := &rdm.RDM{N: 4, Vec: []float64{4, 3, 5, 5, 3, 4}}
	res, _ := mds.SMACOF(context.Background(), r, &mds.Options{Seed: 1, Starts: 4}, nil)
	fmt.Printf("stress-1 below 1e-6: %v\n", res.Stress1 < 1e-6)
	// Output: stress-1 below 1e-6: true
}
