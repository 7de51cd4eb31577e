package huifang

// Permission is something a role may do.
type Permission string

// Permissions.
const (
	PermManageOrgs    Permission = "orgs.manage"          // create organisations
	PermManageUsers   Permission = "users.manage"         // create users and tokens in one's organisation
	PermImport        Permission = "data.import"          // import reference data and policies
	PermViewCallbacks Permission = "callbacks.view"       // list callbacks and problem cases
	PermWorkCallbacks Permission = "callbacks.work"       // take and finish callbacks
	PermExport        Permission = "callbacks.export"     // export the callback list
	PermViewPII       Permission = "pii.view"             // see unmasked phone and ID numbers
	PermSupervise     Permission = "supervise"            // regulator's view over its companies
	PermRecord        Permission = "recordings.add"       // attach call recordings
	PermListen        Permission = "recordings.play"      // play call recordings
	PermViewStats     Permission = "stats.view"           // statistics tables and indicators
	PermRecordLetter  Permission = "callbacks.letter"     // record a letter or visit callback with its signed receipt
	PermSubmitStats   Permission = "stats.submit"         // submit a statistics table to the regulator
	PermReviewStats   Permission = "stats.review"         // accept or return a submitted statistics table
	PermOpenCase      Permission = "cases.open"           // open a problem case by hand
	PermWorkCases     Permission = "cases.work"           // transfer, act on, close problem cases (the workflow decides which)
	PermLoadCalendar  Permission = "calendar.load"        // load a year of the working-day calendar
	PermManageAgents  Permission = "agents.manage"        // start and complete agents' departures
	PermMisconduct    Permission = "misconduct.review"    // confirm or reject proposed misconduct records
	PermViewRisks     Permission = "risks.view"           // the list of policies flagged for a false phone number
	PermAssign        Permission = "supervisors.assign"   // assign the regulator's supervisors their companies
	PermSpotCheck     Permission = "spotchecks.work"      // draw spot-check samples and record verdicts
	PermDisclose      Permission = "disclosure.publish"   // publish a quarter's figures and their errata
	PermInspect       Permission = "inspection.export"    // export an on-site inspection package
	PermRectify       Permission = "rectification.send"   // send a company a rectification notice and close it
	PermAnswerNotice  Permission = "rectification.answer" // answer a rectification notice for one's company
	PermQAEvaluate    Permission = "qa.evaluate"          // draw calls for QA, evaluate them, decide appeals, calibrate
	PermQAOwn         Permission = "qa.own"               // see the QA evaluations of one's own calls and appeal once
	PermQAFigures     Permission = "qa.figures"           // QA figures per operator and team, and their export
)

var rolePerms = map[Role][]Permission{
	RoleAdmin:        {PermManageOrgs, PermManageUsers, PermImport, PermManageAgents, PermViewCallbacks, PermExport, PermViewStats, PermLoadCalendar, PermAssign, PermSpotCheck, PermDisclose, PermInspect},
	RoleRegAdmin:     {PermSupervise, PermManageUsers, PermAssign, PermViewCallbacks, PermViewStats, PermReviewStats, PermSpotCheck, PermDisclose, PermInspect, PermRectify},
	RoleSupervisor:   {PermSupervise, PermViewCallbacks, PermViewStats, PermReviewStats, PermSpotCheck, PermInspect, PermRectify},
	RoleInsurerAdmin: {PermManageUsers, PermImport, PermManageAgents, PermViewRisks, PermViewCallbacks, PermExport, PermRecord, PermViewStats, PermRecordLetter, PermSubmitStats, PermOpenCase, PermWorkCases, PermAnswerNotice},
	RoleManager:      {PermViewCallbacks, PermExport, PermViewRisks, PermListen, PermViewStats, PermSubmitStats, PermOpenCase, PermWorkCases, PermAnswerNotice, PermQAFigures},
	RoleOperator:     {PermViewCallbacks, PermWorkCallbacks, PermViewPII, PermRecord, PermRecordLetter, PermOpenCase, PermQAOwn},
	RoleHandler:      {PermViewCallbacks, PermViewPII, PermRecordLetter, PermWorkCases},
	RoleQA:           {PermViewCallbacks, PermListen, PermQAEvaluate, PermQAFigures},
	RoleCompliance:   {PermViewCallbacks, PermMisconduct, PermViewRisks, PermListen},
}

// RoleCan reports whether role r has permission p.
func RoleCan(r Role, p Permission) bool {
	for _, x := range rolePerms[r] {
		if x == p {
			return true
		}
	}
	return false
}
