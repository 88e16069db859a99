// Package demogen generates Alignscope's built-in demo project: stimuli,
// two networks' activations and simulated brain recordings whose right
// answer is known. `go generate ./assets` runs it (through
// cmd/gendemo) and writes assets/demo and assets/icon.png, which package
// assets embeds.
//
// # Ground truth
//
// The early region (V1) is best explained by an early layer (gabornet
// conv1), the late region (IT) by a late layer (gabornet readout, then
// fc); V4 by the middle layers (conv2, conv3). The two networks differ in
// one ingredient, the first-layer filters: gabornet has a fixed V1-like
// Gabor filter bank, randnet random filters of the same norm; all deeper
// weights are identical. The recordings are made from gabornet, so
// gabornet beats randnet for V1, and the contrast shrinks along the
// hierarchy.
//
// # Stimuli
//
// 64 procedurally drawn 64×64 RGB images, 16 in each of four categories:
// face and fish (animate), house and car (inanimate). Within a category,
// stimulus k (0-based) has colour k mod 4 (red, green, blue, yellow), size
// (k div 4) mod 2 (small: radius 12–15.5 px, large: 19.5–24 px) and
// background texture (k div 4 + k mod 4) mod 4 (plain gradient, stripes,
// dots, smooth noise); position, rotation (±35°), mirroring, colour
// jitter and texture parameters are random. Low-level structure (pixels,
// edges) therefore does not follow category.
//
// # Networks
//
// A real forward pass over the images, in float64, stored as float32.
// Input x: the image scaled to [0, 1] minus each channel's mean over all
// images and pixels. Biases are zero.
//
//	conv1    8 filters 5×5, stride 1, same padding, ReLU, 4×4 max-pool →  8×16×16
//	conv2   16 filters 3×3, ReLU, 2×2 max-pool                        → 16×8×8
//	conv3   32 filters 3×3, ReLU, 2×2 max-pool                        → 32×4×4
//	fc      64 units on the flattened conv3, ReLU                     → 64
//	readout  4 units, linear                                          → 4
//
// Convolution is cross-correlation, out[f,y,x] = Σ_c Σ_i Σ_j
// w[f,c,i,j]·x[c, y+i−k/2, x+j−k/2], with zeros outside the image.
//
// gabornet conv1 is 4 orientations θ ∈ {0°, 45°, 90°, 135°} × 2 phases
// φ ∈ {0, π/2} of g(x, y) = exp(−(x'² + y'²)/(2σ²))·cos(2πx'/λ + φ),
// x' = x cos θ + y sin θ, y' = y cos θ − x sin θ, σ = 1.25 px, λ = 4 px,
// on the 5×5 grid, made zero mean, copied to the three colour channels
// (a luminance filter) and scaled to unit L2 norm over its 3×5×5 weights.
// randnet conv1 has independent standard normal weights, each filter
// scaled to the norm of the Gabor filter it replaces. conv2, conv3 and fc
// have He-normal weights (s.d. √(2/fan-in)), the same in both networks.
//
// The readout is fitted by ridge regression in closed form: with Z the fc
// activations z-scored per unit over stimuli (n × 64), Y the one-hot
// category matrix (n × 4) and ȳ its column means,
//
//	readout = Z·W + ȳ,  W = (ZᵀZ + λI)⁻¹ Zᵀ(Y − ȳ),  λ = RidgeLambda,
//
// fitted on all 64 stimuli, so the readout carries category structure by
// construction in both networks.
//
// # Recordings
//
// Regions V1, V4 and IT of subjects sub-01 … sub-04, two repetitions
// each. For subject s and region R with v voxels (GroundTruth lists the
// exact numbers):
//
//	C_k   = Z_k · P_sRk
//	S     = scale( Σ_k w_k · C_k / rms(C_k) )
//	Y_rep = S + σ_R · E_rep,   σ_R = 1/√SNR_R
//
// Z_k is gabornet layer k (or, for the "category" component, the one-hot
// category matrix) with each stimulus pattern z-scored over its units, so
// that Z_k Z_kᵀ/p_k is the matrix of pattern correlations 1 − RDM; P_sRk is
// a p_k × v matrix of independent normal(0, 1/p_k) weights drawn for that
// subject, region and component, so that C_k keeps the correlation
// geometry of the layer up to random-projection noise; rms(C_k) is the
// root mean square of C_k's entries; scale divides each voxel by its
// standard deviation over stimuli (its mean, a baseline, is kept), so
// that the stimulus-driven signal of every voxel has unit variance; E_rep
// is independent standard normal noise, so SNR_R is the ratio of signal to
// noise variance per voxel and repetition.
//
//	region  voxels  mixture w_k · source                           SNR
//	V1      180     0.9 conv1 + 0.3 conv2                          1.0
//	V4      150     0.6(1−0.6t) conv2 + 0.6(1+0.6t) conv3          0.6
//	IT      120     0.6 fc + 0.3 readout + 0.5 category            0.5
//
// V4's mixture varies along the posterior–anterior axis (Component.Slope):
// t ∈ [−1, 1] is the voxel's position from the region's most posterior to
// its most anterior atlas voxel, so posterior V4 is conv2-like and
// anterior V4 conv3-like, a gradient that a per-voxel encoding map shows.
//
// With these settings (correlation-distance RDMs of the mean over
// repetitions, Spearman ρ, mean over subjects) gabornet conv1 reaches
// ρ ≈ 0.63 with V1 against ≈ 0.32 for randnet conv1, and IT's noise
// ceiling is about 0.75–0.86; the test prints the whole layer × region
// table.
//
// # Brain
//
// anat.nii.gz and atlas.nii.gz lie on a 48×58×44 grid of 3 mm voxels,
// RAS, voxel (0, 0, 0) at (−72, −108, −60) mm (an MNI-like frame). The
// anatomy is a T1-like synthetic brain made of smooth shapes: a cerebrum
// (an ellipsoid with a flattened base and hanging temporal lobes), split
// by the interhemispheric fissure above and below the corpus callosum, a
// cerebellum and a brainstem. The cortex is a grey-matter ribbon
// (6.5 mm) under a surface folded by three families of wavy sulcal sheets
// (12 mm deep), with white matter beneath, lateral ventricles and deep
// grey nuclei; each voxel is the mean of 2×2×2 samples (partial volume)
// plus normal noise (s.d. 12), rounded to whole numbers in 0…1000. Only
// arithmetic, √ and floor are used (no trigonometric function), so the
// volume is identical on every platform.
//
// Each atlas region (RegionPlaces) is two connected blobs of cortical
// voxels (at least 3 of 8 samples grey matter), one per hemisphere with
// half the voxels each, grown from the cortical voxel nearest to a seed
// by repeatedly adding the 26-neighbour nearest to the seed: V1 at the
// occipital pole along the calcarine (±6, −96, 0), V4 in ventral
// occipito-temporal cortex (±30, −78, −14), IT in anterior ventral
// temporal cortex (±40, −32, −30). Each region holds exactly the voxel
// count of its recordings, and channel c of region R is the c-th voxel of
// value R in storage order (i fastest): the data-folder convention by
// which Alignscope places the channels on the anatomy.
//
// # Reproducibility
//
// Every random draw comes from a PCG generator (math/rand/v2) seeded with
// Seed and a stream number per ingredient, and the arithmetic avoids
// fused multiply-add and platform-dependent math functions (see
// exact.go), so Generate gives identical numbers, and Write identical
// bytes, on every run and platform.
package demogen
