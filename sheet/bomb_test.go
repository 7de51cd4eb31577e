//go:build linux

package sheet

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/json"
	"errors"
	"hash/crc32"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/huifang/huifang"
)

// segment is bytes repeated a number of times.
type segment struct {
	data  []byte
	times int64
}

// write is a part's content: fixed text around repeated bulk.
type write []segment

func text(s ...string) write { return write{{[]byte(strings.Join(s, "")), 1}} }

// bulk is unit repeated to n bytes between before and after.
func bulk(before, unit string, n int64, after string) write {
	block := strings.Repeat(unit, max(1, 1<<20/len(unit)))
	rest := n % int64(len(block))
	return write{{[]byte(before), 1}, {[]byte(block), n / int64(len(block))}, {[]byte(block[:rest]), 1}, {[]byte(after), 1}}
}

// deflate compresses a part without ever holding it: each segment is
// compressed once by a compressor of its own, ending on a byte boundary
// (Flush), so that its compressed bytes can be repeated as it is.
func deflate(w write) (comp []byte, crc uint32, n uint64) {
	var out bytes.Buffer
	sum := crc32.NewIEEE()
	for i, s := range w {
		var c bytes.Buffer
		fw, _ := flate.NewWriter(&c, flate.BestCompression)
		fw.Write(s.data)
		if i == len(w)-1 {
			fw.Close()
		} else {
			fw.Flush()
		}
		for range s.times {
			out.Write(c.Bytes())
			sum.Write(s.data)
		}
		n += uint64(len(s.data)) * uint64(s.times)
	}
	return out.Bytes(), sum.Sum32(), n
}

// bombXLSX makes a workbook of one sheet whose parts are given, the others
// standard. A part of a GiB costs about a megabyte.
func bombXLSX(t testing.TB, parts map[string]write) []byte {
	t.Helper()
	all := map[string]write{
		"[Content_Types].xml": text(`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`),
		"_rels/.rels": text(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`),
		"xl/workbook.xml": text(`<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
			`<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`),
		"xl/_rels/workbook.xml.rels": text(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>` +
			`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`),
		"xl/sharedStrings.xml":     text(`<sst><si><t>保单号</t></si></sst>`),
		"xl/worksheets/sheet1.xml": text(`<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>`),
	}
	for name, w := range parts {
		all[name] = w
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"} {
		comp, crc, n := deflate(all[name])
		w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate, CRC32: crc, CompressedSize64: uint64(len(comp)), UncompressedSize64: n})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(comp)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const gib = 1 << 30

// bombs are workbooks of a few megabytes that unpack to a GiB or more, each
// against one limit, with what the refusal must say.
var bombs = []struct {
	name  string
	parts map[string]write
	want  string
}{
	{"one shared string of 1 GiB", map[string]write{
		"xl/sharedStrings.xml": bulk(`<sst><si><t>`, "A", gib, `</t></si></sst>`),
	}, "文件解压后过大：共享字符串第1项超过 128 KiB"},
	{"one shared string of 1 GiB in pieces", map[string]write{
		"xl/sharedStrings.xml": bulk(`<sst><si>`, "<r><t>AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA</t></r>", gib, `</si></sst>`),
	}, "文件解压后过大：共享字符串第1项超过 128 KiB"},
	{"1 GiB of shared strings", map[string]write{
		"xl/sharedStrings.xml": bulk(`<sst>`, "<si><t>"+strings.Repeat("张三丰", 10<<10)+"</t></si>", gib, `</sst>`),
	}, "文件解压后过大：共享字符串（工作簿中的文字）超过 128 MiB"},
	{"a million empty shared strings", map[string]write{
		"xl/sharedStrings.xml": bulk(`<sst>`, "<si/>", gib, `</sst>`),
	}, "文件解压后过大：共享字符串（工作簿中的文字）超过 128 MiB"},
	{"a row of endless cells", map[string]write{
		"xl/worksheets/sheet1.xml": bulk(`<worksheet><sheetData><row>`, "<c><v>1</v></c>", gib, `</row></sheetData></worksheet>`),
	}, "文件解压后过大：第1行超过 16384 列"},
	{"endless rows", map[string]write{
		"xl/worksheets/sheet1.xml": bulk(`<worksheet><sheetData>`, `<row><c t="s"><v>0</v></c></row>`, gib, `</sheetData></worksheet>`),
	}, "文件解压后过大：工作表超过 1048576 行"},
	{"a row of big cells", map[string]write{
		"xl/sharedStrings.xml":     text(`<sst><si><t>`, strings.Repeat("A", 100<<10), `</t></si></sst>`),
		"xl/worksheets/sheet1.xml": bulk(`<worksheet><sheetData><row>`, `<c t="s"><v>0</v></c>`, gib, `</row></sheetData></worksheet>`),
	}, "文件解压后过大：第1行的内容超过 4 MiB"},
	{"a cell of 1 GiB", map[string]write{
		"xl/worksheets/sheet1.xml": bulk(`<worksheet><sheetData><row><c t="inlineStr"><is>`, "<t>AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA</t>", gib, `</is></c></row></sheetData></worksheet>`),
	}, "文件解压后过大：第1行有一个单元格超过 128 KiB"},
	{"an attribute of 1 GiB", map[string]write{
		"xl/worksheets/sheet1.xml": bulk(`<worksheet><sheetData><row><c r="A1" x="`, "A", gib, `"/></row></sheetData></worksheet>`),
	}, "文件解压后过大：xl/worksheets/sheet1.xml 中有一段连续内容超过 1 MiB"},
	{"a workbook part of 1 GiB", map[string]write{
		"xl/workbook.xml": bulk(`<workbook xmlns:r="r"><sheets><sheet name="a" r:id="rId1"/></sheets>`, "<x/>", gib, `</workbook>`),
	}, "文件解压后过大：xl/workbook.xml 解压后超过 16 MiB"},
	{"3 GiB in all", map[string]write{
		"xl/worksheets/sheet1.xml": bulk(`<worksheet><sheetData><row><c t="s"><v>0</v></c></row>`,
			`<row><c><v>1</v></c></row><!--`+strings.Repeat("A", 4000)+`-->`, 3*gib, `</sheetData></worksheet>`),
	}, "文件解压后过大：工作簿解压后超过 2 GiB"},
}

// bombPaths writes the bombs to files.
func bombPaths(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, b := range bombs {
		name := filepath.Join(t.TempDir(), strings.ReplaceAll(b.name, " ", "-")+".xlsx")
		if err := os.WriteFile(name, bombXLSX(t, b.parts), 0o600); err != nil {
			t.Fatal(err)
		}
		files = append(files, name)
	}
	return files
}

// readFile reads every row of a file, the first as the header.
func readFile(name string) error {
	rows, err := OpenFile(name)
	if err != nil {
		return err
	}
	defer rows.Close()
	for first := true; ; first = false {
		if _, err := rows.Next(); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return err
		}
		if first {
			rows.Header()
		}
	}
}

// TestBombChild reads the files named in HUIFANG_BOMBS at the same time,
// in a process of its own so that its peak memory can be measured, and
// prints each one's error.
func TestBombChild(t *testing.T) {
	names := os.Getenv("HUIFANG_BOMBS")
	if names == "" {
		t.Skip("run by TestXLSXBombs")
	}
	files := strings.Split(names, "\n")
	msgs := make([]string, len(files))
	var wg sync.WaitGroup
	for i, name := range files {
		wg.Go(func() {
			err := readFile(name)
			if huifang.ErrorCode(err) == huifang.EINVALID {
				msgs[i] = huifang.ErrorMessage(err)
			} else {
				msgs[i] = "unexpected: " + strings.TrimSpace(errString(err))
			}
		})
	}
	wg.Wait()
	json.NewEncoder(os.Stdout).Encode(msgs)
}

func errString(err error) string {
	if err == nil {
		return "no error"
	}
	return err.Error()
}

// readInChild reads files in a child process and gives each one's message
// and the child's peak resident memory.
func readInChild(t *testing.T, files []string) ([]string, int64) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestBombChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "HUIFANG_BOMBS="+strings.Join(files, "\n"))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	var msgs []string
	line := out[:bytes.IndexByte(out, '\n')+1]
	if err := json.Unmarshal(line, &msgs); err != nil {
		t.Fatalf("child said %s: %v", out, err)
	}
	return msgs, cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss << 10
}

// An XLSX bomb — a few megabytes that unpack to gigabytes — is refused
// with the limit it broke, and reading it never takes 400 MB, alone or
// several at once.
func TestXLSXBombs(t *testing.T) {
	if testing.Short() {
		t.Skip("builds workbooks of several GiB unpacked")
	}
	files := bombPaths(t)
	for i, b := range bombs {
		t.Run(b.name, func(t *testing.T) {
			fi, err := os.Stat(files[i])
			if err != nil {
				t.Fatal(err)
			}
			msgs, peak := readInChild(t, files[i:i+1])
			t.Logf("%d KB file: peak %d MB: %s", fi.Size()>>10, peak>>20, msgs[0])
			if !strings.Contains(msgs[0], b.want) {
				t.Errorf("got %q, want %q", msgs[0], b.want)
			}
			if peak > 400<<20 {
				t.Errorf("peak memory %d MB", peak>>20)
			}
		})
	}
	t.Run("in parallel", func(t *testing.T) {
		// Four of the bomb that takes most memory, and one of each that
		// is quick to refuse.
		var all []int
		for i, b := range bombs {
			switch b.name {
			case "1 GiB of shared strings":
				all = append(all, i, i, i, i)
			case "a million empty shared strings", "endless rows", "3 GiB in all":
			default:
				all = append(all, i)
			}
		}
		var names []string
		for _, i := range all {
			names = append(names, files[i])
		}
		msgs, peak := readInChild(t, names)
		t.Logf("%d bombs at once: peak %d MB", len(all), peak>>20)
		for j, m := range msgs {
			if b := bombs[all[j]]; !strings.Contains(m, b.want) {
				t.Errorf("%s: got %q, want %q", b.name, m, b.want)
			}
		}
		if peak > 400<<20 {
			t.Errorf("peak memory %d MB", peak>>20)
		}
	})
}
