package project

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/io/loader"
)

// FormatVersion is the version of the project file format this build
// writes and the newest it reads.
const FormatVersion = 1

// File names inside a project folder.
const (
	// Ext ends the name of a project folder: NAME.alignscope.
	Ext = ".alignscope"
	// FileName is the project file inside the folder.
	FileName = "project.toml"
	// ResultsDir holds the cached results, one folder per analysis.
	ResultsDir = "results"
	// resultMeta is the description of a cached result in its folder.
	resultMeta = "result.toml"
)

// The TOML documents. Field order is the order written.
type fileOut struct {
	Format   int               `toml:"format"`
	Type     string            `toml:"type"`
	Software string            `toml:"software,omitempty"`
	Name     string            `toml:"name"`
	Saved    time.Time         `toml:"saved"`
	Stimuli  *stimuliTOML      `toml:"stimuli,omitempty"`
	Sources  []sourceTOML      `toml:"sources"`
	Edits    []data.Edit       `toml:"edits,omitempty"`
	Analyses []analysisOut     `toml:"analyses,omitempty"`
	UI       map[string]string `toml:"ui,omitempty"`
}

type fileIn struct {
	Format   int               `toml:"format"`
	Type     string            `toml:"type"`
	Software string            `toml:"software"`
	Name     string            `toml:"name"`
	Saved    time.Time         `toml:"saved"`
	Stimuli  *stimuliTOML      `toml:"stimuli"`
	Sources  []toml.Primitive  `toml:"sources"`
	Edits    []toml.Primitive  `toml:"edits"`
	Analyses []toml.Primitive  `toml:"analyses"`
	UI       map[string]string `toml:"ui"`
}

type stimuliTOML struct {
	Count       int                 `toml:"count"`
	Source      string              `toml:"source,omitempty"`
	Names       []string            `toml:"names"`
	Columns     []string            `toml:"columns,omitempty"`
	Descriptors map[string][]string `toml:"descriptors,omitempty"`
}

type sourceTOML struct {
	Kind   string   `toml:"kind"`
	Path   string   `toml:"path,omitempty"`
	Abs    string   `toml:"abs,omitempty"`
	Name   string   `toml:"name,omitempty"`
	Region string   `toml:"region,omitempty"`
	Size   int64    `toml:"size"`
	SHA256 string   `toml:"sha256"`
	Files  []string `toml:"files,omitempty"`
	// NIfTI and electrophysiology sources: the side files (absolute
	// paths) and how to read the volumes.
	Atlas     string `toml:"atlas,omitempty"`
	Labels    string `toml:"labels,omitempty"`
	Anat      string `toml:"anat,omitempty"`
	Units     string `toml:"units,omitempty"`
	Reps      int    `toml:"reps,omitempty"`
	StimMajor bool   `toml:"stim_major,omitempty"`
}

type analysisOut struct {
	ID           string `toml:"id"`
	Kind         string `toml:"kind"`
	Label        string `toml:"label,omitempty"`
	SettingsHash string `toml:"settings_hash"`
	Result       string `toml:"result,omitempty"`
	Settings     any    `toml:"settings"`
}

type analysisIn struct {
	ID           string         `toml:"id"`
	Kind         string         `toml:"kind"`
	Label        string         `toml:"label"`
	SettingsHash string         `toml:"settings_hash"`
	Result       string         `toml:"result"`
	Settings     toml.Primitive `toml:"settings"`
}

// document is a parsed project file or recipe.
type document struct {
	Type     string
	Software string
	Name     string
	Saved    time.Time
	Stimuli  *stimuliTOML
	Sources  []SourceRecord
	Edits    []data.Edit
	Analyses []*Analysis
	Hashes   []string // settings hash recorded per analysis
	Results  []string // results folder per analysis ("" when none)
	UI       map[string]string
	Warnings []string
}

// FormatError is a project file that cannot be read: a syntax error, a
// missing or malformed field (Line says where, 0 when it is the file as a
// whole), or a format newer than this build reads.
type FormatError struct {
	File string
	Line int
	Msg  string
}

func (e *FormatError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

var (
	tomlLine = regexp.MustCompile(`^toml: (?:line (\d+) )?\(last key "[^"]*"\): |^toml: line (\d+): `)
	hexSum   = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

var lastKeyRe = regexp.MustCompile(`\(last key "([^"]*)"\)`)

// lastKey returns the key a TOML library error is about, or "".
func lastKey(err error) string {
	var pe toml.ParseError
	if errors.As(err, &pe) && pe.LastKey != "" {
		return pe.LastKey
	}
	if m := lastKeyRe.FindStringSubmatch(err.Error()); m != nil {
		return m[1]
	}
	return ""
}

// decodeErr turns a TOML library error into a FormatError with its line.
func decodeErr(file string, err error) error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		msg := pe.Message
		if m := tomlLine.FindStringSubmatch(msg); m != nil {
			msg = msg[len(m[0]):]
		}
		msg = strings.TrimPrefix(msg, "toml: ")
		if pe.LastKey != "" && !strings.Contains(msg, pe.LastKey) {
			msg = fmt.Sprintf("%s (key %s)", msg, pe.LastKey)
		}
		return &FormatError{File: file, Line: pe.Position.Line, Msg: msg}
	}
	msg := err.Error()
	line := 0
	if m := tomlLine.FindStringSubmatch(msg); m != nil {
		fmt.Sscan(m[1]+m[2], &line)
		msg = msg[len(m[0]):]
		if k := lastKey(err); k != "" {
			msg += " (key " + k + ")"
		}
	}
	return &FormatError{File: file, Line: line, Msg: strings.TrimPrefix(msg, "toml: ")}
}

// parse reads a project file or recipe. base is the folder relative
// paths are resolved against.
func parse(text []byte, file, base string) (*document, error) {
	var head struct {
		Format int `toml:"format"`
	}
	md, err := toml.Decode(string(text), &head)
	if err != nil {
		return nil, decodeErr(file, err)
	}
	idx := indexLines(string(text))
	ferr := func(path, format string, args ...any) error {
		return &FormatError{File: file, Line: idx.line(path), Msg: fmt.Sprintf(format, args...)}
	}
	if !md.IsDefined("format") {
		return nil, &FormatError{File: file, Line: 1, Msg: "no format version (format = 1): this is not an Alignscope project file or recipe"}
	}
	if head.Format > FormatVersion {
		return nil, ferr("format", "the file has format version %d, written by a newer Alignscope; this version reads up to format %d. Update Alignscope to open it", head.Format, FormatVersion)
	}
	if head.Format < 1 {
		return nil, ferr("format", "format version %d is not valid (the first version is 1)", head.Format)
	}
	var in fileIn
	md, err = toml.Decode(string(text), &in)
	if err != nil {
		return nil, decodeErr(file, err)
	}
	// elements of arrays of tables are decoded one by one, so that an
	// error names the element's line
	decodeElem := func(prim toml.Primitive, v any, prefix, at string) error {
		if err := md.PrimitiveDecode(prim, v); err != nil {
			fe := decodeErr(file, err).(*FormatError)
			if key := lastKey(err); strings.HasPrefix(key, prefix+".") {
				if n := idx.line(at + "." + strings.TrimPrefix(key, prefix+".")); n > 0 {
					fe.Line = n
				}
			}
			return fe
		}
		return nil
	}
	doc := &document{Type: in.Type, Software: in.Software, Name: in.Name, Saved: in.Saved, Stimuli: in.Stimuli, UI: in.UI}
	switch in.Type {
	case "", "project", "recipe":
	default:
		doc.Warnings = append(doc.Warnings, fmt.Sprintf("%s:%d: unknown type %q read as a project", file, idx.line("type"), in.Type))
	}
	if !md.IsDefined("name") {
		return nil, &FormatError{File: file, Line: 1, Msg: `missing the project name (name = "…")`}
	}
	if st := in.Stimuli; st != nil {
		if st.Count != len(st.Names) {
			return nil, ferr("stimuli.count", "stimuli: count = %d but %d names", st.Count, len(st.Names))
		}
		for c, vals := range st.Descriptors {
			if len(vals) != len(st.Names) {
				return nil, ferr("stimuli.descriptors."+c, "stimulus column %q has %d values for %d stimuli", c, len(vals), len(st.Names))
			}
		}
	}
	for i, prim := range in.Sources {
		at := fmt.Sprintf("sources[%d]", i)
		var s sourceTOML
		if err := decodeElem(prim, &s, "sources", at); err != nil {
			return nil, err
		}
		rec := SourceRecord{Source: data.Source{Kind: s.Kind, Name: s.Name, Region: s.Region, Atlas: s.Atlas, Labels: s.Labels,
			Anat: s.Anat, Units: s.Units, Reps: s.Reps, StimMajor: s.StimMajor}, Size: s.Size, SHA256: s.SHA256}
		switch s.Kind {
		case "":
			return nil, ferr(at, "source %d has no kind (model, recording, stimuli, model-rdms, region-rdms, folder or embedded)", i+1)
		case loader.KindModel, loader.KindRecording, loader.KindStimuli, loader.KindModelRDMs, loader.KindRegionRDMs, loader.KindFolder,
			loader.KindNIfTI, loader.KindModelDir:
			if s.Path == "" && s.Abs == "" {
				return nil, ferr(at, "source %d (%s) has no path", i+1, s.Kind)
			}
		case loader.KindEmbedded:
		default:
			return nil, ferr(at+".kind", "source %d: unknown kind %q (model, recording, stimuli, model-rdms, region-rdms, folder or embedded)", i+1, s.Kind)
		}
		if s.SHA256 != "" && !hexSum.MatchString(s.SHA256) {
			return nil, ferr(at+".sha256", "source %d: sha256 %q is not 64 lowercase hex digits", i+1, s.SHA256)
		}
		if s.Size < 0 {
			return nil, ferr(at+".size", "source %d: negative size %d", i+1, s.Size)
		}
		rec.Path = s.Abs
		if s.Path != "" {
			if filepath.IsAbs(filepath.FromSlash(s.Path)) {
				rec.Path = filepath.FromSlash(s.Path)
			} else {
				rec.Rel = s.Path
				if rec.Path == "" && base != "" {
					rec.Path = filepath.Join(base, filepath.FromSlash(s.Path))
				}
			}
		}
		for _, f := range s.Files {
			fs, err := parseFileSum(f)
			if err != nil {
				return nil, ferr(at+".files", "source %d: files: %v", i+1, err)
			}
			rec.Files = append(rec.Files, fs)
		}
		doc.Sources = append(doc.Sources, rec)
	}
	for i, prim := range in.Edits {
		at := fmt.Sprintf("edits[%d]", i)
		var e data.Edit
		if err := decodeElem(prim, &e, "edits", at); err != nil {
			return nil, err
		}
		switch {
		case e.Op != "rename" && e.Op != "remove":
			return nil, ferr(at, "edit %d: op %q is neither rename nor remove", i+1, e.Op)
		case e.Kind != "model" && e.Kind != "subject":
			return nil, ferr(at, "edit %d: kind %q is neither model nor subject", i+1, e.Kind)
		case e.Name == "":
			return nil, ferr(at, "edit %d has no name", i+1)
		case e.Op == "rename" && strings.TrimSpace(e.To) == "":
			return nil, ferr(at, "edit %d renames %q but has no new name (to)", i+1, e.Name)
		}
		doc.Edits = append(doc.Edits, e)
	}
	// which analyses have a settings table (the metadata of arrays of
	// tables does not tell elements apart)
	var raw struct {
		Analyses []map[string]any `toml:"analyses"`
	}
	if _, err := toml.Decode(string(text), &raw); err != nil {
		return nil, decodeErr(file, err)
	}
	ids := map[string]bool{}
	for i, prim := range in.Analyses {
		at := fmt.Sprintf("analyses[%d]", i)
		var a analysisIn
		if err := decodeElem(prim, &a, "analyses", at); err != nil {
			return nil, err
		}
		switch {
		case a.ID == "":
			return nil, ferr(at, "analysis %d has no id", i+1)
		case !validID(a.ID):
			return nil, ferr(at+".id", "analysis id %q: use letters, digits, '-', '_' and '.' (at most 64)", a.ID)
		case ids[a.ID]:
			return nil, ferr(at+".id", "analysis id %q appears twice", a.ID)
		case a.Kind == "":
			return nil, ferr(at, "analysis %s has no kind", a.ID)
		case i < len(raw.Analyses) && raw.Analyses[i]["settings"] == nil:
			return nil, ferr(at, "analysis %s has no [analyses.settings] table", a.ID)
		}
		ids[a.ID] = true
		an := &Analysis{ID: a.ID, Kind: a.Kind, Label: a.Label}
		k := KindOf(a.Kind)
		if k == nil {
			var raw map[string]any
			if err := decodeElem(a.Settings, &raw, "analyses.settings", at+".settings"); err != nil {
				return nil, err
			}
			an.Spec = Raw(raw)
			doc.Warnings = append(doc.Warnings, fmt.Sprintf("%s:%d: analysis %s is of kind %q, which this version of Alignscope does not know: kept as it is, but it cannot be shown or run", file, idx.line(at), a.ID, a.Kind))
		} else {
			spec, err := k.Decode(func(v any) error {
				return decodeElem(a.Settings, v, "analyses.settings", at+".settings")
			}, func(key string) int { return idx.line(at + ".settings." + key) })
			if err != nil {
				var fe *FormatError
				if errors.As(err, &fe) {
					return nil, err
				}
				var le *lineError
				if errors.As(err, &le) {
					return nil, &FormatError{File: file, Line: le.line, Msg: fmt.Sprintf("analysis %s: %s", a.ID, le.msg)}
				}
				return nil, ferr(at+".settings", "analysis %s: %v", a.ID, err)
			}
			an.Spec = spec
		}
		doc.Analyses = append(doc.Analyses, an)
		doc.Hashes = append(doc.Hashes, a.SettingsHash)
		doc.Results = append(doc.Results, a.Result)
	}
	for _, k := range md.Undecoded() {
		doc.Warnings = append(doc.Warnings, fmt.Sprintf("%s:%s: unknown key %s ignored", file, linesOf(idx, k), k))
	}
	return doc, nil
}

// linesOf gives the line(s) where an undecoded key appears; keys of
// arrays of tables carry no index, so every element with the key counts.
func linesOf(idx lineIndex, k toml.Key) string {
	want := k.String()
	var lines []int
	for p, n := range idx {
		if stripIndexes(p) == want {
			lines = append(lines, n)
		}
	}
	if len(lines) == 0 {
		return "0"
	}
	sort.Ints(lines)
	s := make([]string, len(lines))
	for i, n := range lines {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ",")
}

var indexRe = regexp.MustCompile(`\[\d+\]`)

func stripIndexes(p string) string { return indexRe.ReplaceAllString(p, "") }

// encode writes the TOML of a project file or recipe.
func encode(out *fileOut) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("# Alignscope ")
	if out.Type == "recipe" {
		b.WriteString("recipe: replay with  alignscope run THIS.toml --out DIR\n")
	} else {
		b.WriteString("project (https://github.com/alignscope/alignscope); paths are relative to this folder\n")
	}
	enc := toml.NewEncoder(&b)
	enc.Indent = ""
	if err := enc.Encode(out); err != nil {
		return nil, fmt.Errorf("encode %s: %w", FileName, err)
	}
	return unfoldArrays(b.Bytes(), 100, unfold), nil
}

// unfold are the keys whose long arrays are written one element per line
// (the stimulus table stays a line per column).
var unfold = map[string]bool{"files": true, "layers": true, "regions": true, "subjects": true}

// unfoldArrays writes each array value of the keys longer than width one
// element per line, so that people can read and diff the file.
func unfoldArrays(text []byte, width int, keys map[string]bool) []byte {
	var out bytes.Buffer
	for _, line := range strings.SplitAfter(string(text), "\n") {
		body := strings.TrimRight(line, "\n")
		eq := keyEnd(body)
		if len(body) <= width || eq < 0 || strings.HasPrefix(strings.TrimSpace(body), "[") || !keys[strings.TrimSpace(body[:eq])] {
			out.WriteString(line)
			continue
		}
		val := strings.TrimSpace(body[eq+1:])
		elems, ok := splitArray(val)
		if !ok || len(elems) < 2 {
			out.WriteString(line)
			continue
		}
		out.WriteString(strings.TrimRight(body[:eq], " ") + " = [\n")
		for _, e := range elems {
			out.WriteString("  " + e + ",\n")
		}
		out.WriteString("]\n")
	}
	return out.Bytes()
}

// splitArray splits a one-line TOML array into its elements' text.
func splitArray(v string) ([]string, bool) {
	if len(v) < 2 || v[0] != '[' || v[len(v)-1] != ']' {
		return nil, false
	}
	var elems []string
	depth, start := 0, 1
	quote := byte(0)
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case quote != 0:
			if c == '\\' && quote == '"' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '[' || c == '{':
			depth++
		case c == ']' || c == '}':
			depth--
			if depth == 0 {
				if e := strings.TrimSpace(v[start:i]); e != "" {
					elems = append(elems, e)
				}
				return elems, i == len(v)-1
			}
		case c == ',' && depth == 1:
			elems = append(elems, strings.TrimSpace(v[start:i]))
			start = i + 1
		}
	}
	return nil, false
}

func stimuliOut(s *data.Stimuli) *stimuliTOML {
	if s == nil {
		return nil
	}
	st := &stimuliTOML{Count: s.Len(), Source: s.Source, Names: s.Names, Columns: s.Columns}
	if len(s.Columns) > 0 {
		st.Descriptors = map[string][]string{}
		for _, c := range s.Columns {
			st.Descriptors[c] = s.Descriptors[c]
		}
	}
	return st
}

// sourceOut records a source with its path relative to base when
// possible.
func sourceOut(r SourceRecord, base string) sourceTOML {
	s := sourceTOML{Kind: r.Kind, Name: r.Name, Region: r.Region, Size: r.Size, SHA256: r.SHA256, Reps: r.Reps, StimMajor: r.StimMajor}
	absOf := func(p string) string {
		if p == "" {
			return ""
		}
		if a, err := filepath.Abs(p); err == nil {
			return a
		}
		return p
	}
	s.Atlas, s.Labels, s.Anat, s.Units = absOf(r.Atlas), absOf(r.Labels), absOf(r.Anat), absOf(r.Units)
	if r.Kind != loader.KindEmbedded && r.Path != "" {
		abs := r.Path
		if a, err := filepath.Abs(abs); err == nil {
			abs = a
		}
		s.Abs = abs
		if base != "" {
			if ab, err := filepath.Abs(base); err == nil {
				if rel, err := filepath.Rel(ab, abs); err == nil {
					s.Path = filepath.ToSlash(rel)
				}
			}
		}
		if s.Path == "" {
			s.Path, s.Abs = abs, ""
		}
	}
	for _, f := range r.Files {
		s.Files = append(s.Files, f.String())
	}
	return s
}
