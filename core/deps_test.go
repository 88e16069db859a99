package core

import (
	"os/exec"
	"strings"
	"testing"
)

// TestCoreImportsNeitherFyneNorIO enforces the design's one dependency
// rule: core depends on neither Fyne, the io layer, nor the ui and app layers.
func TestCoreImportsNeitherFyneNorIO(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "./...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list returned only %d packages", len(deps))
	}
	const mod = "github.com/alignscope/alignscope/"
	for _, d := range deps {
		if strings.HasPrefix(d, "fyne.io/") || strings.HasPrefix(d, mod+"io/") ||
			strings.HasPrefix(d, mod+"ui") || strings.HasPrefix(d, mod+"app") {
			t.Errorf("core depends on %s", d)
		}
	}
}
