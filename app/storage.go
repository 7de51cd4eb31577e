package app

import (
	"context"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/indicator"
	"github.com/huifang/huifang/profile"
	"github.com/huifang/huifang/spotcheck"
)

// Store is what the application needs of storage. The store package
// implements it on SQLite and PostgreSQL; the command line, the only place
// that knows which, opens one and hands it to New. Nothing else reaches the
// database: web and api go through the Service's use cases.
type Store interface {
	accountStore
	auditStore
	callbackStore
	callbackImportStore
	departureStore
	disclosureStore
	electronicStore
	importJobStore
	inspectionStore
	keyStore
	misconductStore
	orgStore
	oversightStore
	policyStore
	problemStore
	profileStore
	rectificationStore
	recordingStore
	referenceStore
	riskStore
	scriptStore
	spotCheckStore
	qaStore
	statsStore
	engineStore
	submissionStore
	userStore
}

// accountStore stores sessions, tokens and login failures.
type accountStore interface {
	AddLoginFailure(ctx context.Context, subject string, now, forgetBefore time.Time) (int, error)
	ClearLoginFailures(ctx context.Context, subject string) error
	CountEnabled(ctx context.Context, orgID int64, role huifang.Role) (int, error)
	DeleteToken(ctx context.Context, orgID int64, id string, a huifang.Actor, now time.Time) error
	DeleteUserSessions(ctx context.Context, orgID, userID int64, keep string) error
	ListTokens(ctx context.Context, orgID int64) ([]huifang.Token, error)
	LoginFailures(ctx context.Context, subjects ...string) (map[string]huifang.Failures, error)
	RecordLogin(ctx context.Context, u *huifang.User, now time.Time, addr string) error
	SetUserDisabled(ctx context.Context, orgID, userID int64, disabled bool, keep huifang.Role, a huifang.Actor, now time.Time) error
	SetUserRole(ctx context.Context, orgID, userID int64, role huifang.Role, branch string, keep huifang.Role, a huifang.Actor, now time.Time) error
}

// auditStore stores the audit trail.
type auditStore interface {
	AppendAudit(ctx context.Context, entries ...huifang.AuditEntry) error
	AppendAuditCapped(ctx context.Context, e huifang.AuditEntry, since time.Time, limit int) (bool, error)
}

// callbackStore stores callbacks: claiming, changing, listing.
type callbackStore interface {
	ChangeCallback(ctx context.Context, ch huifang.CallbackChange) (*huifang.Callback, error)
	ClaimCallback(ctx context.Context, orgID, userID int64, now time.Time, lease time.Duration) (*huifang.Callback, error)
	PhoneTailsToFill(ctx context.Context, limit int) ([]huifang.PhoneTail, error)
	SetPhoneTails(ctx context.Context, ts []huifang.PhoneTail) error
	ClaimCallbackHeld(ctx context.Context, orgID, userID int64, now time.Time, lease, hold time.Duration) (*huifang.Callback, error)
	CountCallbacks(ctx context.Context, orgID int64, f huifang.CallbackFilter) (int, error)
	CountCallbacksCapped(ctx context.Context, orgID int64, f huifang.CallbackFilter, limit int) (huifang.Count, error)
	FindCallback(ctx context.Context, orgID, id int64) (*huifang.Callback, error)
	ForEachCallback(ctx context.Context, orgID int64, f huifang.CallbackFilter, fn func(*huifang.CallbackRow) error) error
	HeldCallback(ctx context.Context, orgID, userID int64, now time.Time) (*huifang.Callback, error)
	ListAttempts(ctx context.Context, orgID, callbackID int64) ([]huifang.Attempt, error)
	ReleaseCallback(ctx context.Context, orgID, userID, id int64, now time.Time) (bool, error)
	ReleaseExpiredLeases(ctx context.Context, now time.Time) (int64, error)
	TakeCallback(ctx context.Context, orgID, userID, id int64, now time.Time, lease time.Duration) (*huifang.Callback, error)
	TallyCallbacks(ctx context.Context, orgID int64, today huifang.Date) (huifang.CallbackTally, error)
}

// callbackImportStore stores callbacks finished in an insurer's own system.
type callbackImportStore interface {
	ImportCallbacks(ctx context.Context, orgID int64, a huifang.Actor, now time.Time, source string, next func() (*huifang.ImportedCallback, error)) (huifang.CallbackImport, error)
	NewBusinessCallback(ctx context.Context, orgID int64, policyNo string) (*huifang.PolicyRecord, *huifang.Callback, []huifang.ProblemCase, error)
	OrphanCallback(ctx context.Context, orgID int64, policyNo string) (*huifang.PolicyRecord, *huifang.Callback, []huifang.ProblemCase, error)
	PolicyCallbacks(ctx context.Context, orgID int64, kind huifang.CallbackKind, policyNos []string) (map[string]huifang.StoredCallback, error)
}

// departureStore keeps agents' departures and their orphan policies.
type departureStore interface {
	FindAgent(ctx context.Context, orgID int64, code string) (*huifang.AgentRecord, error)
	AgentPolicies(ctx context.Context, orgID int64, agentCode string) ([]*huifang.PolicyRecord, error)
	AgentPolicyCounts(ctx context.Context, orgID int64) (map[string]int, error)
	StartDeparture(ctx context.Context, d *huifang.Departure, orphans []string, a huifang.Actor) error
	CompleteDeparture(ctx context.Context, orgID, id int64, a huifang.Actor, now time.Time) error
	FindDeparture(ctx context.Context, orgID int64, agentCode string) (*huifang.Departure, error)
	ListDepartures(ctx context.Context, orgID int64, status huifang.DepartureStatus) ([]huifang.Departure, error)
	DepartureGate(ctx context.Context, orgID, departureID int64) ([]huifang.GateItem, error)
	OverdueOrphans(ctx context.Context, today huifang.Date, limit int) ([]huifang.Callback, error)
	DepartureOf(ctx context.Context, orgID, callbackID int64) (*huifang.Departure, error)
}

// electronicStore stores electronic-callback links and the outbox.
type electronicStore interface {
	AddOutbox(ctx context.Context, m *huifang.OutboxMessage) error
	ElectronicCandidates(ctx context.Context, orgID int64, f huifang.CandidateFilter) ([]huifang.ElectronicCandidate, error)
	FindLinkByToken(ctx context.Context, tokenHash string) (*huifang.ElectronicLink, error)
	IssueLink(ctx context.Context, l *huifang.ElectronicLink, userID int64, audit huifang.AuditEntry) (*huifang.Callback, error)
	LinksDueBack(ctx context.Context, orgID int64, lastDue huifang.Date, now time.Time, limit int) ([]huifang.ElectronicLink, error)
	ListLinks(ctx context.Context, orgID, callbackID int64) ([]huifang.ElectronicLink, error)
	ListOutbox(ctx context.Context, orgID int64, limit int) ([]huifang.OutboxMessage, error)
	ReserveLinkCheck(ctx context.Context, orgID, id int64, max int) (checks int, ok bool, err error)
	ReturnLinkCheck(ctx context.Context, orgID, id int64) error
	SaveLinkProgress(ctx context.Context, l *huifang.ElectronicLink, audit huifang.AuditEntry) error
}

// importJobStore stores chunked import jobs.
type importJobStore interface {
	CreateImportJob(ctx context.Context, j *huifang.ImportJob) error
	EndImportJob(ctx context.Context, j *huifang.ImportJob, state, message string, a huifang.Actor, now time.Time) error
	ImportPolicyChunk(ctx context.Context, j *huifang.ImportJob, a huifang.Actor, now time.Time, rs []*huifang.PolicyRecord, budget time.Duration) (int, error)
	InterruptImportJob(ctx context.Context, j *huifang.ImportJob, message string, now time.Time) (bool, error)
	ListImportJobs(ctx context.Context, orgID int64, limit int) ([]huifang.ImportJob, error)
	RunningImportJobs(ctx context.Context) ([]huifang.ImportJob, error)
	TakeImportJob(ctx context.Context, j *huifang.ImportJob, owner string, now time.Time) (bool, error)
	UnfinishedImportJob(ctx context.Context, orgID int64, kind, fileHash string) (*huifang.ImportJob, error)
}

// inspectionStore reads the rows of an on-site inspection package from
// one snapshot.
type inspectionStore interface {
	ReadInspection(ctx context.Context, fn func(huifang.InspectionReader) error) error
}

// keyStore stores the personal-data key and its rotation.
type keyStore interface {
	AgentsAfter(ctx context.Context, org int64, code string, n int) ([]huifang.AgentRecord, error)
	FinishKeyRotation(ctx context.Context, next string, at time.Time, audit huifang.AuditEntry) error
	KeyState(ctx context.Context) (huifang.KeyState, error)
	PoliciesAfter(ctx context.Context, org int64, no string, n int) ([]*huifang.PolicyRecord, error)
	SampleSealed(ctx context.Context, n int) ([]string, error)
	SaveKeyChunk(ctx context.Context, c huifang.KeyChunk) error
	SetKeyCheck(ctx context.Context, check string, at time.Time, audit huifang.AuditEntry) (huifang.KeyState, error)
	StartKeyRotation(ctx context.Context, from, next string, at time.Time, audit huifang.AuditEntry) error
}

// misconductStore stores agents' misconduct records.
type misconductStore interface {
	CountMisconductByAgent(ctx context.Context, orgID int64) (map[string]int, error)
	CountMisconductElsewhere(ctx context.Context, orgID int64, regNos []string) (map[string]int, error)
	DecideMisconduct(ctx context.Context, r *huifang.MisconductRecord, a huifang.Actor) error
	FindMisconduct(ctx context.Context, orgID, id int64) (*huifang.MisconductRecord, error)
	ListMisconduct(ctx context.Context, f huifang.MisconductFilter) ([]huifang.MisconductRecord, error)
	ProposeMisconduct(ctx context.Context, r *huifang.MisconductRecord) (bool, error)
	SearchMisconduct(ctx context.Context, s huifang.MisconductSearch) ([]huifang.MisconductRecord, error)
}

// orgStore stores organisations.
type orgStore interface {
	CreateOrg(ctx context.Context, o *huifang.Org) error
	FindOrgByCode(ctx context.Context, code string) (*huifang.Org, error)
	FindOrgByID(ctx context.Context, id int64) (*huifang.Org, error)
	ListOrgs(ctx context.Context, regulatorID int64) ([]huifang.Org, error)
	SetServicePhone(ctx context.Context, orgID int64, phone string) error
	SetPreUnderwriting(ctx context.Context, orgID int64, on bool) error
}

// oversightStore stores the companies each supervisor follows.
type oversightStore interface {
	SetSupervisorCompanies(ctx context.Context, sup *huifang.User, orgIDs []int64, codes []string, a huifang.Actor, at time.Time) error
	SupervisorCompanies(ctx context.Context, userID int64) ([]int64, error)
	Assignments(ctx context.Context, regulatorID int64) (map[int64][]int64, error)
}

// policyStore stores policies.
type policyStore interface {
	FindPolicy(ctx context.Context, orgID int64, no string) (*huifang.PolicyRecord, error)
	ImportPolicies(ctx context.Context, orgID int64, a huifang.Actor, now time.Time, source string, next func() (*huifang.PolicyRecord, error)) (huifang.PolicyImport, error)
}

// riskStore finds the facts behind the signs of a false phone number and
// the policies that carry them.
type riskStore interface {
	CountRisks(ctx context.Context, orgID int64, f huifang.RiskFilter) (int, error)
	ForEachRisk(ctx context.Context, orgID int64, f huifang.RiskFilter, fn func(*huifang.RiskRow) error) error
	PhoneFacts(ctx context.Context, orgID, regulatorID int64, policyNo string) (huifang.PhoneFacts, error)
}

// problemStore stores problem cases, their timeline, evidence and notifications.
type problemStore interface {
	AddNotifications(ctx context.Context, ns []huifang.Notification) ([]huifang.Notification, error)
	ApplyCaseStep(ctx context.Context, s huifang.CaseStep) error
	ClaimJob(ctx context.Context, name, owner string, now time.Time, lockFor time.Duration) (bool, error)
	CountProblemCases(ctx context.Context, orgID int64, f huifang.ProblemFilter) (int, error)
	CountUnread(ctx context.Context, orgID, userID int64) (int, error)
	FindEvidence(ctx context.Context, orgID, id int64) (*huifang.Evidence, error)
	FindProblemCase(ctx context.Context, orgID, id int64) (*huifang.ProblemCase, error)
	FinishJob(ctx context.Context, name, owner string, now, next time.Time, jobErr error) error
	ListEvents(ctx context.Context, orgID, caseID int64) ([]huifang.CaseEvent, error)
	ListEvidence(ctx context.Context, orgID, caseID int64) ([]huifang.Evidence, error)
	ListNotifications(ctx context.Context, orgID, userID int64, limit int) ([]huifang.Notification, error)
	ListProblemCases(ctx context.Context, orgID int64, f huifang.ProblemFilter) ([]huifang.ProblemCase, error)
	MarkEscalated(ctx context.Context, c *huifang.ProblemCase, e huifang.CaseEvent, now time.Time) (bool, error)
	MarkNotificationsRead(ctx context.Context, orgID, userID int64, now time.Time) error
	MarkNotificationRead(ctx context.Context, orgID, userID, id int64, now time.Time) (bool, error)
	MarkCaseNotificationsRead(ctx context.Context, orgID, userID, caseID int64, now time.Time) error
	PageNotifications(ctx context.Context, orgID, userID int64, p huifang.NotificationPage) ([]huifang.Notification, error)
	OpenProblemCase(ctx context.Context, p *huifang.ProblemCase, actor string) error
	OverdueCases(ctx context.Context, today huifang.Date, limit int) ([]huifang.ProblemCase, error)
}

// profileStore stores rules profiles and working-day calendars.
type profileStore interface {
	AddProfileVersion(ctx context.Context, v *profile.Version) error
	ListCalendarYears(ctx context.Context) ([]huifang.CalendarYear, error)
	ListProfileVersions(ctx context.Context, regulatorID int64) ([]profile.Version, error)
	SaveCalendarYear(ctx context.Context, y huifang.CalendarYear) error
}

// recordingStore stores call recordings.
type recordingStore interface {
	AddRecording(ctx context.Context, r *huifang.Recording, a huifang.Actor) error
	FindRecording(ctx context.Context, orgID, id int64) (*huifang.Recording, error)
	ListRecordings(ctx context.Context, orgID, callbackID int64) ([]huifang.Recording, error)
}

// referenceStore stores branches, products, agents and outlets.
type referenceStore interface {
	FindProduct(ctx context.Context, orgID int64, code string) (huifang.Product, error)
	ListAgents(ctx context.Context, orgID int64) ([]huifang.AgentRecord, error)
	ListBranches(ctx context.Context, orgID int64) ([]huifang.Branch, error)
	ListOutlets(ctx context.Context, orgID int64) ([]huifang.Outlet, error)
	ListProducts(ctx context.Context, orgID int64) ([]huifang.Product, error)
	RefName(ctx context.Context, orgID int64, kind, code string) (string, error)
	RefNames(ctx context.Context, orgID int64, kind string, codes []string) (map[string]string, error)
	SaveAgents(ctx context.Context, orgID int64, as []huifang.AgentRecord, a huifang.Actor, now time.Time) (huifang.Counts, error)
	SaveBranches(ctx context.Context, orgID int64, bs []huifang.Branch, a huifang.Actor, now time.Time) (huifang.Counts, error)
	SaveOutlets(ctx context.Context, orgID int64, os []huifang.Outlet, a huifang.Actor, now time.Time) (huifang.Counts, error)
	SaveProducts(ctx context.Context, orgID int64, ps []huifang.Product, a huifang.Actor, now time.Time) (huifang.Counts, error)
}

// scriptStore stores callback scripts.
type scriptStore interface {
	AddScript(ctx context.Context, r *huifang.ScriptRecord) error
	FindScript(ctx context.Context, orgID, id int64) (*huifang.ScriptRecord, error)
	ListScripts(ctx context.Context, f huifang.ScriptFilter) ([]huifang.ScriptRecord, error)
	MoveScript(ctx context.Context, orgID, id int64, from, to string, activeFrom huifang.Date, a huifang.Actor, now time.Time) error
	SaveScriptDraft(ctx context.Context, r *huifang.ScriptRecord, a huifang.Actor, now time.Time) error
}

// qaStore stores the QA evaluations of calls.
type qaStore interface {
	AddQAEvaluations(ctx context.Context, evs []huifang.QAEvaluation, audit huifang.AuditEntry) ([]huifang.QAEvaluation, error)
	FindQAEvaluation(ctx context.Context, orgID, id int64) (*huifang.QAEvaluation, error)
	ListQAEvaluations(ctx context.Context, f huifang.QAFilter) ([]huifang.QAEvaluation, error)
	QACalls(ctx context.Context, orgID int64, from, to time.Time) ([]huifang.QACall, error)
	QAFigures(ctx context.Context, orgID int64, from, to huifang.Date) ([]huifang.QAFigures, error)
	UpdateQAEvaluation(ctx context.Context, e *huifang.QAEvaluation, from huifang.QAStatus, audit huifang.AuditEntry) error
}

// spotCheckStore stores the regulator's spot-check samples and verdicts.
type spotCheckStore interface {
	AssignSpotCheckItems(ctx context.Context, f huifang.SpotCheckItemFilter, itemIDs []int64, assigneeID int64, a huifang.Actor, at time.Time) (int, error)
	CountSpotCheckItems(ctx context.Context, f huifang.SpotCheckItemFilter) (int, error)
	CreateSpotCheck(ctx context.Context, sc *huifang.SpotCheck, items []huifang.SpotCheckItem, a huifang.Actor) error
	FindSpotCheck(ctx context.Context, regulatorID, id int64) (*huifang.SpotCheck, error)
	FindSpotCheckItem(ctx context.Context, regulatorID, checkID, id int64) (*huifang.SpotCheckItem, error)
	ListSpotCheckItems(ctx context.Context, f huifang.SpotCheckItemFilter) ([]huifang.SpotCheckItem, error)
	ListSpotChecks(ctx context.Context, regulatorID int64, limit int) ([]huifang.SpotCheck, error)
	RecordVerdict(ctx context.Context, regulatorID int64, it *huifang.SpotCheckItem, c *huifang.ProblemCase, a huifang.Actor) error
	SpotCheckConsistency(ctx context.Context, regulatorID int64, orgIDs []int64) ([]huifang.Consistency, error)
	SpotCheckPopulation(ctx context.Context, orgIDs []int64, from, to huifang.Date) ([]spotcheck.Callback, error)
	SpotCheckProgress(ctx context.Context, f huifang.SpotCheckItemFilter) (huifang.SpotCheckProgress, error)
}

// statsStore stores the statistics counts.
type statsStore interface {
	ForEachCallbackFact(ctx context.Context, orgID int64, from, to huifang.Date, fn func(indicator.CallbackFact) error) error
	ForEachCaseFact(ctx context.Context, orgID int64, from, to huifang.Date, fn func(indicator.CaseFact) error) error
	ForEachFactIn(ctx context.Context, orgID int64, from, to huifang.Date, branches []string,
		cb func(indicator.CallbackFact) error, cs func(indicator.CaseFact) error) error
	ForEachCallbackFactIn(ctx context.Context, orgID int64, from, to huifang.Date, branches []string, channel, design string,
		fn func(indicator.CallbackFact) error) error
	ReadStats(ctx context.Context, orgID int64, p indicator.Period, asOf huifang.Date, n indicator.Needs) (indicator.StatCounts, error)
	ReadDayStats(ctx context.Context, orgID int64, from, to huifang.Date) (map[indicator.CallbackKey]indicator.CallbackCounts, error)
	ReadSellerStats(ctx context.Context, orgID int64, p indicator.Period, asOf huifang.Date, branches []string, channel, design string) (indicator.StatCounts, error)
	RebuildStats(ctx context.Context, orgID int64) error
}

// engineStore stores the database itself.
type engineStore interface {
	Close() error
	OneWriter() bool
}

// disclosureStore stores the regulator's published quarters and their errata.
type disclosureStore interface {
	AddErratum(ctx context.Context, regulatorID int64, e *huifang.Erratum, a huifang.Actor) error
	DisclosureHistory(ctx context.Context, regulatorID int64) ([]huifang.DisclosureRow, error)
	FindDisclosure(ctx context.Context, regulatorID int64, period string) (*huifang.Disclosure, error)
	ListDisclosures(ctx context.Context, f huifang.DisclosureFilter) ([]huifang.Disclosure, error)
	PublishDisclosure(ctx context.Context, d *huifang.Disclosure) error
}

// submissionStore stores statistics submissions.
type submissionStore interface {
	AddSubmission(ctx context.Context, s *huifang.Submission, prev int) error
	FindSubmission(ctx context.Context, sc huifang.SubmissionScope, id int64) (*huifang.Submission, error)
	ListSubmissions(ctx context.Context, f huifang.SubmissionFilter) ([]huifang.Submission, error)
	ReviewSubmission(ctx context.Context, sc huifang.SubmissionScope, id int64, to, comment string, a huifang.Actor, now time.Time) error
}

// userStore stores users.
type userStore interface {
	CreateSession(ctx context.Context, tokenHash, kind, name string, u *huifang.User, now, expires time.Time) error
	CreateUser(ctx context.Context, u *huifang.User, a huifang.Actor) error
	DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error)
	DeleteSession(ctx context.Context, tokenHash string) error
	FindSession(ctx context.Context, tokenHash, kind string, now time.Time) (*huifang.User, error)
	FindUserByLogin(ctx context.Context, login string) (*huifang.User, error)
	ListUsers(ctx context.Context, orgID int64) ([]huifang.User, error)
	SetPassword(ctx context.Context, orgID, userID int64, hash string, a huifang.Actor, now time.Time) error
}

// rectificationStore stores rectification notices and their timelines.
type rectificationStore interface {
	CreateRectification(ctx context.Context, r *huifang.Rectification, a huifang.Actor) error
	FindRectification(ctx context.Context, sc huifang.RectificationScope, id int64) (*huifang.Rectification, error)
	ListRectificationEvents(ctx context.Context, noticeID int64) ([]huifang.RectificationEvent, error)
	ListRectifications(ctx context.Context, f huifang.RectificationFilter) ([]huifang.Rectification, error)
	StepRectification(ctx context.Context, r *huifang.Rectification, was huifang.RectificationStatus, e huifang.RectificationEvent, a huifang.Actor) error
}
