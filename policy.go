package huifang

// PolicyRecord is a policy as stored: phone and ID numbers encrypted with their
// keyed hashes beside them, a hash of the whole row to tell a changed row from
// an unchanged one, and the callbacks the rules planned for it.
type PolicyRecord struct {
	Policy          // HolderID and HolderPhone are not stored from here
	HolderIDEnc     string
	HolderIDHash    string
	HolderPhoneEnc  string
	HolderPhoneHash string
	RowHash         string
	Plans           []Plan
}

// Plan is a callback the rules say a policy needs.
type Plan struct {
	Kind  CallbackKind
	DueOn Date
}
