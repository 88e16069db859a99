package project

import (
	"strconv"
	"strings"
)

// lineIndex maps the key paths of a TOML document to the line (from 1)
// where they are written: "name", "sources[2]" (the [[sources]] header),
// "sources[2].sha256", "analyses[0].settings.samples". It reads the
// document line by line, which covers what Save writes and ordinary hand
// edits (multi-line strings and arrays are skipped over); keys it cannot
// place are absent (line 0).
type lineIndex map[string]int

func indexLines(text string) lineIndex {
	idx := lineIndex{}
	counts := map[string]int{} // array-of-tables path → elements so far
	cur := ""
	var skipUntil string // closing delimiter of a multi-line value
	depth := 0           // open brackets of a multi-line array
	for i, raw := range strings.Split(text, "\n") {
		line := strings.TrimSpace(raw)
		if skipUntil != "" {
			if strings.Contains(line, skipUntil) {
				skipUntil = ""
			}
			continue
		}
		if depth > 0 {
			depth += bracketDepth(line)
			continue
		}
		if line == "" || line[0] == '#' {
			continue
		}
		if strings.HasPrefix(line, "[[") {
			name := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(stripComment(line[2:])), "]]"))
			parts := splitKey(name)
			parent := resolvePath(parts[:len(parts)-1], counts)
			p := join(parent, parts[len(parts)-1])
			n := counts[p]
			counts[p] = n + 1
			cur = p + "[" + strconv.Itoa(n) + "]"
			idx[cur] = i + 1
			continue
		}
		if strings.HasPrefix(line, "[") {
			name := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(stripComment(line[1:])), "]"))
			cur = resolvePath(splitKey(name), counts)
			idx[cur] = i + 1
			continue
		}
		eq := keyEnd(line)
		if eq < 0 {
			continue
		}
		key := strings.TrimSpace(line[:eq])
		p := resolveKey(cur, splitKey(key))
		if _, ok := idx[p]; !ok {
			idx[p] = i + 1
		}
		val := strings.TrimSpace(stripComment(line[eq+1:]))
		switch {
		case strings.HasPrefix(val, `"""`) && strings.Count(val, `"""`) == 1:
			skipUntil = `"""`
		case strings.HasPrefix(val, `'''`) && strings.Count(val, `'''`) == 1:
			skipUntil = `'''`
		case strings.HasPrefix(val, "["):
			depth = bracketDepth(val)
		}
	}
	return idx
}

// line returns the line of path, or of its nearest enclosing table.
func (idx lineIndex) line(path string) int {
	for path != "" {
		if n, ok := idx[path]; ok {
			return n
		}
		cut := strings.LastIndexAny(path, ".[")
		if cut < 0 {
			break
		}
		path = path[:cut]
	}
	return 0
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

// resolvePath joins table name parts, indexing arrays of tables by their
// last element.
func resolvePath(parts []string, counts map[string]int) string {
	p := ""
	for _, s := range parts {
		p = join(p, s)
		if n, ok := counts[p]; ok && n > 0 {
			p += "[" + strconv.Itoa(n-1) + "]"
		}
	}
	return p
}

func resolveKey(cur string, parts []string) string {
	p := cur
	for _, s := range parts {
		p = join(p, s)
	}
	return p
}

// splitKey splits a dotted TOML key, unquoting quoted parts.
func splitKey(k string) []string {
	var parts []string
	var b strings.Builder
	quote := byte(0)
	for i := 0; i < len(k); i++ {
		c := k[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			} else if c == '\\' && quote == '"' && i+1 < len(k) {
				i++
				b.WriteByte(k[i])
			} else {
				b.WriteByte(c)
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '.':
			parts = append(parts, strings.TrimSpace(b.String()))
			b.Reset()
		case c == ' ' || c == '\t':
		default:
			b.WriteByte(c)
		}
	}
	return append(parts, strings.TrimSpace(b.String()))
}

// keyEnd returns the index of the '=' that ends the key of a key/value
// line, skipping quoted key parts, or −1.
func keyEnd(line string) int {
	quote := byte(0)
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '=':
			return i
		}
	}
	return -1
}

// stripComment drops a trailing # comment outside strings.
func stripComment(s string) string {
	quote := byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == '\\' && quote == '"' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '#':
			return s[:i]
		}
	}
	return s
}

// bracketDepth is the net number of '[' over ']' outside strings.
func bracketDepth(s string) int {
	d := 0
	quote := byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == '\\' && quote == '"' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '#':
			return d
		case c == '[':
			d++
		case c == ']':
			d--
		}
	}
	return d
}
