package sheet

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// cellKind is how a numeric cell is shown, as far as reading it is concerned.
type cellKind uint8

const (
	kindNumber   cellKind = iota
	kindDate              // a date format: the serial becomes YYYY-MM-DD
	kindDateTime          // date and time: YYYY-MM-DD, plus HH:MM:SS unless midnight
	kindTime              // a time of day: HH:MM:SS
)

// builtinKind classifies Excel's built-in number formats, with the zh-CN
// meaning of the locale-dependent ids 27–36 and 50–58.
func builtinKind(id int) cellKind {
	switch {
	case id >= 14 && id <= 17, id >= 27 && id <= 31, id == 36, id >= 50 && id <= 54, id == 57, id == 58:
		return kindDate
	case id == 22:
		return kindDateTime
	case id >= 18 && id <= 21, id >= 32 && id <= 35, id >= 45 && id <= 47, id == 55, id == 56:
		return kindTime
	}
	return kindNumber
}

// formatKind classifies a custom number format code by the date and time
// tokens in its first section, outside quoted text, escapes and brackets.
func formatKind(code string) cellKind {
	var y, d, m, h, s bool
	lower := strings.ToLower(code)
scan:
	for i := 0; i < len(lower); i++ {
		switch c := lower[i]; c {
		case ';':
			break scan
		case '"':
			if j := strings.IndexByte(lower[i+1:], '"'); j >= 0 {
				i += j + 1
			} else {
				break scan
			}
		case '\\', '_', '*':
			i++ // the next character is literal, padding or fill
		case '[':
			j := strings.IndexByte(lower[i:], ']')
			if j < 0 {
				break scan
			}
			switch strings.Trim(lower[i+1:i+j], "hms") {
			case "": // elapsed time: [h]:mm, [mm]:ss
				h = true
			}
			i += j
		case 'a':
			if strings.HasPrefix(lower[i:], "am/pm") || strings.HasPrefix(lower[i:], "a/p") {
				h = true
			}
		case 'y':
			y = true
		case 'd':
			d = true
		case 'm':
			m = true
		case 'h':
			h = true
		case 's':
			s = true
		}
	}
	date := y || d || (m && !h && !s)
	clock := h || s
	switch {
	case date && clock:
		return kindDateTime
	case date:
		return kindDate
	case clock:
		return kindTime
	}
	return kindNumber
}

// serialTime converts an Excel date serial. The 1900 system counts 1900-01-01
// as 1 and, like Lotus 1-2-3, a 29 February 1900 that never was.
func serialTime(f float64, date1904 bool) (time.Time, bool) {
	if math.IsNaN(f) || f < 0 || f >= 2958466 { // 10000-01-01
		return time.Time{}, false
	}
	days := math.Floor(f)
	secs := math.Round((f - days) * 86400)
	var base time.Time
	if date1904 {
		base = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
	} else {
		base = time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC)
		if days >= 60 {
			days--
		}
	}
	return base.AddDate(0, 0, int(days)).Add(time.Duration(secs) * time.Second), true
}

// formatSerial renders a numeric cell of a date or time format.
func formatSerial(v string, kind cellKind, date1904 bool) string {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return v
	}
	t, ok := serialTime(f, date1904)
	if !ok {
		return plainNumber(v)
	}
	switch kind {
	case kindTime:
		return t.Format(time.TimeOnly)
	case kindDateTime:
		if t.Hour() != 0 || t.Minute() != 0 || t.Second() != 0 {
			return t.Format(time.DateTime)
		}
	}
	return t.Format(time.DateOnly)
}

// plainNumber renders a number without exponent, keeping Excel's 15
// significant digits: a phone or policy number stored as a number comes out
// as its digits, and 1234.5599999999999 as 1234.56.
func plainNumber(v string) string {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return v
	}
	f, _ = strconv.ParseFloat(strconv.FormatFloat(f, 'g', 15, 64), 64)
	if f == 0 {
		return "0"
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// isoDateTime renders a cell of type "d" (an ISO 8601 date stored as text).
func isoDateTime(v string) string {
	if len(v) < 10 {
		return v
	}
	if _, err := time.Parse(time.DateOnly, v[:10]); err != nil {
		return v
	}
	rest := strings.TrimPrefix(v[10:], "T")
	if len(rest) >= 8 {
		if t, err := time.Parse(time.TimeOnly, rest[:8]); err == nil && (t.Hour() != 0 || t.Minute() != 0 || t.Second() != 0) {
			return v[:10] + " " + rest[:8]
		}
	}
	return v[:10]
}

// unescapeOOXML decodes the _xHHHH_ escapes OOXML uses for characters XML
// cannot hold, such as a carriage return (_x000D_).
func unescapeOOXML(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if i+7 <= len(s) && s[i] == '_' && s[i+1] == 'x' && s[i+6] == '_' {
			if n, err := strconv.ParseUint(s[i+2:i+6], 16, 32); err == nil {
				b.WriteRune(rune(n))
				i += 7
				continue
			}
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}
