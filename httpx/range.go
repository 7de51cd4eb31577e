package httpx

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// ParseRange reads a Range header of one byte range, "bytes=a-b" or
// "bytes=a-", as an offset and a length (-1: to the end). Other forms (several
// ranges, suffix ranges) report !ok, and the whole object is sent, as HTTP
// allows.
func ParseRange(h string) (offset, length int64, ok bool) {
	spec, found := strings.CutPrefix(h, "bytes=")
	if !found || strings.Contains(spec, ",") {
		return 0, -1, false
	}
	from, to, _ := strings.Cut(spec, "-")
	a, err := strconv.ParseInt(from, 10, 64)
	if err != nil || a < 0 {
		return 0, -1, false
	}
	if to == "" {
		return a, -1, true
	}
	b, err := strconv.ParseInt(to, 10, 64)
	if err != nil || b < a {
		return 0, -1, false
	}
	return a, b - a + 1, true
}

// RangeHeaders sets the length headers of a reply to a GET for an object of
// size bytes — the whole object, or, when ranged, the range from offset of
// length bytes (-1: to the end, and cut short at the end) — and returns the
// status to write: 200 or 206.
func RangeHeaders(h http.Header, ranged bool, offset, length, size int64) int {
	h.Set("Accept-Ranges", "bytes")
	if !ranged {
		h.Set("Content-Length", strconv.FormatInt(size, 10))
		return http.StatusOK
	}
	end := size - 1
	if length >= 0 && offset+length-1 < end {
		end = offset + length - 1
	}
	h.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", offset, end, size))
	h.Set("Content-Length", strconv.FormatInt(end-offset+1, 10))
	return http.StatusPartialContent
}

// Unsatisfiable sets the header of a 416 reply for an object of size bytes.
func Unsatisfiable(h http.Header, size int64) {
	h.Set("Content-Range", fmt.Sprintf("bytes */%d", size))
}
