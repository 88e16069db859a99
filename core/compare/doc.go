// Package compare measures the agreement of two RDMs given as condensed
// vectors of equal length (rsatoolbox rdm/compare.py). Pairs where either
// vector is NaN are dropped first.
//
//	pearson   r = Σ(a−ā)(b−b̄) / √(Σ(a−ā)² Σ(b−b̄)²)
//	spearman  Pearson r of the ranks (ties get their average rank)
package compare
