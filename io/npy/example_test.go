package npy_test

import (
	"bytes"
	"fmt"
	"log"

	"github.com/alignscope/alignscope/io/npy"
)

func Example() {
	f, err := npy.Open("testdata/savez.npz")
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	fmt.Print(npy.Describe(f))

	// Layer 2 is 5 × 2 × 2: read as a 5 × 4 matrix, two columns at a time.
	m, err := f.Array("layer2").Matrix()
	if err != nil {
		log.Fatal(err)
	}
	n, p := m.Dims()
	block := make([]float64, n*2)
	for j0 := 0; j0 < p; j0 += 2 {
		if err := m.ReadColumns(j0, j0+2, block); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Println(n, p)
	// Output:
	// testdata/savez.npz: NumPy archive (.npz), 4 arrays
	//   name    shape  dtype    order  size   matrix
	//   layer1  5×7    float32  C      140 B  5 × 7
	//   layer2  5×2×2  float64  C      160 B  5 × 4
	//   labels  4      int32    C      16 B   4 × 1
	//   names   5      str      C      40 B   5 strings
	// 5 4
}

func ExampleNPZWriter() {
	var buf bytes.Buffer
	z := npy.NewNPZWriter(&buf)
	w, err := z.Create("conv1")
	if err != nil {
		log.Fatal(err)
	}
	if err := npy.WriteNPY(w, []int{2, 3}, []float32{1, 2, 3, 4, 5, 6}); err != nil {
		log.Fatal(err)
	}
	if err := z.Close(); err != nil {
		log.Fatal(err)
	}

	f, err := npy.OpenReaderAt(bytes.NewReader(buf.Bytes()), int64(buf.Len()), "demo.npz")
	if err != nil {
		log.Fatal(err)
	}
	a := f.Arrays[0]
	fmt.Println(a.Name, a.Shape, a.DType, a.Source)
	// Output:
	// conv1 [2 3] float32 demo.npz:conv1
}
