package data

import (
	"fmt"
	"image"
)

// Stimuli is the stimulus set of a project: one name per stimulus and any
// number of descriptor columns (category, animacy, ...), one value per
// stimulus. Its order is the row order of every matrix in the project.
type Stimuli struct {
	Names []string
	// Columns lists descriptor names in table order.
	Columns []string
	// Descriptors maps a column name to one value per stimulus.
	Descriptors map[string][]string
	// Thumbnails holds an optional image per stimulus (nil where missing).
	Thumbnails []image.Image
	// Source names the file the table came from, for messages.
	Source string
}

// NewStimuli returns stimuli named name_0 … name_{n-1}; used when data
// arrive before a stimulus table.
func NewStimuli(n int) *Stimuli {
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("stim%03d", i+1)
	}
	return &Stimuli{Names: names, Descriptors: map[string][]string{}}
}

// Len is the number of stimuli.
func (s *Stimuli) Len() int { return len(s.Names) }

// Descriptor returns the values of column name, or nil.
func (s *Stimuli) Descriptor(name string) []string { return s.Descriptors[name] }

// Levels returns the distinct values of column name in order of first
// appearance.
func (s *Stimuli) Levels(name string) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range s.Descriptors[name] {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// Validate checks that every column and the thumbnails have one entry per
// stimulus and that names are unique and non-empty.
func (s *Stimuli) Validate() error {
	seen := make(map[string]int, len(s.Names))
	for i, n := range s.Names {
		if n == "" {
			return fmt.Errorf("%s: stimulus %d has an empty name", s.Source, i+1)
		}
		if j, ok := seen[n]; ok {
			return fmt.Errorf("%s: stimulus name %q appears twice (rows %d and %d); names must be unique", s.Source, n, j+1, i+1)
		}
		seen[n] = i
	}
	for _, c := range s.Columns {
		if len(s.Descriptors[c]) != len(s.Names) {
			return fmt.Errorf("%s: column %q has %d values for %d stimuli", s.Source, c, len(s.Descriptors[c]), len(s.Names))
		}
	}
	if s.Thumbnails != nil && len(s.Thumbnails) != len(s.Names) {
		return fmt.Errorf("%s: %d thumbnails for %d stimuli", s.Source, len(s.Thumbnails), len(s.Names))
	}
	return nil
}
