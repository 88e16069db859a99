// Package rsa runs one representational similarity analysis end to end,
// the computation behind the RSA page:
//
//  1. an RDM for every chosen model layer and for every chosen subject ×
//     region recording (core/rdm, streamed from disk, averaged over
//     repetitions first), or the precomputed RDM where the data came as
//     RDMs;
//  2. for every region, the layers' RDMs are evaluated as fixed models
//     against the subjects' RDMs of that region with the chosen comparison
//     measure and inference scheme (core/inference): scores, bootstrap
//     intervals, per-subject scores, noise ceiling, tests against 0 and the
//     lower ceiling, and pairwise tests corrected for multiple comparisons.
//
// The result holds every RDM, so the page can show the two RDMs behind any
// bar, and a Table of the numbers for export.
package rsa
