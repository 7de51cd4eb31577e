package huifang

import "time"

// AttemptOutcome is what happened when the operator dialled.
type AttemptOutcome string

// Attempt outcomes.
const (
	AttemptAnswered    AttemptOutcome = "answered"     // 接通（投保人本人）
	AttemptNoAnswer    AttemptOutcome = "no-answer"    // 无人接听
	AttemptBusy        AttemptOutcome = "busy"         // 占线
	AttemptSwitchedOff AttemptOutcome = "switched-off" // 关机
	AttemptInvalid     AttemptOutcome = "invalid"      // 空号/号码错误
	AttemptWrongPerson AttemptOutcome = "wrong-person" // 非投保人接听
	AttemptReschedule  AttemptOutcome = "reschedule"   // 客户要求另约时间
	AttemptRefused     AttemptOutcome = "refused"      // 客户拒绝回访
)

// AttemptOutcomes lists the outcomes in display order.
var AttemptOutcomes = []AttemptOutcome{AttemptAnswered, AttemptNoAnswer, AttemptBusy, AttemptSwitchedOff, AttemptInvalid, AttemptWrongPerson, AttemptReschedule, AttemptRefused}

// Valid reports whether o is a known outcome.
func (o AttemptOutcome) Valid() bool {
	for _, x := range AttemptOutcomes {
		if o == x {
			return true
		}
	}
	return false
}

// Attempt is one phone call made for a callback.
type Attempt struct {
	ID         int64
	OrgID      int64
	CallbackID int64
	UserID     int64
	At         time.Time
	Outcome    AttemptOutcome
	Note       string
	ScheduleAt time.Time // for AttemptReschedule
}

// Answer is the customer's answer to one confirmation item.
type Answer string

// Answers.
const (
	AnswerYes     Answer = "yes"
	AnswerNo      Answer = "no"
	AnswerUnclear Answer = "unclear"
)

var outcomeZH = map[AttemptOutcome]string{
	AttemptAnswered: "接通（本人）", AttemptNoAnswer: "无人接听", AttemptBusy: "占线", AttemptSwitchedOff: "关机",
	AttemptInvalid: "空号或号码错误", AttemptWrongPerson: "非本人接听", AttemptReschedule: "客户另约时间", AttemptRefused: "拒绝回访",
}

// ZH is the Chinese name.
func (o AttemptOutcome) ZH() string { return outcomeZH[o] }

// Key is the catalog key of the attempt outcome's name (package i18n).
func (o AttemptOutcome) Key() string { return "outcome." + string(o) }
