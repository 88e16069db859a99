package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
)

// TestLesionPageFindsTheDemoAnswer runs the demo's lesion: the most
// category-selective units of gabornet/fc carry the category structure
// that IT reflects, so silencing them lowers IT agreement more than
// random lesions of the same size (the targeted curve leaves the band).
func TestLesionPageFindsTheDemoAnswer(t *testing.T) {
	mw, ws := newWindow(t)
	mw.OpenDemo()
	idle(t, ws)
	pg := mw.Lesions()
	pg.model.SetSelected("gabornet")
	pg.layer.SetSelected("fc")
	pg.plan.SetSelected(planSelective)
	pg.descriptor.SetSelected("category")
	pg.regions.SetSelected([]string{"IT", "V1"})
	pg.draws.SetText("100")
	test.Tap(pg.run)
	idle(t, ws)
	if text := overlayText(t, mw.Win); text != "" {
		t.Fatalf("dialog: %s", text)
	}
	r := pg.Result()
	if r == nil {
		t.Fatal("no lesion result")
	}
	var it int = -1
	for i, e := range r.Effects {
		if e.Name == "IT" {
			it = i
		}
	}
	if it < 0 {
		t.Fatalf("no IT effect in %+v", r.Effects)
	}
	e := r.Effects[it]
	left := false
	for f := range r.Fractions {
		if r.Fractions[f] > 0 && r.Fractions[f] < 1 && e.Targeted[f] < e.NullLow[f] && e.P[f] < 0.05 {
			left = true
		}
	}
	if !left {
		t.Errorf("the targeted IT curve stays in the random band: targeted %v, band low %v, p %v", e.Targeted, e.NullLow, e.P)
	}
	waitRendered(t, pg.curve)
	mw.ShowPage("Lesions")
	pg.effect.SetSelected("IT")
	waitRendered(t, pg.curve)
	capture(t, mw.Win, "lesion-curves")
	if len(pg.rows) != len(r.Effects)*len(r.Fractions) {
		t.Errorf("effect table has %d rows", len(pg.rows))
	}
	pg.views.SelectIndex(1)
	capture(t, mw.Win, "lesion-rdms")
	pg.views.SelectIndex(2)
	if !strings.Contains(pg.confInfo.Text, "accuracy") {
		t.Errorf("confusion info %q", pg.confInfo.Text)
	}
	capture(t, mw.Win, "lesion-confusion")
}

func TestLesionPageBadChoices(t *testing.T) {
	mw, ws := newWindow(t)
	mw.OpenDemo()
	idle(t, ws)
	pg := mw.Lesions()
	for _, c := range []struct {
		set  func()
		want string
	}{
		{func() { pg.fractions.SetText("0, 150") }, "0 to 100"},
		{func() { pg.fractions.SetText("0, 10"); pg.draws.SetText("x") }, "draws"},
		{func() { pg.draws.SetText("100"); pg.plan.SetSelected(planList); pg.units.SetText("") }, "list the units"},
	} {
		mw.closeOverlays()
		c.set()
		before := ws.Project()
		test.Tap(pg.run)
		idle(t, ws)
		if text := overlayText(t, mw.Win); !strings.Contains(text, c.want) {
			t.Errorf("dialog %q, want %q", text, c.want)
		}
		if ws.Project() != before {
			t.Error("the project changed")
		}
	}
	// a channel plan on a layer without channels
	mw.closeOverlays()
	pg.plan.SetSelected(planRandChannels)
	pg.model.SetSelected("gabornet")
	pg.layer.SetSelected("fc")
	test.Tap(pg.run)
	idle(t, ws)
	if text := overlayText(t, mw.Win); text == "" {
		t.Error("a channel plan on a dense layer gave no error")
	}
}

// TestLesionPageEncodingWeights: the plan from a region's encoding
// weights runs on the demo.
func TestLesionPageEncodingWeights(t *testing.T) {
	mw, ws := newWindow(t)
	mw.OpenDemo()
	idle(t, ws)
	pg := mw.Lesions()
	pg.model.SetSelected("gabornet")
	pg.layer.SetSelected("conv3")
	pg.plan.SetSelected(planWeights)
	pg.weightRegion.SetSelected("V4")
	pg.regions.SetSelected([]string{"V4"})
	pg.readout.SetSelected(readoutNone)
	pg.draws.SetText("20")
	pg.fractions.SetText("0, 10, 50")
	test.Tap(pg.run)
	idle(t, ws)
	if text := overlayText(t, mw.Win); text != "" {
		t.Fatalf("dialog: %s", text)
	}
	r := pg.Result()
	if r == nil || len(r.Effects) != 1 || len(r.Fractions) != 3 {
		t.Fatalf("result %+v", r)
	}
}

// TestLesionInTheNetwork: silence the most category-selective channels
// of the demo network's pool2 and measure every later layer against IT
// and the output's top-1 agreement.
func TestLesionInTheNetwork(t *testing.T) {
	mw, ws := newWindow(t)
	mw.OpenDemo()
	idle(t, ws)
	mw.model.OpenDemoNetwork()
	idle(t, ws)
	pg := mw.Lesions()
	pg.where.SetSelected(whereNetwork)
	if !contains(pg.node.Options, "pool2") {
		t.Fatalf("nodes %v", pg.node.Options)
	}
	pg.node.SetSelected("pool2")
	pg.plan.SetSelected(planSelective)
	pg.descriptor.SetSelected("category")
	pg.regions.SetSelected([]string{"IT"})
	pg.draws.SetText("10")
	pg.fractions.SetText("0, 25, 50")
	pg.withEncoding.SetChecked(true)
	test.Tap(pg.run)
	idle(t, ws)
	if text := overlayText(t, mw.Win); text != "" {
		t.Fatalf("dialog: %s", text)
	}
	r := pg.Result()
	if r == nil || !r.Channels || len(r.Fractions) != 3 {
		t.Fatalf("result %+v", r)
	}
	var names []string
	top1, enc := false, false
	for _, e := range r.Effects {
		names = append(names, e.Name)
		enc = enc || e.Kind == "encoding"
		if e.Kind == "top1" {
			top1 = true
			if e.Targeted[0] != 0 {
				t.Errorf("top-1 change at 0 %%: %v", e.Targeted[0])
			}
		}
	}
	if !top1 || !enc || len(names) < 3 {
		t.Fatalf("effects %v", names)
	}
	mw.ShowPage("Lesions")
	waitRendered(t, pg.curve)
	capture(t, mw.Win, "lesion-network")
}
