package script

import "testing"

// TestLibraryCopiesAreFresh: the shipped scripts are parsed once, and each
// caller gets its own copy: changing one changes neither the next Library
// nor a Lookup.
func TestLibraryCopiesAreFresh(t *testing.T) {
	first := Library()
	code, text := first[0].Code, first[0].Steps[0].Text
	first[0].Steps[0].Text = "changed"
	first[0].Steps = first[0].Steps[:1]
	first[0].Code = "changed"
	if again := Library(); again[0].Code != code || again[0].Steps[0].Text != text || len(again[0].Steps) < 2 {
		t.Errorf("a change to one copy reached the next: %s %q, %d steps", again[0].Code, again[0].Steps[0].Text, len(again[0].Steps))
	}
	l := Lookup(code)
	if l == nil || l.Steps[0].Text != text {
		t.Fatalf("Lookup(%s) after a change to a copy: %+v", code, l)
	}
	l.Steps[0].Text = "changed too"
	if Lookup(code).Steps[0].Text != text {
		t.Error("a change to a Lookup copy reached the next Lookup")
	}
}
