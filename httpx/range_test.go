package httpx

import (
	"net/http"
	"testing"
)

func TestParseRange(t *testing.T) {
	for _, tc := range []struct {
		h              string
		offset, length int64
		ok             bool
	}{
		{"bytes=0-", 0, -1, true},
		{"bytes=12-19", 12, 8, true},
		{"bytes=5-5", 5, 1, true},
		{"bytes=9-3", 0, -1, false},
		{"bytes=-500", 0, -1, false}, // suffix: the whole object
		{"bytes=0-1,4-5", 0, -1, false},
		{"items=0-1", 0, -1, false},
		{"", 0, -1, false},
	} {
		o, l, ok := ParseRange(tc.h)
		if o != tc.offset || l != tc.length || ok != tc.ok {
			t.Errorf("ParseRange(%q) = %d, %d, %v; want %d, %d, %v", tc.h, o, l, ok, tc.offset, tc.length, tc.ok)
		}
	}
}

func TestRangeHeaders(t *testing.T) {
	for _, tc := range []struct {
		ranged                      bool
		offset, length, size        int64
		status                      int
		contentRange, contentLength string
	}{
		{false, 0, -1, 100, 200, "", "100"},
		{true, 0, -1, 100, 206, "bytes 0-99/100", "100"},
		{true, 10, 20, 100, 206, "bytes 10-29/100", "20"},
		{true, 90, 50, 100, 206, "bytes 90-99/100", "10"}, // cut short at the end
	} {
		h := http.Header{}
		if st := RangeHeaders(h, tc.ranged, tc.offset, tc.length, tc.size); st != tc.status || h.Get("Content-Range") != tc.contentRange || h.Get("Content-Length") != tc.contentLength || h.Get("Accept-Ranges") != "bytes" {
			t.Errorf("%+v: status %d, headers %v", tc, st, h)
		}
	}
}
