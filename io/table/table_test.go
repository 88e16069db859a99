package table

import (
	"bytes"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/alignscope/alignscope/core/data"
)

func td(name string) string { return filepath.Join("testdata", name) }

func TestReadStimuliFile(t *testing.T) {
	tests := []struct {
		file    string
		names   []string
		columns []string
		desc    map[string][]string
	}{
		{"stimuli.csv", []string{"cat01", "dog01", "car01", "face01"}, []string{"category", "animate", "description"},
			map[string][]string{
				"category":    {"animal", "animal", "vehicle", "face"},
				"animate":     {"yes", "yes", "no", "yes"},
				"description": {"a cat, sitting", `a "good" dog`, "red car", ""},
			}},
		{"stimuli.tsv", []string{"cat01", "dog01", "car01"}, []string{"category", "animate"},
			map[string][]string{"category": {"animal", "animal", "vehicle"}, "animate": {"yes", "yes", "no"}}},
		{"bom_crlf.csv", []string{"cat01", "car01"}, []string{"category"},
			map[string][]string{"category": {"animal", "vehicle"}}},
		{"semicolon.txt", []string{"cat01", "car01"}, []string{"category", "size"},
			map[string][]string{"category": {"animal", "vehicle"}, "size": {"3,5", "4,0"}}},
		{"tab.txt", []string{"cat01", "car01"}, []string{"category"},
			map[string][]string{"category": {"animal, small", "vehicle"}}},
		{"utf16.txt", []string{"chat01", "voiture01"}, []string{"catégorie"},
			map[string][]string{"catégorie": {"animal", "véhicule"}}},
		{"names_only.txt", []string{"cat01", "car01", "face01"}, []string{}, map[string][]string{}},
		{"pandas_index.csv", []string{"cat01", "car01"}, []string{"category"},
			map[string][]string{"category": {"animal", "vehicle"}}},
		{"excel_trailing.csv", []string{"cat01", "car01"}, []string{"category"},
			map[string][]string{"category": {"animal", "vehicle"}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			s, err := ReadStimuliFile(td(tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(s.Names, tt.names) {
				t.Errorf("Names = %q, want %q", s.Names, tt.names)
			}
			if fmt.Sprint(s.Columns) != fmt.Sprint(tt.columns) {
				t.Errorf("Columns = %q, want %q", s.Columns, tt.columns)
			}
			if !reflect.DeepEqual(s.Descriptors, tt.desc) {
				t.Errorf("Descriptors = %q, want %q", s.Descriptors, tt.desc)
			}
			if s.Source != td(tt.file) {
				t.Errorf("Source = %q", s.Source)
			}
			if err := s.Validate(); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestReadStimuliErrors(t *testing.T) {
	tests := []struct {
		file string
		want []string
	}{
		{"ragged.csv", []string{"ragged.csv", "line 3", "3 fields", "has 2", "comma"}},
		{"duplicate.csv", []string{"duplicate.csv", `"cat01"`, "lines 2 and 4", "unique"}},
		{"header_only.csv", []string{"header_only.csv", "no stimuli"}},
		{"empty.csv", []string{"empty.csv", "empty"}},
		{"badquote.csv", []string{"badquote.csv", "starts on line 2", "quote"}},
		{"latin1.csv", []string{"latin1.csv", "line 1", "UTF-8"}},
		{"missing.csv", []string{"missing.csv", "check the path"}},
		{"", []string{"folder"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			_, err := ReadStimuliFile(td(tt.file))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestReadStimuliInline(t *testing.T) {
	tests := []struct {
		name, text string
		wantErr    string // "" for success
		names      string
	}{
		{"a.csv", "stim,cat\na,x\n\n\nb,y\n\n", "", "a b"},
		{"a.csv", "  stim , cat \n a , x \n", "", "a"},
		{"a.csv", "stim,cat\n,x\n", "no stimulus name", ""},
		{"a.csv", "stim,,cat\na,1,x\n", "column 2 has no name", ""},
		{"a.csv", "stim,cat,cat\na,1,x\n", "both called", ""},
		{"a.csv", "stim,cat,size\na,x\n", "line 2 has 2 fields", ""},
		{"a.tsv", "stim\tcat\na\t5\" screen\n", "", "a"},
		{"a.dat", "stim\tcat\nb\tx\n", "", "b"},
		{"a.csv", "stim,cat\r\na,\"multi\r\nline\"\r\nb,y\r\n", "", "a b"},
		{"a.csv", "\n\n  \n", "empty", ""},
		{"a.csv", "stim\x00,cat\na,b\n", "NUL", ""},
		{"a.txt", "stim\n\"a,b\"\n", "", "a,b"},
	}
	for _, tt := range tests {
		s, err := ReadStimuli(strings.NewReader(tt.text), tt.name)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), tt.name) {
				t.Errorf("%q: error %v, want %q", tt.text, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tt.text, err)
			continue
		}
		if got := strings.Join(s.Names, " "); got != tt.names {
			t.Errorf("%q: names %q, want %q", tt.text, got, tt.names)
		}
	}
}

func TestDelimiter(t *testing.T) {
	tests := []struct {
		name, header string
		want         rune
	}{
		{"x.csv", "a,b", ','},
		{"x.csv", "a;b;c", ';'},
		{"x.CSV", "a\tb", '\t'},
		{"x.tsv", "a\tb,c", '\t'},
		{"x.tsv", "a", '\t'},
		{"x.txt", "a,b\tc\td", '\t'},
		{"x.txt", `"a,b",c;d;e`, ';'},
		{"x.txt", "a", ','},
	}
	for _, tt := range tests {
		if got := delimiter(tt.name, tt.header); got != tt.want {
			t.Errorf("delimiter(%q, %q) = %q, want %q", tt.name, tt.header, got, tt.want)
		}
	}
}

func TestWriteStimuliRoundTrip(t *testing.T) {
	for _, file := range []string{"stimuli.csv", "stimuli.tsv", "utf16.txt", "names_only.txt", "semicolon.txt"} {
		s, err := ReadStimuliFile(td(file))
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := WriteStimuli(&buf, s); err != nil {
			t.Fatal(err)
		}
		back, err := ReadStimuli(&buf, "back.tsv")
		if err != nil {
			t.Fatalf("%s: %v\n%s", file, err, buf.String())
		}
		back.Source = s.Source
		if !reflect.DeepEqual(back, s) {
			t.Errorf("%s: round trip\n got %#v\nwant %#v", file, back, s)
		}
	}
	s := &data.Stimuli{
		Names:       []string{"a\tb", `q"uote`, "new\nline", "ü"},
		Columns:     []string{"cat", "with\ttab"},
		Descriptors: map[string][]string{"cat": {"1", "2", "", "x,y"}, "with\ttab": {"", "", "", ""}},
	}
	var buf bytes.Buffer
	if err := WriteStimuli(&buf, s); err != nil {
		t.Fatal(err)
	}
	back, err := ReadStimuli(&buf, "x.tsv")
	if err != nil {
		t.Fatal(err)
	}
	back.Source = ""
	if !reflect.DeepEqual(back, s) {
		t.Errorf("round trip\n got %#v\nwant %#v", back, s)
	}
	bad := &data.Stimuli{Names: []string{"a", "a"}}
	if err := WriteStimuli(&bytes.Buffer{}, bad); err == nil {
		t.Error("duplicate names written")
	}
}

func ExampleReadStimuli() {
	text := "stimulus,category\ncat01,animal\ncar01,vehicle\n"
	s, err := ReadStimuli(strings.NewReader(text), "stimuli.csv")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.Names, s.Columns, s.Descriptor("category"))
	// Output: [cat01 car01] [category] [animal vehicle]
}
