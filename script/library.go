package script

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"sync"
)

// The shipped standard scripts, one file each (docs/scripts.md lists them).
//
//go:embed library/*.json
var libraryFS embed.FS

// Library returns fresh copies of the shipped standard scripts, in the order
// of their codes. Each validates and can be activated (tests make sure).
func Library() []*Script {
	lib := shipped()
	out := make([]*Script, len(lib))
	for i, s := range lib {
		out[i] = s.Clone()
	}
	return out
}

// shipped parses the shipped scripts once: every operator's next and finish
// looks its script up, and parsing them each time took most of a busy
// server's time. Callers get clones.
var shipped = sync.OnceValue(func() []*Script {
	names, err := fs.Glob(libraryFS, "library/*.json")
	if err != nil {
		panic(err)
	}
	sort.Strings(names)
	out := make([]*Script, 0, len(names))
	for _, name := range names {
		data, err := libraryFS.ReadFile(name)
		if err != nil {
			panic(err)
		}
		s, err := Parse(bytes.NewReader(data))
		if err != nil {
			panic(fmt.Sprintf("script: shipped %s: %v", name, err))
		}
		out = append(out, s)
	}
	return out
})

// First returns a fresh copy of the first shipped script, in the order of
// their codes, for which ok is true; nil when none is.
func First(ok func(*Script) bool) *Script {
	for _, s := range shipped() {
		if ok(s) {
			return s.Clone()
		}
	}
	return nil
}

// Lookup returns a fresh copy of the shipped script with the code, or nil;
// the built-in re-callback confirmations (Confirmation) are found by their
// codes too.
func Lookup(code string) *Script {
	if t, ok := confirmationType(code); ok {
		return Confirmation(t)
	}
	for _, s := range shipped() {
		if s.Code == code {
			return s.Clone()
		}
	}
	return nil
}

// libraryFile returns a shipped file as stored, for tests.
func libraryFile(code string) ([]byte, error) {
	return libraryFS.ReadFile("library/" + code + ".json")
}
