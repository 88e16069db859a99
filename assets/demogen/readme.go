package demogen

import (
	"fmt"
	"math"
	"strings"
)

// README returns demo/README.md: the ground truth of the demo and how its
// files were made.
func (d *Demo) README() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	n := len(d.Stimuli)

	p("# Alignscope demo project\n\n")
	p("A small synthetic project whose right answer is known, for learning the\n")
	p("app and for checking that it finds what was put in. Everything here is made\n")
	p("by `go generate ./assets` (package `assets/demogen`, seed %d) and is\n", Seed)
	p("byte-for-byte reproducible: do not edit these files by hand.\n\n")

	p("## The ground truth\n\n")
	p("* **V1 is best explained by an early layer** (gabornet conv1), **IT by a late\n")
	p("  layer** (gabornet fc and readout); V4 sits between (gabornet conv2, conv3).\n")
	p("* **The two networks differ in one ingredient: conv1.** gabornet has\n")
	p("  %s; randnet has %s.\n", d.modelIngredient("gabornet"), d.modelIngredient("randnet"))
	p("  Every deeper weight is identical. The recordings were made from\n")
	p("  gabornet, so gabornet beats randnet for V1; the contrast shrinks along\n")
	p("  the hierarchy, because the shared deeper layers and the category\n")
	p("  readout carry the late structure in both networks.\n")
	p("* **Categories are not the low-level structure.** Colour, size, position,\n")
	p("  rotation, mirroring and background texture vary independently of\n")
	p("  category, so pixel and edge similarity do not sort the images by category;\n")
	p("  only IT (and the readout layers) do.\n\n")

	p("## Stimuli (`stimuli.tsv`, `images/`)\n\n")
	p("%d procedurally drawn %d×%d RGB images: %d categories × %d, named like\n", n, ImageSize, ImageSize, len(Categories), PerCategory)
	p("`face_01`. Columns of `stimuli.tsv` (tab-separated, one row per stimulus in\n")
	p("the project's order):\n\n")
	p("| column | values |\n|---|---|\n")
	p("| name | `<category>_<01..%02d>` |\n", PerCategory)
	p("| category | %s |\n", strings.Join(Categories, ", "))
	p("| animacy | animate (face, fish), inanimate (house, car) |\n")
	p("| colour | %s (object colour, each 4× per category) |\n", strings.Join(Colours, ", "))
	p("| size | small (radius 12–15.5 px), large (19.5–24 px), 8× each per category |\n")
	p("| background | %s (crossed with colour as a Latin square) |\n\n", strings.Join(Backgrounds, ", "))
	p("Position, rotation (±35°), left-right mirroring, colour jitter and the\n")
	p("texture's parameters are random.\n\n")

	p("## Networks (`models/<model>.npz`)\n\n")
	p("Two small convolutional networks run by a real forward pass (float64, then\n")
	p("stored as float32). Input: the image scaled to [0, 1] minus the mean of each\n")
	p("channel over all images and pixels. Biases are zero.\n\n")
	p("| layer | operation | stored shape |\n|---|---|---|\n")
	p("| conv1 | %d filters 5×5, stride 1, same padding, ReLU, 4×4 max-pool | (%d, 8, 16, 16) |\n", conv1Filters, n)
	p("| conv2 | %d filters 3×3, ReLU, 2×2 max-pool | (%d, 16, 8, 8) |\n", conv2Filters, n)
	p("| conv3 | %d filters 3×3, ReLU, 2×2 max-pool | (%d, 32, 4, 4) |\n", conv3Filters, n)
	p("| fc | %d units on the flattened conv3, ReLU | (%d, %d) |\n", fcUnits, n, fcUnits)
	p("| readout | %d units, linear, ridge-fitted to the one-hot categories | (%d, %d) |\n\n", len(Categories), n, len(Categories))
	p("* **gabornet** conv1: 4 orientations (0°, 45°, 90°, 135°) × 2 phases (even,\n")
	p("  odd) of a Gabor function, wavelength 4 px, envelope σ 1.25 px, on\n")
	p("  luminance (same kernel on R, G, B), zero mean, unit L2 norm.\n")
	p("* **randnet** conv1: independent normal weights, each filter scaled to the\n")
	p("  norm of the Gabor filter it replaces.\n")
	p("* conv2, conv3, fc: He-normal random weights (s.d. √(2/fan-in)), the same\n")
	p("  in both networks.\n")
	p("* readout: with Z the fc activations z-scored per unit and Y the one-hot\n")
	p("  categories, readout = Z·W + ȳ with W = (ZᵀZ + λI)⁻¹Zᵀ(Y − ȳ), λ = %g,\n", RidgeLambda)
	p("  fitted on all %d stimuli (so it is category-like by construction).\n\n", n)
	p("Members are in network order; units of a conv layer are C×H×W in C order.\n\n")

	p("## Recordings (`recordings/<subject>.npz`)\n\n")
	p("%d subjects (%s) × %d regions × %d repetitions.\n", len(d.Subjects), strings.Join(Subjects, ", "), len(d.Truth), Repetitions)
	p("Each member is one region, float32 of shape (repetitions, stimuli, voxels).\n")
	p("For subject s and region R:\n\n")
	p("```\n")
	p("C_k    = Z_k · P_sRk           Z_k: gabornet layer k (or the one-hot category\n")
	p("                               matrix), each stimulus pattern z-scored over\n")
	p("                               its units, so Z_k Z_kᵀ/p_k = 1 − RDM_k\n")
	p("                               (correlation distance);\n")
	p("                               P_sRk: subject-specific normal(0, 1/p_k) matrix\n")
	p("S      = scale( Σ_k w_k · C_k / rms(C_k) )\n")
	p("                               scale: each voxel divided by its s.d. over\n")
	p("                               stimuli (its mean, a baseline, is kept)\n")
	p("Y_rep  = S + σ_R · E_rep        E_rep: independent standard normal noise\n")
	p("σ_R    = 1/√SNR_R               SNR = signal / noise variance per voxel\n")
	p("```\n\n")
	p("| region | voxels | mixture (w_k · source) | SNR | noise s.d. |\n|---|---|---|---|---|\n")
	for _, r := range d.Truth {
		var parts []string
		for _, c := range r.Components {
			src := "gabornet " + c.Source
			if c.Source == "category" {
				src = "category (one-hot)"
			}
			if c.Slope != 0 {
				sign := "+"
				if c.Slope < 0 {
					sign = "−"
				}
				parts = append(parts, fmt.Sprintf("%g·(1 %s %gt) · %s", c.Weight, sign, math.Abs(c.Slope), src))
				continue
			}
			parts = append(parts, fmt.Sprintf("%g · %s", c.Weight, src))
		}
		p("| %s | %d | %s | %g | %.3f |\n", r.Name, r.Voxels, strings.Join(parts, " + "), r.SNR, r.NoiseSD())
	}
	p("\nIn V4 the mixture changes from back to front: t runs from −1 at the\n")
	p("region's most posterior voxel to +1 at its most anterior one (linear in\n")
	p("y), so posterior V4 is conv2-like and anterior V4 conv3-like — a\n")
	p("gradient a per-voxel encoding map of conv2 vs conv3 shows.\n\n")
	p("The weights are relative amplitudes of components scaled to unit mean\n")
	p("square (each voxel is then rescaled to unit signal variance); the\n")
	p("components are not orthogonal, so the variance shares are only roughly\n")
	p("w_k²/Σw².\n\n")

	p("## What you should see\n\n")
	p("Correlation-distance RDMs (rows are stimuli), the mean over the two\n")
	p("repetitions per subject, compared with Spearman ρ and averaged over the\n")
	p("four subjects, give about:\n\n")
	p("| model layer | region | ρ |\n|---|---|---|\n")
	for _, e := range expectations {
		p("| %s %s | %s | %.2f |\n", e.model, e.layer, e.region, e.rho)
	}
	p("\nand noise ceilings (lower–upper bound, leave-one-subject-out) of about\n")
	for i, c := range ceilings {
		sep := ", "
		if i == len(ceilings)-1 {
			sep = ".\n\n"
		}
		p("%s %.2f–%.2f%s", c.region, c.lower, c.upper, sep)
	}
	p("The true generating layers reach the noise ceiling of V1 and V4; no\n")
	p("single layer reaches IT's, since IT mixes fc, readout and a category term.\n\n")

	d.readmeBrain(p)

	p("## Files\n\n")
	p("```\n")
	p("README.md                  this file\n")
	p("stimuli.tsv                name, %s\n", strings.Join(Columns, ", "))
	p("images/<name>.png          %d images\n", n)
	for _, m := range d.Models {
		p("models/%-19s layers %s\n", m.Name+".npz", strings.Join(LayerNames, ", "))
	}
	for _, s := range d.Subjects {
		p("recordings/%-15s regions %s\n", s.Name+".npz", strings.Join(regionNames(d.Truth), ", "))
	}
	p("anat.nii.gz                anatomical image, int16 NIfTI-1\n")
	p("atlas.nii.gz               region labels 1–%d, int16 NIfTI-1\n", len(d.Truth))
	p("atlas.tsv                  index, name of each label\n")
	p("```\n")
	return b.String()
}

// expectations are the results quoted in the README; TestGroundTruth
// checks them.
var expectations = []struct {
	model, layer, region string
	rho                  float64
}{
	{"gabornet", "conv1", "V1", 0.63},
	{"randnet", "conv1", "V1", 0.32},
	{"gabornet", "conv2", "V4", 0.79},
	{"randnet", "conv2", "V4", 0.51},
	{"gabornet", "readout", "IT", 0.65},
	{"gabornet", "fc", "IT", 0.39},
	{"randnet", "readout", "IT", 0.59},
}

// ceilings are the noise ceilings quoted in the README (mean RDM of the
// subjects, Spearman ρ); TestGroundTruth checks them.
var ceilings = []struct {
	region       string
	lower, upper float64
}{
	{"V1", 0.53, 0.75},
	{"V4", 0.76, 0.86},
	{"IT", 0.75, 0.86},
}

func (d *Demo) modelIngredient(name string) string {
	if m := d.Model(name); m != nil {
		return m.Ingredient
	}
	return "?"
}

func regionNames(t []RegionSpec) []string {
	var s []string
	for _, r := range t {
		s = append(s, r.Name)
	}
	return s
}

// readmeBrain writes the README section on anat.nii.gz and the atlas.
func (d *Demo) readmeBrain(p func(string, ...any)) {
	b := d.Brain
	g := b.Dims
	p("## Brain (`anat.nii.gz`, `atlas.nii.gz`, `atlas.tsv`)\n\n")
	p("A synthetic brain on a %d×%d×%d grid of %g mm voxels, axes right, anterior,\n", g[0], g[1], g[2], BrainVoxel)
	p("superior (RAS), voxel (0, 0, 0) at (%g, %g, %g) mm: an MNI-like frame\n", BrainOrigin[0], BrainOrigin[1], BrainOrigin[2])
	p("(sform = qform, code 2, \"aligned anatomical\"; it is not a real MNI brain).\n\n")
	p("* `anat.nii.gz`: a T1-like image, whole numbers 0–1000: white matter %d,\n", intensityWM)
	p("  cortical grey matter %d, deep grey nuclei %d, CSF %d (ventricles, sulci,\n", intensityGM, intensityDeep, intensityCSF)
	p("  the interhemispheric fissure), background 0. A cerebrum with a folded\n")
	p("  cortex (a %.1f mm grey ribbon cut by %d mm deep sulci), a cerebellum and a\n", cortexRibbonMM, sulcusDepthMM)
	p("  brainstem; each voxel is the mean of 2×2×2 samples plus noise (s.d. %d).\n", anatNoiseSD)
	p("* `atlas.nii.gz`: the regions as labels (0 = background), named in\n")
	p("  `atlas.tsv`. Each region is two connected blobs of cortex, one per\n")
	p("  hemisphere with half the voxels each, grown around a seed:\n\n")
	p("| label | region | voxels | seed (mm) | centre left, right (mm) | where |\n|---|---|---|---|---|---|\n")
	where := map[string]string{
		"V1": "occipital pole, medial, along the calcarine sulcus",
		"V4": "ventral occipito-temporal cortex",
		"IT": "anterior ventral temporal cortex",
	}
	for r, pl := range RegionPlaces() {
		var sum [2][3]float64
		var cnt [2]int
		for _, idx := range b.Regions[r] {
			w := world(idx%g[0], idx/g[0]%g[1], idx/(g[0]*g[1]), 0, 0, 0)
			h := 0
			if w[0] > 0 {
				h = 1
			}
			cnt[h]++
			for a := range 3 {
				sum[h][a] += w[a]
			}
		}
		c := func(h int) string {
			return fmt.Sprintf("(%.0f, %.0f, %.0f)", sum[h][0]/float64(cnt[h]), sum[h][1]/float64(cnt[h]), sum[h][2]/float64(cnt[h]))
		}
		p("| %d | %s | %d | (±%g, %g, %g) | %s, %s | %s |\n", pl.Index, pl.Name, len(b.Regions[r]), pl.Seed[0], pl.Seed[1], pl.Seed[2], c(0), c(1), where[pl.Name])
	}
	p("\n**The recordings' channels are the atlas voxels**: channel c of region R\n")
	p("in every `recordings/*.npz` is the c-th voxel of R's label in storage\n")
	p("order (i fastest, then j, then k). Alignscope uses this data-folder\n")
	p("convention to place each channel on the anatomy, so per-voxel results\n")
	p("(encoding-model fits, searchlights) can be drawn on `anat.nii.gz` and\n")
	p("exported as NIfTI maps that overlay it in any viewer.\n\n")
}
