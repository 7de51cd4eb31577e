package script

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/huifang/huifang"
)

// maxFile is the largest script file Parse reads.
const maxFile = 1 << 20

// Parse reads a script file (docs/scripts.md): one JSON object, UTF-8, an
// optional byte-order mark. Unknown fields, a second object and wrong value
// types are refused; every error is a huifang.Error with code EINVALID that
// says where (line and column) and what, in Chinese.
//
// Parse checks the file's form only; call Validate or CanActivate for the
// script's content. Empty lists come back nil, so Format(Parse(f)) == f for
// every file Format wrote.
func Parse(r io.Reader) (*Script, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxFile {
		return nil, huifang.Errorf(huifang.EINVALID, "err.script.file.too_large", maxFile/1024)
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	if !utf8.Valid(data) {
		return nil, huifang.Errorf(huifang.EINVALID, "err.script.file.not_utf8")
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, huifang.Errorf(huifang.EINVALID, "err.script.file.empty")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var s Script
	if err := dec.Decode(&s); err != nil {
		return nil, parseError(data, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		line, col := position(data, dec.InputOffset())
		return nil, huifang.Errorf(huifang.EINVALID, "err.script.file.trailing", line, col)
	}
	s.normalize()
	return &s, nil
}

// normalize makes empty lists nil, as Format omits them.
func (s *Script) normalize() {
	if len(s.Channels) == 0 {
		s.Channels = nil
	}
	if len(s.Steps) == 0 {
		s.Steps = nil
	}
	for i := range s.Steps {
		st := &s.Steps[i]
		if len(st.Choices) == 0 {
			st.Choices = nil
		}
		if len(st.Covers) == 0 {
			st.Covers = nil
		}
		if len(st.Rules) == 0 {
			st.Rules = nil
		}
		if len(st.Texts) == 0 {
			st.Texts = nil
		}
		if len(st.Methods) == 0 {
			st.Methods = nil
		}
		for j := range st.Rules {
			if len(st.Rules[j].When) == 0 {
				st.Rules[j].When = nil
			}
		}
	}
}

func parseError(data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		off := syn.Offset - 1 // Offset is just past the offending byte
		if off < 0 {
			off = 0
		}
		line, col := position(data, off)
		return huifang.Errorf(huifang.EINVALID, "err.script.file.syntax", line, col, strings.TrimPrefix(syn.Error(), "json: "))
	case errors.As(err, &typ):
		line, col := position(data, typ.Offset)
		what := huifang.M("err.script.file.field_value", typ.Field)
		if typ.Field == "" {
			what = huifang.M("err.script.file.whole")
		}
		value := any(typ.Value)
		if valueKeys[typ.Value] {
			value = huifang.M("err.script.type." + typ.Value)
		}
		return huifang.Errorf(huifang.EINVALID, "err.script.file.type", line, col, what, typeName(typ.Type), value)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return huifang.Errorf(huifang.EINVALID, "err.script.file.incomplete")
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if name, ok := strings.CutPrefix(msg, "unknown field "); ok {
		return huifang.Errorf(huifang.EINVALID, "err.script.file.unknown_field", name)
	}
	return huifang.Errorf(huifang.EINVALID, "err.script.file.bad", msg)
}

// valueKeys are the JSON value kinds with a name in the catalog
// ("err.script.type.string", ...).
var valueKeys = map[string]bool{"string": true, "number": true, "array": true, "object": true, "bool": true, "null": true}

// typeName names the JSON a Go type wants, for a message.
func typeName(t reflect.Type) any {
	switch t.Kind() {
	case reflect.String:
		return huifang.M("err.script.type.string")
	case reflect.Slice:
		return huifang.M("err.script.type.list")
	case reflect.Struct, reflect.Map:
		return huifang.M("err.script.type.struct")
	case reflect.Int, reflect.Int64:
		return huifang.M("err.script.type.int")
	case reflect.Bool:
		return huifang.M("err.script.type.bool")
	}
	return t.String()
}

// position turns a byte offset into a 1-based line and column (in characters).
func position(data []byte, off int64) (line, col int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	col = utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:]) + 1
	return line, col
}

// Format writes the script in the file format Parse reads: JSON indented by
// two spaces, fields in a fixed order, empty fields left out, Chinese text as
// is (not \u-escaped), a final newline. Parse(Format(s)) gives back s (with
// empty lists as nil). Format does not validate: a draft may be written out.
func (s *Script) Format(w io.Writer) error {
	c := s.Clone()
	c.normalize()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(c); err != nil {
		return fmt.Errorf("script: format %s: %w", s.Code, err)
	}
	_, err := w.Write(scalarLists.ReplaceAllFunc(b.Bytes(), oneLine))
	return err
}

// scalarLists matches an indented list of strings; JSON strings hold no raw
// newline, so the match cannot cut one.
var scalarLists = regexp.MustCompile(`\[\n\s*("(?:[^"\\]|\\.)*"(?:,\n\s*"(?:[^"\\]|\\.)*")*)\n\s*\]`)

// oneLine writes a list of strings on one line: "when": ["no", "unclear"].
func oneLine(m []byte) []byte {
	inner := scalarLists.FindSubmatch(m)[1]
	parts := bytes.Split(inner, []byte(",\n"))
	for i := range parts {
		parts[i] = bytes.TrimSpace(parts[i])
	}
	return append(append([]byte("["), bytes.Join(parts, []byte(", "))...), ']')
}
