package demogen

import (
	"fmt"
	"math"
	"slices"
)

// The demo brain: a synthetic T1-like anatomical volume and a label atlas
// whose regions hold exactly the recordings' voxels (see the package
// documentation, section Brain).

// BrainDims is the voxel grid of anat.nii.gz and atlas.nii.gz.
var BrainDims = [3]int{48, 58, 44}

// BrainVoxel is the voxel size in mm.
const BrainVoxel = 3.0

// BrainOrigin is the world position (x, y, z) in mm of voxel (0, 0, 0);
// axes point right, anterior, superior (RAS), so world = origin + 3·ijk.
var BrainOrigin = [3]float64{-72, -108, -60}

// BrainAffine is the voxel-to-world transform of the grid.
func BrainAffine() [4][4]float64 {
	s, o := BrainVoxel, BrainOrigin
	return [4][4]float64{{s, 0, 0, o[0]}, {0, s, 0, o[1]}, {0, 0, s, o[2]}, {0, 0, 0, 1}}
}

// Tissue intensities of the anatomical image (T1-like contrast).
const (
	intensityCSF      = 180
	intensityGM       = 520
	intensityDeep     = 640
	intensityWM       = 820
	anatNoiseSD       = 12
	cortexRibbonMM    = 6.5 // grey-matter thickness below the (folded) surface
	sulcusDepthMM     = 12  // how deep sulci cut into the hull
	sulcusHalfWidthMM = 3.5
)

// RegionPlace says where a region's voxels are: the grey-matter voxels of
// the cerebrum nearest to a seed, grown as one connected blob in each
// hemisphere (half the voxels each, the left one first).
type RegionPlace struct {
	Name string
	// Seed is the centre of the right-hemisphere blob (x > 0) in mm; the
	// left blob grows from the mirror point (−x, y, z).
	Seed [3]float64
	// Index is the region's value in atlas.nii.gz.
	Index int
}

// RegionPlaces lists the atlas regions in index order: V1 in the
// occipital pole along the calcarine sulcus, V4 in ventral
// occipito-temporal cortex, IT in anterior ventral temporal cortex.
func RegionPlaces() []RegionPlace {
	return []RegionPlace{
		{Name: "V1", Index: 1, Seed: [3]float64{6, -96, 0}},
		{Name: "V4", Index: 2, Seed: [3]float64{30, -78, -14}},
		{Name: "IT", Index: 3, Seed: [3]float64{40, -32, -30}},
	}
}

// Brain is the demo's anatomy: a volume on BrainDims and an atlas.
type Brain struct {
	Dims   [3]int
	Affine [4][4]float64
	// Anat holds the anatomical image, whole numbers 0…1000, in storage
	// order (i fastest).
	Anat []float64
	// Atlas holds the region index per voxel (0 = background).
	Atlas []float64
	// Regions holds, per RegionPlaces entry, the storage indices of its
	// voxels in ascending order: the order of the recordings' channels.
	Regions [][]int
}

// tissue classes of a point
const (
	tissueOut = iota
	tissueCSF
	tissueGM
	tissueWM
	tissueDeep
	tissueCerebellumGM
	tissueCerebellumWM
)

var tissueIntensity = [...]float64{0, intensityCSF, intensityGM, intensityWM, intensityDeep, intensityGM + 40, intensityWM - 40}

// ellipsoid is a smooth blob of the brain's shape.
type ellipsoid struct{ c, a [3]float64 }

// depth returns an estimate of the distance in mm from p to the
// ellipsoid's surface, positive inside: (1 − ρ)·ρ/|∇ρ| with
// ρ = |(p − c)/a|, capped at 60.
func (e ellipsoid) depth(p [3]float64) float64 {
	var rho2, g2 float64
	for d := range 3 {
		u := (p[d] - e.c[d]) / e.a[d]
		rho2 += sq(u)
		g2 += sq(u / e.a[d])
	}
	rho := math.Sqrt(rho2)
	if g2 == 0 {
		return 60
	}
	return min(60, mul(1-rho, rho)/math.Sqrt(g2))
}

var (
	cerebrum   = ellipsoid{c: [3]float64{0, -18, 16}, a: [3]float64{66, 86, 52}}
	temporalL  = ellipsoid{c: [3]float64{-44, -24, -16}, a: [3]float64{23, 50, 25}}
	temporalR  = ellipsoid{c: [3]float64{44, -24, -16}, a: [3]float64{23, 50, 25}}
	cerebellum = ellipsoid{c: [3]float64{0, -62, -36}, a: [3]float64{50, 28, 20}}
	brainstem  = ellipsoid{c: [3]float64{0, -28, -30}, a: [3]float64{11, 13, 26}}
	ventricleL = ellipsoid{c: [3]float64{-9, -12, 18}, a: [3]float64{6, 26, 9}}
	ventricleR = ellipsoid{c: [3]float64{9, -12, 18}, a: [3]float64{6, 26, 9}}
	thalamusL  = ellipsoid{c: [3]float64{-11, -20, 4}, a: [3]float64{9, 13, 9}}
	thalamusR  = ellipsoid{c: [3]float64{11, -20, 4}, a: [3]float64{9, 13, 9}}
	striatumL  = ellipsoid{c: [3]float64{-20, 6, 6}, a: [3]float64{7, 16, 11}}
	striatumR  = ellipsoid{c: [3]float64{20, 6, 6}, a: [3]float64{7, 16, 11}}
)

// wave is a smooth periodic function of period 1 with values in [−1, 1]
// built from arithmetic only (a parabola per half period), so that it
// gives the same bits on every platform.
func wave(t float64) float64 {
	u := t - math.Floor(t)
	if u < 0.5 {
		return mul(16*u, 0.5-u) // 0 at u = 0, 1 at u = 1/4, 0 at u = 1/2
	}
	u -= 0.5
	return -mul(16*u, 0.5-u)
}

// sulcal returns a folding field in [0, 1]: 1 on a network of curved
// sulcal sheets, falling linearly to 0 at sulcusHalfWidthMM from them.
// Three families of wavy sheets (roughly coronal, axial and oblique) cut
// the hull; where they meet the surface they draw the sulci.
func sulcal(p [3]float64) float64 {
	x, y, z := p[0], p[1], p[2]
	s := 0.0
	for _, f := range [...]struct{ t, period float64 }{
		{y + mul(6, wave(z/47)) + mul(5, wave(x/41+0.3)), 26},
		{z + mul(6, wave(y/43)) + mul(4, wave(x/37+0.6)) + 7, 23},
		{y + z + mul(7, wave(x/33)) + mul(5, wave(y/51+0.2)) + 13, 31},
	} {
		u := f.t/f.period - math.Floor(f.t/f.period) // phase in [0, 1)
		d := min(u, 1-u)                             // to the nearest sheet
		s = max(s, 1-mul(d, f.period)/sulcusHalfWidthMM)
	}
	return s
}

// tissueAt classifies a world point.
func tissueAt(p [3]float64) int {
	x := p[0]
	dc := max(cerebrum.depth(p), temporalL.depth(p), temporalR.depth(p))
	// the floor of the frontal lobe and the cut below the occipital lobe
	// flatten the cerebrum's underside
	floor := -22.0
	if p[1] < -10 {
		floor = -30 - mul(p[1]+10, 0.25)
		floor = min(floor, -8)
		floor = max(floor, -36)
	}
	if math.Abs(x) > 26 && p[1] > -70 && p[1] < 22 {
		floor = -48 // temporal lobes hang lower
	}
	dc = min(dc, p[2]-floor)
	// the interhemispheric fissure, closed only by the corpus callosum
	if !(p[2] > 4 && p[2] < 20 && p[1] > -40 && p[1] < 20) {
		dc = min(dc, math.Abs(x)-1.5)
	}
	dcb := cerebellum.depth(p)
	dbs := brainstem.depth(p)
	switch {
	case dc > 0 && dc >= dcb:
		switch {
		case ventricleL.depth(p) > 0 || ventricleR.depth(p) > 0:
			return tissueCSF
		case thalamusL.depth(p) > 0 || thalamusR.depth(p) > 0 || striatumL.depth(p) > 0 || striatumR.depth(p) > 0:
			return tissueDeep
		}
		d := dc - mul(sulcusDepthMM, sulcal(p))
		switch {
		case d < 0:
			return tissueCSF
		case d < cortexRibbonMM:
			return tissueGM
		}
		return tissueWM
	case dcb > 0:
		// folia: thin leaves, concentric about the cerebellum's core
		var r2 float64
		for d := range 3 {
			r2 += sq((p[d] - cerebellum.c[d]) / cerebellum.a[d])
		}
		f := wave(mul(math.Sqrt(r2), 4.2) + mul(0.15, wave(p[0]/23)))
		switch {
		case dcb < 2.5:
			return tissueCerebellumGM
		case f < -0.6 && dcb < 14:
			return tissueCSF
		case f < 0.2 || dcb < 6:
			return tissueCerebellumGM
		}
		return tissueCerebellumWM
	case dbs > 0:
		return tissueWM
	}
	return tissueOut
}

// world returns the world position of voxel (i, j, k) plus an offset in
// voxels.
func world(i, j, k int, di, dj, dk float64) [3]float64 {
	return [3]float64{
		BrainOrigin[0] + mul(float64(i)+di, BrainVoxel),
		BrainOrigin[1] + mul(float64(j)+dj, BrainVoxel),
		BrainOrigin[2] + mul(float64(k)+dk, BrainVoxel),
	}
}

// makeBrain builds the anatomy and the atlas; counts are the voxels each
// region of places must have.
func makeBrain(places []RegionPlace, counts []int) (*Brain, error) {
	g := BrainDims
	nv := g[0] * g[1] * g[2]
	b := &Brain{Dims: g, Affine: BrainAffine(), Anat: make([]float64, nv), Atlas: make([]float64, nv)}
	grey := make([]int, nv) // grey-matter samples of the cerebrum per voxel
	r := newRand(streamBrain)
	offsets := []float64{-0.25, 0.25}
	for k := range g[2] {
		for j := range g[1] {
			for i := range g[0] {
				idx := i + g[0]*(j+g[1]*k)
				// partial volume: the mean of 2×2×2 samples
				var s float64
				for _, dk := range offsets {
					for _, dj := range offsets {
						for _, di := range offsets {
							ts := tissueAt(world(i, j, k, di, dj, dk))
							s += tissueIntensity[ts]
							if ts == tissueGM {
								grey[idx]++
							}
						}
					}
				}
				s = float64(s / 8)
				if s > 0 {
					s += mul(r.NormFloat64(), anatNoiseSD)
				}
				b.Anat[idx] = math.Max(0, math.Min(1000, math.Round(s)))
			}
		}
	}
	taken := make([]bool, nv)
	for ri, pl := range places {
		n := counts[ri]
		var all []int
		for h, sign := range []float64{-1, 1} {
			want := n / 2
			if h == 1 {
				want = n - n/2
			}
			seed := [3]float64{mul(sign, pl.Seed[0]), pl.Seed[1], pl.Seed[2]}
			blob, err := growBlob(grey, taken, seed, sign, want)
			if err != nil {
				return nil, fmt.Errorf("region %s: %w", pl.Name, err)
			}
			all = append(all, blob...)
		}
		for _, idx := range all {
			taken[idx] = true
			b.Atlas[idx] = float64(pl.Index)
		}
		b.Regions = append(b.Regions, nil)
	}
	// the regions' voxels in storage order
	for idx, v := range b.Atlas {
		if v > 0 {
			b.Regions[int(v)-1] = append(b.Regions[int(v)-1], idx)
		}
	}
	return b, nil
}

// minGreySamples is how many of a voxel's 8 samples must be cortical grey
// matter for the voxel to join a region.
const minGreySamples = 3

// growBlob selects want cortical voxels (see minGreySamples) in the
// hemisphere of sign (x < 0 or x > 0): starting from the one nearest to
// seed, it repeatedly adds the neighbour (of 26) of the blob nearest to
// the seed (ties by storage index), so the blob is connected and compact.
func growBlob(grey []int, taken []bool, seed [3]float64, sign float64, want int) ([]int, error) {
	g := BrainDims
	ok := func(i, j, k int) bool {
		if i < 0 || j < 0 || k < 0 || i >= g[0] || j >= g[1] || k >= g[2] {
			return false
		}
		idx := i + g[0]*(j+g[1]*k)
		x := world(i, j, k, 0, 0, 0)[0]
		return grey[idx] >= minGreySamples && !taken[idx] && mul(x, sign) > 0
	}
	dist := func(idx int) float64 {
		i, j, k := idx%g[0], idx/g[0]%g[1], idx/(g[0]*g[1])
		w := world(i, j, k, 0, 0, 0)
		return sq(w[0]-seed[0]) + sq(w[1]-seed[1]) + sq(w[2]-seed[2])
	}
	better := func(a, b int) bool {
		da, db := dist(a), dist(b)
		return da < db || da == db && a < b
	}
	var starts []int
	for idx := range grey {
		if ok(idx%g[0], idx/g[0]%g[1], idx/(g[0]*g[1])) {
			starts = append(starts, idx)
		}
	}
	slices.SortFunc(starts, func(a, b int) int {
		if better(a, b) {
			return -1
		}
		return 1
	})
	// start from the nearest voxel whose connected cortex is large enough
	for _, start := range starts[:min(len(starts), 100)] {
		if blob := grow(start, want, ok, better); blob != nil {
			return blob, nil
		}
	}
	return nil, fmt.Errorf("no connected patch of %d cortical voxels near %v", want, seed)
}

// grow adds voxels to the blob {start}: each time the 26-neighbour that
// passes ok and is best (nearest to the seed); nil when fewer than want
// are connected.
func grow(start, want int, ok func(i, j, k int) bool, better func(a, b int) bool) []int {
	g := BrainDims
	in := map[int]bool{start: true}
	frontier := map[int]bool{}
	blob := []int{start}
	add := func(idx int) {
		i, j, k := idx%g[0], idx/g[0]%g[1], idx/(g[0]*g[1])
		for dk := -1; dk <= 1; dk++ {
			for dj := -1; dj <= 1; dj++ {
				for di := -1; di <= 1; di++ {
					a, b, c := i+di, j+dj, k+dk
					if ok(a, b, c) {
						if n := a + g[0]*(b+g[1]*c); !in[n] {
							frontier[n] = true
						}
					}
				}
			}
		}
	}
	add(start)
	for len(blob) < want {
		best := -1
		for idx := range frontier {
			if best < 0 || better(idx, best) {
				best = idx
			}
		}
		if best < 0 {
			return nil
		}
		delete(frontier, best)
		in[best] = true
		blob = append(blob, best)
		add(best)
	}
	return blob
}

// posteriorAnterior returns, per voxel of region r (in channel order),
// its position t ∈ [−1, 1] along y from the region's most posterior to
// its most anterior voxel.
func (b *Brain) posteriorAnterior(r int) []float64 {
	g := b.Dims
	vox := b.Regions[r]
	lo, hi := g[1], -1
	for _, idx := range vox {
		j := idx / g[0] % g[1]
		lo, hi = min(lo, j), max(hi, j)
	}
	t := make([]float64, len(vox))
	for c, idx := range vox {
		if hi > lo {
			t[c] = 2*float64(idx/g[0]%g[1]-lo)/float64(hi-lo) - 1
		}
	}
	return t
}
