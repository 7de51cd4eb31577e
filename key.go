package huifang

import "time"

// The tables a key rotation walks, in order. Each is walked by its key,
// (org_id, code) or (org_id, policy_no).
const (
	KeyStageAgents   = "agents"
	KeyStagePolicies = "policies"
)

// KeyState is the database's personal-data key: the check value of the key
// its data is sealed under, and a rotation in progress.
type KeyState struct {
	Check    string // "" before the database is first keyed
	KeyedAt  time.Time
	Rotation *KeyRotation // nil when no rotation is in progress
}

// KeyRotation is how far a rotation got: every row of the stages before
// Stage, and of Stage up to (AfterOrg, AfterKey), is sealed under Next.
type KeyRotation struct {
	Next      string // the new key's check value
	Stage     string
	AfterOrg  int64
	AfterKey  string
	Rows      int64 // rows rewritten so far
	StartedAt time.Time
}

// KeyChunk is one chunk of a rotation: rows of one stage resealed under the
// new key, written with the rotation's progress in one transaction.
type KeyChunk struct {
	Next     string // the rotation's new check value
	Stage    string
	FromOrg  int64 // the progress the chunk starts from
	FromKey  string
	ToStage  string // the progress after it
	ToOrg    int64
	ToKey    string
	Agents   []AgentRecord
	Policies []*PolicyRecord
}
