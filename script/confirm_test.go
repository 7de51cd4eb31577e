package script

import (
	"strings"
	"testing"

	"github.com/huifang/huifang"
)

// TestConfirmation: every problem type has a confirmation script that
// validates, is found by its code, asks about its own problem and raises
// the same type on a no; its written wording asks to confirm and does not
// speak of a recorded call.
func TestConfirmation(t *testing.T) {
	for _, pt := range huifang.ProblemTypes {
		sc := Confirmation(pt)
		if sc == nil {
			t.Fatalf("no confirmation for %s", pt)
		}
		if err := sc.Validate(); err != nil {
			t.Fatalf("%s: %v", pt, err)
		}
		if got := Lookup(ConfirmationPrefix + string(pt)); got == nil || got.Code != sc.Code {
			t.Fatalf("lookup %s: %+v", pt, got)
		}
		res, err := sc.Evaluate(map[string]string{"identity": Yes, "fixed": No})
		if err != nil || len(res.Problems) != 1 || res.Problems[0].Type != pt {
			t.Fatalf("%s: a no raises %+v (%v)", pt, res.Problems, err)
		}
		for _, m := range []huifang.CallbackMethod{huifang.MethodElectronic, huifang.MethodLetter} {
			written := sc.For(m)
			for _, st := range written.Steps {
				if strings.Contains(st.Text, "录音") || strings.Contains(st.Text, "请问") {
					t.Fatalf("%s %s: %q", pt, m, st.Text)
				}
			}
			if q := written.Step("fixed"); !strings.Contains(q.Text, "请确认") {
				t.Fatalf("%s %s asks %q", pt, m, q.Text)
			}
		}
	}
	if Confirmation("nonsense") != nil || Lookup(ConfirmationPrefix+"nonsense") != nil {
		t.Fatal("an unknown type has a confirmation")
	}
}
