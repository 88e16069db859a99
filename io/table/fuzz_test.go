package table

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// FuzzReadStimuli checks that no input panics, that a table read is
// valid, and that writing it and reading it back gives the same table.
func FuzzReadStimuli(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*"))
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, filepath.Ext(file))
	}
	f.Fuzz(func(t *testing.T, b []byte, ext string) {
		s, err := ReadStimuli(bytes.NewReader(b), "fuzz"+ext)
		if err != nil {
			return
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("invalid table read: %v", err)
		}
		var buf bytes.Buffer
		if err := WriteStimuli(&buf, s); err != nil {
			t.Fatalf("write: %v", err)
		}
		back, err := ReadStimuli(&buf, "back.tsv")
		if err != nil {
			t.Fatalf("read back: %v\n%q", err, buf.String())
		}
		back.Source = s.Source
		if !reflect.DeepEqual(back, s) {
			t.Fatalf("round trip\n got %#v\nwant %#v", back, s)
		}
	})
}
