package app

import (
	"bytes"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/script"
)

// TestParseRecordCopies: a stored script is parsed once by its text, each
// caller gets its own copy numbered by its record, and a text that does not
// parse is refused every time.
func TestParseRecordCopies(t *testing.T) {
	var b bytes.Buffer
	if err := script.Lookup("life-traditional-agency").Format(&b); err != nil {
		t.Fatal(err)
	}
	r := &huifang.ScriptRecord{ID: 7, Code: "life-traditional-agency", Version: 3, Body: b.String()}
	a, err := parseRecord(r)
	if err != nil {
		t.Fatal(err)
	}
	text := a.Steps[0].Text
	a.Steps[0].Text, a.Version = "changed", 99
	r2 := *r
	r2.Version = 4
	c, err := parseRecord(&r2)
	if err != nil {
		t.Fatal(err)
	}
	if c.Steps[0].Text != text || c.Version != 4 {
		t.Errorf("second parse: text %q version %d; want %q and 4", c.Steps[0].Text, c.Version, text)
	}
	if d, _ := parseRecord(r); d.Version != 3 {
		t.Errorf("version %d, want the record's 3", d.Version)
	}
	bad := &huifang.ScriptRecord{ID: 8, Code: "x", Version: 1, Body: "{not json"}
	for range 2 {
		if _, err := parseRecord(bad); err == nil {
			t.Error("a script that does not parse was accepted")
		}
	}
}
