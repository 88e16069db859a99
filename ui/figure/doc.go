// Package figure builds the figures of the RSA page as gonum/plot values
// (*plot.Plot); it draws nothing itself and knows nothing of Fyne: a
// widget renders the plots on screen (io/export.RenderPNG, with
// io/export.DataRect to map a click back to data coordinates) and the
// export dialog writes them as PNG, SVG or PDF (io/export.SavePlot).
//
// The figures follow rsatoolbox's conventions (Nili et al. 2014; Schütt
// et al. 2023):
//
//   - ModelComparison: one bar per layer at its mean RDM similarity to
//     the region's data RDMs, with 95 % intervals, per-subject scores,
//     the noise ceiling as a grey band [lower, upper], marks for scores
//     significantly above 0 and for scores not significantly below the
//     lower ceiling, and Nili bars for significant pairwise differences;
//     every test corrected for multiple comparisons as the analysis
//     specifies (Benjamini–Hochberg FDR or Bonferroni, core/inference),
//     exactly as rsa.Result.Table reports them. rsatoolbox:
//     vis.model_plot.plot_model_comparison.
//   - LayerProfile: score against layer depth for one model, a line per
//     region, the interval shaded, the lower noise ceiling dashed.
//   - LayerRegionMatrix: the layer × region table of scores as a heat map
//     with values written in, the best layer per region outlined.
//   - RDMPlot: an RDM as a heat map with a colour bar (rsatoolbox
//     vis.show_rdm).
//
// Style: Liberation Sans, 9–11 pt text, light horizontal grid, the
// colour-blind-safe Okabe–Ito palette for models and regions, Moreland's
// perceptual colour maps for heat maps. Legends are drawn in a strip
// above the data area so they never cover data.
package figure
