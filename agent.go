package huifang

// AgentRecord is an agent as stored: the phone encrypted, with its keyed hash.
type AgentRecord struct {
	Agent
	PhoneEnc  string
	PhoneHash string
}
