package script

import (
	"fmt"
	"strings"
)

// FieldChange is one field that differs between two versions: its name as in
// the file format ("text", "texts.electronic", "rules"), the old value and
// the new, written out ("" for none).
type FieldChange struct {
	Field string `json:"field"`
	Old   string `json:"old"`
	New   string `json:"new"`
}

// Change statuses of a step.
const (
	StepAdded   = "added"
	StepRemoved = "removed"
	StepChanged = "changed"
	StepSame    = "same"
)

// StepDiff is what became of one step: matched by id, added, removed or
// changed field by field (its position too); OldN and NewN are its numbers
// in each version (0 where it is not).
type StepDiff struct {
	ID     string        `json:"id"`
	Status string        `json:"status"`
	Title  string        `json:"title"` // the new title, or the old one of a removed step
	OldN   int           `json:"old_n,omitempty"`
	NewN   int           `json:"new_n,omitempty"`
	Fields []FieldChange `json:"fields,omitempty"`
}

// Diff is what changed from one version of a script to the next.
type Diff struct {
	Fields []FieldChange // the script's own fields: name, purpose, design, channels, video
	Steps  []StepDiff    // in the new order, each removed step after the step it followed
}

// Changed reports whether the versions differ at all.
func (d Diff) Changed() bool {
	if len(d.Fields) > 0 {
		return true
	}
	for _, st := range d.Steps {
		if st.Status != StepSame {
			return true
		}
	}
	return false
}

// Compare says what changed from old to new, step by step (steps are
// matched by id: an id is what answers are stored by).
func Compare(old, new *Script) Diff {
	var d Diff
	add := func(fs *[]FieldChange, field, o, n string) {
		if o != n {
			*fs = append(*fs, FieldChange{field, o, n})
		}
	}
	add(&d.Fields, "name", old.Name, new.Name)
	add(&d.Fields, "purpose", string(old.Purpose), string(new.Purpose))
	add(&d.Fields, "design", string(old.Design), string(new.Design))
	add(&d.Fields, "channels", joinAny(old.Channels), joinAny(new.Channels))
	add(&d.Fields, "video_recorded", fmt.Sprint(old.VideoRecorded), fmt.Sprint(new.VideoRecorded))
	oldIndex := map[string]int{}
	for i, st := range old.Steps {
		oldIndex[st.ID] = i
	}
	newIDs := map[string]bool{}
	for _, st := range new.Steps {
		newIDs[st.ID] = true
	}
	removedAfter := func(i int) { // the old steps from i on that are gone, up to the next kept one
		for ; i < len(old.Steps) && !newIDs[old.Steps[i].ID]; i++ {
			st := old.Steps[i]
			d.Steps = append(d.Steps, StepDiff{ID: st.ID, Status: StepRemoved, Title: st.Title, OldN: i + 1, Fields: stepFields(nil, &st)})
		}
	}
	removedAfter(0)
	for i := range new.Steps {
		st := &new.Steps[i]
		j, ok := oldIndex[st.ID]
		if !ok {
			d.Steps = append(d.Steps, StepDiff{ID: st.ID, Status: StepAdded, Title: st.Title, NewN: i + 1, Fields: stepFields(nil, st)})
			continue
		}
		sd := StepDiff{ID: st.ID, Status: StepSame, Title: st.Title, OldN: j + 1, NewN: i + 1, Fields: stepFields(&old.Steps[j], st)}
		if len(sd.Fields) > 0 || movedRelative(old, new, j, i) {
			sd.Status = StepChanged
		}
		d.Steps = append(d.Steps, sd)
		removedAfter(j + 1)
	}
	return d
}

// movedRelative: the step follows another kept step than it did.
func movedRelative(old, new *Script, j, i int) bool {
	prev := func(s *Script, k int, keep func(string) bool) string {
		for k--; k >= 0; k-- {
			if keep(s.Steps[k].ID) {
				return s.Steps[k].ID
			}
		}
		return ""
	}
	inNew := func(id string) bool { return new.Step(id) != nil }
	inOld := func(id string) bool { return old.Step(id) != nil }
	return prev(old, j, inNew) != prev(new, i, inOld)
}

// stepFields lists the fields that differ between two versions of a step
// (o nil: every field of n that is set; n nil: of o).
func stepFields(o, n *Step) []FieldChange {
	var out []FieldChange
	val := func(st *Step, f func(*Step) string) string {
		if st == nil {
			return ""
		}
		return f(st)
	}
	for _, f := range []struct {
		name string
		get  func(*Step) string
	}{
		{"kind", func(st *Step) string { return string(st.Kind) }},
		{"title", func(st *Step) string { return st.Title }},
		{"text", func(st *Step) string { return st.Text }},
		{"texts.electronic", func(st *Step) string { return st.Texts["electronic"] }},
		{"texts.letter", func(st *Step) string { return st.Texts["letter"] }},
		{"texts.visit", func(st *Step) string { return st.Texts["visit"] }},
		{"methods", func(st *Step) string { return joinAny(st.Methods) }},
		{"answer", func(st *Step) string { return string(st.Answer) }},
		{"choices", func(st *Step) string { return strings.Join(st.Choices, "、") }},
		{"covers", func(st *Step) string { return joinAny(st.Covers) }},
		{"rules", func(st *Step) string { return rulesText(st.Rules) }},
	} {
		a, b := val(o, f.get), val(n, f.get)
		if o == nil && n != nil && b == "" || n == nil && o != nil && a == "" {
			continue
		}
		if a != b {
			out = append(out, FieldChange{f.name, a, b})
		}
	}
	return out
}

// rulesText writes rules one a line, as RuleLine reads them back.
func rulesText(rs []Rule) string {
	lines := make([]string, len(rs))
	for i, r := range rs {
		lines[i] = RuleLine(r)
	}
	return strings.Join(lines, "\n")
}

// RuleLine writes a rule on one line: "no,unclear → problem=unsigned".
func RuleLine(r Rule) string {
	parts := []string{strings.Join(r.When, ",") + " →"}
	if r.Problem != "" {
		parts = append(parts, "problem="+string(r.Problem))
	}
	if r.Goto != "" {
		parts = append(parts, "goto="+r.Goto)
	}
	if r.End != "" {
		parts = append(parts, "end="+string(r.End))
	}
	return strings.Join(parts, " ")
}
