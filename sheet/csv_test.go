package sheet

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/i18n"
	"golang.org/x/text/encoding/simplifiedchinese"
	xunicode "golang.org/x/text/encoding/unicode"
)

// row is a row as read, with its line number.
type row struct {
	Line  int
	Cells []string
}

// readAll opens b and reads every row, the first as the header.
func readAll(t *testing.T, b []byte) ([]row, error) {
	t.Helper()
	rows, err := Open(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []row
	for {
		rec, err := rows.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		} else if err != nil {
			return out, err
		}
		if len(out) == 0 {
			rows.Header()
		}
		out = append(out, row{rows.Line(), append([]string(nil), rec...)})
	}
}

// wantInvalid checks that err is a *huifang.Error of code EINVALID whose
// message contains want.
func wantInvalid(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one containing %q", want)
	}
	var e *huifang.Error
	if !errors.As(err, &e) || e.Code != huifang.EINVALID {
		t.Fatalf("error %v (%T), want a *huifang.Error with code %s", err, err, huifang.EINVALID)
	}
	if msg := e.Text(i18n.ZH); !strings.Contains(msg, want) {
		t.Fatalf("message %q, want it to contain %q", msg, want)
	}
}

func gbk(t *testing.T, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func utf16le(t *testing.T, s string) []byte {
	t.Helper()
	b, err := xunicode.UTF16(xunicode.LittleEndian, xunicode.UseBOM).NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCSV(t *testing.T) {
	const policies = "保单号,投保人姓名,保费\nP001,张三,\"1,234.50\"\nP002,李四,500\n"
	want := []row{
		{1, []string{"保单号", "投保人姓名", "保费"}},
		{2, []string{"P001", "张三", "1,234.50"}},
		{3, []string{"P002", "李四", "500"}},
	}
	tests := []struct {
		name string
		in   []byte
		want []row
	}{
		{"utf-8", []byte(policies), want},
		{"utf-8 with BOM", append([]byte("\xEF\xBB\xBF"), policies...), want},
		{"gbk", gbk(t, policies), want},
		{"crlf", []byte(strings.ReplaceAll(policies, "\n", "\r\n")), want},
		{"utf-16 tab-separated", utf16le(t, "保单号\t投保人姓名\t保费\nP001\t张三\t1,234.50\nP002\t李四\t500\n"), want},
		{"tabs", []byte("保单号\t投保人姓名\t保费\nP001\t张三\t1,234.50\nP002\t李四\t500"), want},
		{"trim", []byte(" 保单号 ,\t投保人姓名\u3000, 保费\nP001 ,  张三,\"1,234.50 \"\n\uFEFFP002,李四 ,500\n"), want},
		{
			"empty lines and lines of commas are skipped",
			[]byte("\n保单号,投保人姓名,保费\n\n,,\n  ,\t, \nP001,张三,\"1,234.50\"\n\nP002,李四,500\n\n"),
			[]row{
				{2, []string{"保单号", "投保人姓名", "保费"}},
				{6, []string{"P001", "张三", "1,234.50"}},
				{8, []string{"P002", "李四", "500"}},
			},
		},
		{
			"a quoted field over two lines",
			[]byte("保单号,备注\nP001,\"第一行\n第二行\"\nP002,x\n"),
			[]row{
				{1, []string{"保单号", "备注"}},
				{2, []string{"P001", "第一行\n第二行"}},
				{4, []string{"P002", "x"}},
			},
		},
		{
			"empty trailing header cells and empty extra cells",
			[]byte("保单号,保费,,\nP001,1,,\nP002,2\nP003,3,,,,\n"),
			[]row{
				{1, []string{"保单号", "保费"}},
				{2, []string{"P001", "1"}},
				{3, []string{"P002", "2"}},
				{4, []string{"P003", "3"}},
			},
		},
		{"commas in a tab-separated header stay commas", []byte("a,b\tc\n1,2\tx\n"), []row{{1, []string{"a", "b\tc"}}, {2, []string{"1", "2\tx"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readAll(t, tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestCSVErrors(t *testing.T) {
	binary := make([]byte, 4096)
	for i := range binary {
		binary[i] = byte(1 + i*7%255) // no NUL, many control bytes
	}
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, "文件为空"},
		{"only white space", []byte(" \r\n\t\n"), "文件为空"},
		{"only a BOM", []byte("\xEF\xBB\xBF"), "文件为空"},
		{"png named .csv", append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 100)...), "二进制"},
		{"control bytes", binary, "二进制"},
		{"old excel", append([]byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), make([]byte, 512)...), ".xls"},
		{"too few fields", []byte("保单号,姓名,保费\nP001,张三,1\nP002,李四\n"), "第3行有2列，而表头有3列"},
		{"too many fields", []byte("保单号,姓名\n\nP001,张三,1\n"), "第3行有3列，而表头有2列"},
		{"bare quote", []byte("保单号,姓名\nP001,张\"三\n"), "第2行"},
		{"unclosed quote", []byte("保单号,姓名\nP001,\"张三\nP002,李四\n"), "引号不配对"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readAll(t, tt.in)
			wantInvalid(t, err, tt.want)
		})
	}
}

// A UTF-8 character cut by the end of the sniffed window must not make the
// file look like GBK, and GBK beyond the window must still decode.
func TestCSVWindow(t *testing.T) {
	t.Run("utf-8 character across the window", func(t *testing.T) {
		filler := strings.Repeat("x", sniffSize-1-len("a\n"))
		in := "a\n" + filler + "中\n" // 中's first byte is the window's last
		got, err := readAll(t, []byte(in))
		if err != nil {
			t.Fatal(err)
		}
		if last := got[len(got)-1].Cells[0]; last != filler+"中" {
			t.Errorf("last cell ends %q", last[len(last)-10:])
		}
	})
	t.Run("gbk beyond the window", func(t *testing.T) {
		var b strings.Builder
		b.WriteString("保单号,投保人姓名\n")
		for i := 0; b.Len() < 3*sniffSize; i++ {
			b.WriteString("P" + strconv.Itoa(i) + ",欧阳修\n")
		}
		got, err := readAll(t, gbk(t, b.String()))
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range got[1:] {
			if r.Cells[1] != "欧阳修" {
				t.Fatalf("line %d: %q", r.Line, r.Cells)
			}
		}
	})
}

func TestLooksUTF8(t *testing.T) {
	tests := []struct {
		in   string
		cut  bool
		want bool
	}{
		{"abc", false, true},
		{"保单号", false, true},
		{"保单号\xe4\xbf", true, true}, // cut inside a character at the window's end
		{"保单号\xe4\xbf", false, false},
		{string(gbk(t, "保单号,投保人姓名,被保险人姓名")), false, false},
		{string(gbk(t, "保单号,投保人姓名,被保险人姓名")), true, false},
	}
	for _, tt := range tests {
		if got := looksUTF8([]byte(tt.in), tt.cut); got != tt.want {
			t.Errorf("looksUTF8(%q, %v) = %v, want %v", tt.in, tt.cut, got, tt.want)
		}
	}
}

func TestOpenFile(t *testing.T) {
	name := filepath.Join(t.TempDir(), "upload.bin") // the name says nothing
	if err := os.WriteFile(name, gbk(t, "机构代码,机构名称\n0001,总公司\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	rows, err := OpenFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var got [][]string
	for {
		rec, err := rows.Next()
		if err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		got = append(got, append([]string(nil), rec...))
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	if want := [][]string{{"机构代码", "机构名称"}, {"0001", "总公司"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if _, err := OpenFile(filepath.Join(t.TempDir(), "missing.csv")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

// synthetic is a CSV file of n fixed-width lines made up on demand, so that a
// million-row file needs no memory of its own.
type synthetic struct{ n int64 }

const (
	synthHeader = "保单号,投保人姓名,投保人手机号,保费\n"
	synthLine   = "P0000000000,张三丰,13800000000,1234.56\n" // the digits are replaced
)

func (s synthetic) size() int64 { return int64(len(synthHeader)) + s.n*int64(len(synthLine)) }

func (s synthetic) ReadAt(p []byte, off int64) (int, error) {
	n := 0
	for n < len(p) && off < s.size() {
		if off < int64(len(synthHeader)) {
			c := copy(p[n:], synthHeader[off:])
			n, off = n+c, off+int64(c)
			continue
		}
		i, j := (off-int64(len(synthHeader)))/int64(len(synthLine)), (off-int64(len(synthHeader)))%int64(len(synthLine))
		line := []byte(synthLine)
		num := strconv.FormatInt(i, 10)
		copy(line[11-len(num):], num)
		c := copy(p[n:], line[j:])
		n, off = n+c, off+int64(c)
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func TestCSVStreams(t *testing.T) {
	n := int64(1_000_000)
	if testing.Short() {
		n = 100_000
	}
	src := synthetic{n}
	rows, err := Open(src, src.size())
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var count int64
	for {
		rec, err := rows.Next()
		if err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		count++
		if count == n/2 {
			runtime.GC()
			runtime.ReadMemStats(&after)
		}
		if count > 1 && rec[0] != "P"+strings.Repeat("0", 10-len(strconv.FormatInt(count-2, 10)))+strconv.FormatInt(count-2, 10) {
			t.Fatalf("line %d: %q", rows.Line(), rec)
		}
	}
	if count != n+1 {
		t.Errorf("read %d rows, want %d", count, n+1)
	}
	if rows.Line() != int(n+1) {
		t.Errorf("last line %d, want %d", rows.Line(), n+1)
	}
	if grown := int64(after.HeapInuse) - int64(before.HeapInuse); grown > 4<<20 {
		t.Errorf("heap grew by %d bytes while reading", grown)
	}
}

// A line or a record too long to be a row, and a row of too many cells,
// are refused naming the line, and reading them takes little memory.
func TestCSVLimits(t *testing.T) {
	const header = "保单号,投保人姓名\n"
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"a 10 MB line", []byte(header + "P001,张三\n" + strings.Repeat("x", 10<<20) + "\nP002,李四\n"), "第3行太长（超过 1 MiB）"},
		{"a 10 MB line of commas", []byte(header + strings.Repeat(",", 10<<20) + "\n"), "第2行超过 16384 列"},
		{"a row of 200,000 cells", []byte(header + "P001,张三" + strings.Repeat(",x", 200_000-2) + "\nP002,李四\n"), "第2行超过 16384 列"},
		{"a quote never closed", []byte(header + "P001,\"张三\n" + strings.Repeat("P002,李四\n", 1<<20)), "从第2行开始的一条记录超过 1 MiB：多半是引号不配对"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, err := readAll(t, tt.in)
			runtime.ReadMemStats(&after)
			wantInvalid(t, err, tt.want)
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 32<<20 {
				t.Errorf("reading allocated %d MB", alloc>>20)
			}
		})
	}
}

// Files in odd encodings are read when they can be read without a doubt,
// and otherwise refused with what is wrong and on which line.
func TestCSVEncodings(t *testing.T) {
	const policies = "保单号,投保人姓名,保费\nP001,张三,\"1,234.50\"\nP002,李四,500\n"
	want := []row{
		{1, []string{"保单号", "投保人姓名", "保费"}},
		{2, []string{"P001", "张三", "1,234.50"}},
		{3, []string{"P002", "李四", "500"}},
	}
	utf16 := func(order xunicode.Endianness) []byte {
		b, err := xunicode.UTF16(order, xunicode.IgnoreBOM).NewEncoder().Bytes([]byte(policies))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	t.Run("read", func(t *testing.T) {
		for name, in := range map[string][]byte{
			"utf-16 LE without BOM":   utf16(xunicode.LittleEndian),
			"utf-16 BE without BOM":   utf16(xunicode.BigEndian),
			"utf-8 BOM then gbk":      append([]byte("\xEF\xBB\xBF"), gbk(t, policies)...),
			"CR line ends":            []byte(strings.ReplaceAll(policies, "\n", "\r")),
			"CR line ends in gbk":     gbk(t, strings.ReplaceAll(policies, "\n", "\r")),
			"CR line ends, utf-16 LE": utf16le(t, strings.ReplaceAll(policies, "\n", "\r")),
		} {
			got, err := readAll(t, in)
			if err != nil {
				t.Errorf("%s: %v", name, err)
			} else if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: got %+v", name, got)
			}
		}
	})
	lines := strings.SplitAfter(policies, "\n")
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"gbk in utf-8", []byte(lines[0] + lines[1] + string(gbk(t, lines[2]))), "第3行不是 UTF-8 编码的文字，而文件的其他行是 UTF-8：这一行可能是 GBK 编码"},
		{"gbk in the header of utf-8", append(gbk(t, lines[0]), strings.Repeat(lines[1], 10)...), "第1行不是 UTF-8 编码的文字"},
		{"a stray byte", []byte(lines[0] + lines[1] + "P003,李四\xff,1\n"), "第3行不是 UTF-8 编码的文字"},
		{"gbk after utf-8 with BOM", []byte("\xEF\xBB\xBF" + lines[0] + lines[1] + string(gbk(t, lines[2]))), "文件开头标明是 UTF-8 编码（BOM），但第3行不是 UTF-8 编码的文字（可能是 GBK）"},
		{"bytes gbk cannot decode", append(gbk(t, lines[0]+lines[1]), "P003,\x81\x20,1\n"...), "第3行有无法按 GBK 编码读出的字节"},
		{"a NUL", []byte(lines[0] + lines[1] + "P003,李\x00四,1\n"), "第3行第2列含有空字符（NUL，0x00）"},
		{"a NUL in utf-16", utf16le(t, lines[0]+"P003,李\x00四,1\n"), "第2行第2列含有空字符"},
		{"a NUL beyond the first 64 KiB", []byte(lines[0] + strings.Repeat(lines[1], 5000) + "P003,李四,\x00\n"), "第5002行第3列含有空字符"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readAll(t, tt.in)
			wantInvalid(t, err, tt.want)
		})
	}
}

// Rows above the header have their own width; after Header, every row is
// checked against the header's.
func TestCSVRowsBeforeHeader(t *testing.T) {
	in := []byte("新单保单清单 2026年3月,,\n说明：带*的列必填\n\n*保单号,投保人姓名,保费\nP001,张三,1\nP002,李四\n")
	rows, err := Open(bytes.NewReader(in), int64(len(in)))
	if err != nil {
		t.Fatal(err)
	}
	var got []row
	for {
		rec, err := rows.Next()
		if err != nil {
			wantInvalid(t, err, "第6行有2列，而表头有3列")
			break
		}
		got = append(got, row{rows.Line(), append([]string(nil), rec...)})
		if rec[0] == "*保单号" {
			rows.Header()
		}
	}
	want := []row{{1, []string{"新单保单清单 2026年3月"}}, {2, []string{"说明：带*的列必填"}}, {4, []string{"*保单号", "投保人姓名", "保费"}}, {5, []string{"P001", "张三", "1"}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v", got)
	}
}
