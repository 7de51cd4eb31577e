package indicator

// StatCounts are an insurer's stored counts for the months of a period,
// and its problem cases still pending past their deadline as of a day.
type StatCounts struct {
	Callbacks map[CallbackKey]CallbackCounts
	Cases     map[CaseKey]CaseCounts
	// Overdue: pending cases whose deadline is in the period and before
	// the day, by key (Month is the deadline's month).
	Overdue map[CaseKey]int64
}
