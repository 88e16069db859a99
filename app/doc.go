// Command alignscope is the Alignscope workbench.
//
// With no arguments it opens the window; subcommands run headless:
//
//	alignscope                 open the window (empty project)
//	alignscope --demo          open the window on the built-in demo project
//	alignscope info FILE…      print what data files hold (arrays, shapes, dtypes, sizes)
//	alignscope rdm …           write the RDM of a data matrix as .npy
//	alignscope compare …       write the comparison matrix of two RDM sets as .npy
//	alignscope encode …        per-target ridge with cross-validated penalties: PREFIX_alpha.npy, PREFIX_r2.npy
//	alignscope lesion …        lesion curve of a layer against random lesions: PREFIX_curve.csv
//	alignscope extract …       run an ONNX network on stimulus images: one float32 .npy per layer
//	alignscope run RECIPE.toml --out DIR
//	                           replay a recipe headless: tables, figures, methods text, report
//	alignscope version         print the version and the BLAS in use
//
// --tour shows every panel of the demo project in turn, printing
// "panel NAME" and waiting for a line on stdin after each, then quits; the
// smoke test uses it to take screenshots of the real window under Xvfb.
package main
