package huifang

import "time"

// QA scoring of calls (质检, docs/qa.md). QA staff evaluate finished phone
// callbacks with a form built from the script version the call used: each
// mandatory item read correctly, plus courtesy and accuracy. Critical items
// that fail fail the whole call. The operator sees their evaluations and may
// appeal once; QA decides the appeal.

// QAReason is why a call is in the QA queue.
type QAReason string

// QA reasons.
const (
	QARandom        QAReason = "random"             // the weekly random draw
	QAFlagNoSuccess QAReason = "flag-no-as-success" // a "no" answer, yet recorded as successful
	QAFlagShort     QAReason = "flag-short-call"    // shorter than the script can be read
	QAFlagComplaint QAReason = "flag-complaint"     // the customer complained
	QACalibration   QAReason = "calibration"        // a second evaluator scores the same call
)

// QAReasons lists the reasons.
var QAReasons = []QAReason{QARandom, QAFlagNoSuccess, QAFlagShort, QAFlagComplaint, QACalibration}

// Key is the catalog key of the reason's name (package i18n).
func (r QAReason) Key() string { return "qareason." + string(r) }

// QAStatus is where an evaluation stands.
type QAStatus string

// QA statuses: queued → evaluated → (appealed → upheld | rejected).
const (
	QAQueued    QAStatus = "queued"    // waiting for an evaluator
	QAEvaluated QAStatus = "evaluated" // scored; the operator may appeal once
	QAAppealed  QAStatus = "appealed"  // the operator appealed; QA decides
	QAUpheld    QAStatus = "upheld"    // the appeal was upheld: the evaluation was corrected
	QARejected  QAStatus = "rejected"  // the appeal was rejected: the evaluation stands
)

// QAStatuses lists the statuses.
var QAStatuses = []QAStatus{QAQueued, QAEvaluated, QAAppealed, QAUpheld, QARejected}

// Key is the catalog key of the status's name (package i18n).
func (s QAStatus) Key() string { return "qastatus." + string(s) }

// Scored reports whether the evaluation has a score.
func (s QAStatus) Scored() bool { return s != QAQueued && s != "" }

// QAAnswer is an evaluator's answer to one form item.
type QAAnswer string

// QA answers.
const (
	QAYes    QAAnswer = "yes"
	QANo     QAAnswer = "no"
	QAPartly QAAnswer = "partly"
)

// QAAnswers lists the answers in display order.
var QAAnswers = []QAAnswer{QAYes, QAPartly, QANo}

// Valid reports whether a is a known answer.
func (a QAAnswer) Valid() bool { return a == QAYes || a == QANo || a == QAPartly }

// Key is the catalog key of the answer's name (package i18n).
func (a QAAnswer) Key() string { return "qaanswer." + string(a) }

// QAKind is the group a form item belongs to.
type QAKind string

// QA item kinds.
const (
	QAKindScript   QAKind = "script"   // a mandatory item of the script read correctly
	QAKindCourtesy QAKind = "courtesy" // greeting, manner, closing
	QAKindAccuracy QAKind = "accuracy" // what was said and recorded is right
)

// Key is the catalog key of the kind's name (package i18n).
func (k QAKind) Key() string { return "qakind." + string(k) }

// QAItem is one item of an evaluation form and its answer.
type QAItem struct {
	Code     string   `json:"code"`     // script items: the script.Item; others: the fixed item's code
	Kind     QAKind   `json:"kind"`     //
	Weight   int      `json:"weight"`   // points
	Critical bool     `json:"critical"` // a "no" fails the whole call
	Answer   QAAnswer `json:"answer,omitempty"`
}

// Key is the catalog key of the item's name: a script item's is the script
// item's (package script), the fixed items' are qa.item.<code>.
func (it QAItem) Key() string {
	if it.Kind == QAKindScript {
		return "scripts.item." + it.Code
	}
	return "qa.item." + it.Code
}

// QAEvaluation is one evaluation of one call.
type QAEvaluation struct {
	ID         int64
	OrgID      int64
	CallbackID int64
	PolicyNo   string // filled by reads
	OperatorID int64  // who made the call (the callback's FinishedBy)
	Operator   string // filled by reads
	Week       string // the ISO week drawn or flagged in: 2026-W49
	Reason     QAReason
	PairID     int64 // a calibration: the evaluation it calibrates; 0 otherwise
	Status     QAStatus
	// The evaluation.
	EvaluatorID  int64
	Evaluator    string
	Items        []QAItem
	Score        int // 0–100
	CriticalFail bool
	Note         string
	EvaluatedAt  time.Time
	// The operator's appeal (one) and QA's decision on it.
	Appeal       string
	AppealedAt   time.Time
	DecisionNote string
	DecidedBy    string
	DecidedAt    time.Time
	CreatedAt    time.Time
}

// QAFilter selects evaluations of one organisation.
type QAFilter struct {
	OrgID      int64
	Status     QAStatus
	OperatorID int64
	CallbackID int64
	From, To   time.Time // created in [From, To) when set
	Limit      int
	AfterID    int64 // keyset: rows with a smaller id (newest first)
}

// QAFigures are an operator's (or a team's) quality figures over a period.
type QAFigures struct {
	OperatorID       int64
	Operator         string
	Team             string // the operator's branch
	Attempts         int    // calls dialled
	Answered         int    // of those, connected
	Finished         int    // callbacks the operator finished
	Completed        int    // of those, successful or completed with problems
	Evaluated        int    // scored evaluations of their calls
	ScoreSum         int
	CriticalFailures int
}

// ConnectBP is answered ÷ attempts in basis points; -1 without attempts.
func (f QAFigures) ConnectBP() int { return ratioBP(f.Answered, f.Attempts) }

// CompletionBP is completed ÷ finished in basis points; -1 without any.
func (f QAFigures) CompletionBP() int { return ratioBP(f.Completed, f.Finished) }

// AverageScore is the mean score ×100 (8650 = 86.50); -1 without evaluations.
func (f QAFigures) AverageScore() int {
	if f.Evaluated == 0 {
		return -1
	}
	return f.ScoreSum * 100 / f.Evaluated
}

func ratioBP(n, d int) int {
	if d == 0 {
		return -1
	}
	return n * 10000 / d
}

// QACall is a finished phone call the QA draw and flags look at: its
// callback, when the answered attempt was recorded (zero: none) and whether
// it opened a complaint case.
type QACall struct {
	Callback
	AnsweredAt time.Time
	Complaint  bool
}
