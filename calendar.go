package huifang

import "time"

// CalendarYear is a working-day calendar year loaded by an administrator.
type CalendarYear struct {
	Year     int
	Body     string // the file as loaded (docs/calendar.md)
	LoadedAt time.Time
	LoadedBy string
}
