// Package project saves and reopens Alignscope projects, writes and reads
// recipes (a project's analyses replayable without the window), and
// writes methods text and reports.
//
// # The project folder
//
// A project is a folder NAME.alignscope holding
//
//	project.toml              what the project is (below)
//	results/ID-HASH/          the cached result of analysis ID:
//	    cache.toml            kind, settings hash and data hash it came from
//	    result.npz, .toml     every number (float64 .npy members, bit for bit)
//	                          and the names and counts around them
//	    rsa-table.csv         the table the page exports, for people
//
// project.toml (format 1) records
//
//	format = 1                         refused when newer than FormatVersion
//	type = "project"                   or "recipe"
//	software, name, saved
//	[stimuli]                          count, names, columns, descriptors
//	[[sources]]                        one per file added, in order:
//	    kind                           model, recording, stimuli, model-rdms,
//	                                   region-rdms, folder, embedded (the demo)
//	    path, abs                      relative to the project folder, absolute
//	    name, region                   what the user called it
//	    size, sha256                   of the file; of the list of files for a
//	    files = ["SHA256 SIZE PATH"]   folder (every file the loader reads)
//	[[edits]]                          renames and removals: op, kind, name, to
//	[[analyses]]                       id, kind, label, settings_hash, result
//	    [analyses.settings]            every setting and seed of the kind
//	[ui]                               the pages' selections, key = "value"
//
// Reopening (Open) finds each source by its relative path, then its
// absolute one, and compares size and SHA-256: a source that moved or
// changed stops the opening with a *SourceError listing them, and
// OpenOptions say where a moved file is or that changed files are to be
// loaded as they are. The project is then built again exactly as the user
// built it — sources through io/loader in order, then the edits
// (Replay) — and every cached result is read back when its settings hash
// (SHA-256 of the kind and the settings' key, e.g. rsa.Spec.Key) and its
// data hash (SHA-256 of the sources' checksums and the edits) are those
// of the project now; otherwise it is left out with a warning and
// recomputed on demand, never shown for other settings or data.
//
// A malformed file gives a *FormatError naming the line; unknown keys are
// ignored with a warning; an analysis of a kind this build does not know
// is kept and saved back unchanged.
//
// # Safe writes
//
// Save writes every new result into a temporary folder beside its final
// place, syncs its files, and renames it into place; then project.toml,
// written to a temporary file in the folder, synced and renamed over the
// old one (then the folder is synced). project.toml is the last step, so
// an interruption at any point — a failing disk, a read-only folder, a
// crash — leaves the previous project.toml and every result it names
// untouched. Results no longer named are removed afterwards.
//
// # Analyses
//
// An Analysis is a kind, its settings (Spec) and optionally its result. A
// Kind (Register) says how its settings are written and read, how its
// result is cached and run again, and how a methods section describes
// it; "rsa" (core/rsa) is built in, other kinds (encoding, lesions) plug
// in the same way.
//
// # Recipes, methods and reports
//
// WriteRecipe writes a project.toml of type "recipe" without results or
// GUI state, with absolute paths and checksums, which `alignscope run`
// replays to the same numbers (ReadRecipe, Analysis.Run): bit for bit for
// deterministic steps, with the recorded seed for random ones. Methods
// writes a paragraph per analysis in the words of a methods section;
// BuildReport lays out a report (io/report) of the summary, methods,
// figures and tables.
package project
