package huifang

import "time"

// OrgKind tells a regulator from an insurer.
type OrgKind string

// Organisation kinds.
const (
	KindRegulator OrgKind = "regulator"
	KindInsurer   OrgKind = "insurer"
)

// Org is a regulator (保监局) or an insurer's local entity.
type Org struct {
	ID          int64
	Code        string
	Name        string
	Kind        OrgKind
	RegulatorID int64 // insurers only: the regulator that supervises them
	// PreUnderwritingCallback turns on the optional callback before underwriting
	// for every product of this insurer (DOMAIN.md §3).
	PreUnderwritingCallback bool
	// ServicePhone is an insurer's customer-service number (95xxx), said
	// at the end of every callback script.
	ServicePhone string
	CreatedAt    time.Time
}
