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
		return nil, huifang.Errorf(huifang.EINVALID, "话术文件超过 %d KB：这不像回访话术文件", maxFile/1024)
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	if !utf8.Valid(data) {
		return nil, huifang.Errorf(huifang.EINVALID, "话术文件不是 UTF-8 编码：请另存为 UTF-8 后再导入")
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, huifang.Errorf(huifang.EINVALID, "话术文件是空的")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var s Script
	if err := dec.Decode(&s); err != nil {
		return nil, parseError(data, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		line, col := position(data, dec.InputOffset())
		return nil, huifang.Errorf(huifang.EINVALID, "话术文件第 %d 行第 %d 列：一个文件只能有一份话术，后面多出了内容", line, col)
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
		return huifang.Errorf(huifang.EINVALID, "话术文件第 %d 行第 %d 列：JSON 格式错误（%s）；常见原因是漏了逗号、多了逗号或引号不成对", line, col, strings.TrimPrefix(syn.Error(), "json: "))
	case errors.As(err, &typ):
		line, col := position(data, typ.Offset)
		what := "字段 " + typ.Field + " 的值"
		if typ.Field == "" {
			what = "整个文件的"
		}
		return huifang.Errorf(huifang.EINVALID, "话术文件第 %d 行第 %d 列：%s类型不对（应为%s，却是%s）", line, col, what, typeZH(typ.Type), valueZH[typ.Value])
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return huifang.Errorf(huifang.EINVALID, "话术文件不完整：结尾缺少 } 或 ]")
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if name, ok := strings.CutPrefix(msg, "unknown field "); ok {
		return huifang.Errorf(huifang.EINVALID, "话术文件有未知的字段 %s（字段名见 docs/scripts.md，区分大小写）", name)
	}
	return huifang.Errorf(huifang.EINVALID, "话术文件有错：%s", msg)
}

var valueZH = map[string]string{"string": "文字", "number": "数字", "array": "列表", "object": "对象", "bool": "true 或 false", "null": "null"}

func typeZH(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "文字"
	case reflect.Slice:
		return "列表 […]"
	case reflect.Struct, reflect.Map:
		return "对象 {…}"
	case reflect.Int, reflect.Int64:
		return "整数"
	case reflect.Bool:
		return "true 或 false"
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
