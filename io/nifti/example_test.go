package nifti_test

import (
	"fmt"
	"log"
	"strings"

	"github.com/alignscope/alignscope/io/nifti"
)

// Open a 4-D beta series, read one voxel's responses and the first volume.
func ExampleOpen() {
	im, err := nifti.Open("testdata/betas.nii")
	if err != nil {
		log.Fatal(err)
	}
	defer im.Close()
	fmt.Println(im.GridString(), "×", im.Volumes(), "volumes of", im.DType())
	fmt.Println("affine from the", im.AffineFrom+"; voxel (0,0,0) at", im.Affine[0][3], im.Affine[1][3], im.Affine[2][3])
	v, err := im.Volume(0)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("volume 0 at voxel (1,2,0): %.4f\n", v.At(1, 2, 0))
	// Output:
	// 5×4×3 at 3×3×3 mm × 6 volumes of float32
	// affine from the sform; voxel (0,0,0) at -6 -4.5 -3
	// volume 0 at voxel (1,2,0): 1.2107
}

// Split a label atlas into named regions.
func ExampleAtlasRegions() {
	im, err := nifti.Open("testdata/atlas.nii.gz")
	if err != nil {
		log.Fatal(err)
	}
	atlas, err := im.Volume(0)
	if err != nil {
		log.Fatal(err)
	}
	labels, err := nifti.ParseLabels(strings.NewReader("index\tname\n1\tV1\n2\tV4\n4\tIT\n"), "atlas.tsv")
	if err != nil {
		log.Fatal(err)
	}
	regions, warnings, err := nifti.AtlasRegions(atlas, labels, "atlas.nii.gz")
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range regions {
		fmt.Println(r.Index, r.Name, len(r.Voxels), "voxels")
	}
	fmt.Println(len(warnings), "warnings")
	// Output:
	// 1 V1 7 voxels
	// 2 V4 5 voxels
	// 4 IT 1 voxels
	// 0 warnings
}
