package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/alignscope/alignscope/core/data"
)

// Tree node IDs: "stimuli", "models", "model/M", "layer/M/L", "subjects",
// "subject/S", "region/S/R". Names are joined with "\x1f" so that any
// character may appear in a user's names.
const sep = "\x1f"

func nodeID(kind string, names ...string) string {
	return kind + "/" + strings.Join(names, sep)
}

func parseNode(id string) (kind string, names []string) {
	k, rest, ok := strings.Cut(id, "/")
	if !ok {
		return id, nil
	}
	return k, strings.Split(rest, sep)
}

// projectTree adapts a *data.Project to widget.Tree callbacks.
type projectTree struct {
	project func() *data.Project
}

func (t projectTree) children(id widget.TreeNodeID) []widget.TreeNodeID {
	p := t.project()
	kind, names := parseNode(id)
	switch {
	case id == "":
		return []string{"stimuli", "models", "subjects"}
	case id == "models":
		out := make([]string, len(p.Models))
		for i, m := range p.Models {
			out[i] = nodeID("model", m.Name)
		}
		return out
	case id == "subjects":
		out := make([]string, len(p.Subjects))
		for i, s := range p.Subjects {
			out[i] = nodeID("subject", s.Name)
		}
		return out
	case kind == "model":
		m := p.Model(names[0])
		if m == nil {
			return nil
		}
		out := make([]string, len(m.Layers))
		for i, l := range m.Layers {
			out[i] = nodeID("layer", m.Name, l.Name)
		}
		return out
	case kind == "subject":
		s := p.Subject(names[0])
		if s == nil {
			return nil
		}
		out := make([]string, len(s.Regions))
		for i, r := range s.Regions {
			out[i] = nodeID("region", s.Name, r.Name)
		}
		return out
	}
	return nil
}

func (t projectTree) isBranch(id widget.TreeNodeID) bool {
	kind, _ := parseNode(id)
	return id == "" || id == "models" || id == "subjects" || kind == "model" || kind == "subject"
}

func (t projectTree) create(bool) fyne.CanvasObject {
	name := widget.NewLabel("")
	name.Truncation = fyne.TextTruncateEllipsis
	info := widget.NewLabel("")
	info.Importance = widget.LowImportance
	return container.NewBorder(nil, nil, widget.NewIcon(nil), info, name)
}

// label returns the icon, name and right-hand info of a node.
func (t projectTree) label(id widget.TreeNodeID) (fyne.Resource, string, string) {
	p := t.project()
	kind, names := parseNode(id)
	switch kind {
	case "stimuli":
		if p.Stimuli == nil {
			return theme.GridIcon(), "Stimuli", "none yet"
		}
		return theme.GridIcon(), "Stimuli", fmt.Sprintf("%d", p.Stimuli.Len())
	case "models":
		return theme.StorageIcon(), "Models", fmt.Sprintf("%d", len(p.Models))
	case "subjects":
		return theme.AccountIcon(), "Subjects", fmt.Sprintf("%d", len(p.Subjects))
	case "model":
		if m := p.Model(names[0]); m != nil {
			return theme.FolderIcon(), m.Name, plural(len(m.Layers), "layer")
		}
	case "layer":
		if m := p.Model(names[0]); m != nil {
			if l := m.Layer(names[1]); l != nil {
				return theme.FileIcon(), l.Name, l.ShapeString()
			}
		}
	case "subject":
		if s := p.Subject(names[0]); s != nil {
			return theme.AccountIcon(), s.Name, plural(len(s.Regions), "region")
		}
	case "region":
		if s := p.Subject(names[0]); s != nil {
			if r := s.Region(names[1]); r != nil {
				if r.Data == nil {
					return theme.RadioButtonCheckedIcon(), r.Name, "RDM"
				}
				return theme.RadioButtonCheckedIcon(), r.Name, fmt.Sprintf("%d ch", r.Channels())
			}
		}
	}
	return nil, id, ""
}

func (t projectTree) update(id widget.TreeNodeID, _ bool, o fyne.CanvasObject) {
	icon, name, info := t.label(id)
	c := o.(*fyne.Container)
	c.Objects[0].(*widget.Label).SetText(name)
	c.Objects[1].(*widget.Icon).SetResource(icon)
	c.Objects[2].(*widget.Label).SetText(info)
}

func repsSuffix(r int) string {
	if r < 2 {
		return ""
	}
	return fmt.Sprintf(" · %d reps", r)
}

// humanBytes formats a byte count as "12.3 MB".
func humanBytes(b int64) string {
	const unit = 1000
	if b < unit {
		return fmt.Sprintf("%d B", b)
	}
	div, exp := int64(unit), 0
	for n := b / unit; n >= unit; n /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", float64(b)/float64(div), "kMGTPE"[exp])
}

// plural formats a count with its noun: "1 layer", "5 layers".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
