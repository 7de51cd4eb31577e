package app

import (
	"context"
	"errors"
	"net/mail"
	"regexp"
	"strings"

	"github.com/huifang/huifang"
)

var codeRE = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,32}$`)
var servicePhoneRE = regexp.MustCompile(`^[0-9][0-9-]{2,19}$`)

// OrgInput is what makes an organisation.
type OrgInput struct {
	Kind          huifang.OrgKind
	Code, Name    string
	RegulatorCode string
	// PreUnderwriting asks for a callback before underwriting too, for every
	// product of the insurer (DOMAIN.md §3; off by default).
	PreUnderwriting bool
	// ServicePhone is an insurer's customer-service number, said in scripts.
	ServicePhone string
	// Profile is a regulator's starting rule profile (profile.SeedBureau by default).
	Profile string
}

// CreateOrg adds a regulator or an insurer.
func (s *Service) CreateOrg(ctx context.Context, by *huifang.User, in OrgInput) (*huifang.Org, error) {
	if err := require(by, huifang.PermManageOrgs); err != nil {
		return nil, err
	}
	var fields []huifang.FieldError
	if in.Kind != huifang.KindRegulator && in.Kind != huifang.KindInsurer {
		fields = append(fields, huifang.FieldError{Field: "kind", Key: "err.org.bad_kind"})
	}
	if !codeRE.MatchString(in.Code) {
		fields = append(fields, huifang.FieldError{Field: "code", Key: "err.org.bad_code"})
	}
	if strings.TrimSpace(in.Name) == "" {
		fields = append(fields, huifang.FieldError{Field: "name", Key: "err.org.name_required"})
	}
	if in.Kind == huifang.KindRegulator && in.PreUnderwriting {
		fields = append(fields, huifang.FieldError{Field: "pre_underwriting", Key: "err.org.pre_underwriting_insurer"})
	}
	if p := strings.TrimSpace(in.ServicePhone); p != "" && !servicePhoneRE.MatchString(p) {
		fields = append(fields, huifang.FieldError{Field: "service_phone", Key: "err.org.bad_phone"})
	}
	if in.Kind == huifang.KindRegulator && in.RegulatorCode != "" {
		fields = append(fields, huifang.FieldError{Field: "regulator", Key: "err.org.regulator_nested"})
	}
	if len(fields) > 0 {
		return nil, &huifang.Error{Code: huifang.EINVALID, Key: fields[0].Key, Args: fields[0].Args, Fields: fields}
	}
	o := &huifang.Org{Kind: in.Kind, Code: in.Code, Name: strings.TrimSpace(in.Name), PreUnderwritingCallback: in.PreUnderwriting,
		ServicePhone: strings.TrimSpace(in.ServicePhone), CreatedAt: s.now()}
	if in.RegulatorCode != "" {
		reg, err := s.db.FindOrgByCode(ctx, in.RegulatorCode)
		if err != nil {
			return nil, orgNotFound(in.RegulatorCode, err)
		}
		if reg.Kind != huifang.KindRegulator {
			return nil, huifang.Errorf(huifang.EINVALID, "err.org.not_regulator", in.RegulatorCode)
		}
		o.RegulatorID = reg.ID
	}
	if err := s.db.CreateOrg(ctx, o); err != nil {
		if errors.Is(err, huifang.ErrConflict) {
			return nil, huifang.Errorf(huifang.ECONFLICT, "err.org.code_taken", in.Code)
		}
		return nil, err
	}
	if o.Kind == huifang.KindRegulator {
		if err := s.startProfile(ctx, o, in.Profile, by.Login); err != nil {
			return nil, err
		}
	}
	return o, s.db.AppendAudit(ctx, huifang.AuditEntry{OrgID: o.ID, At: o.CreatedAt, UserID: by.ID, Actor: by.Login, Entity: "org", Key: o.Code, Action: "create", Detail: `{"kind":"` + string(o.Kind) + `"}`})
}

// SetServicePhone sets an insurer's customer-service number, said at the end
// of every shipped script: without it no such script can be completed and no
// callback is made (scriptgap.go). Callbacks it held up go back to the pool
// with the next RecheckBlocked.
func (s *Service) SetServicePhone(ctx context.Context, by *huifang.User, code, phone string) error {
	if err := require(by, huifang.PermManageOrgs); err != nil {
		return err
	}
	phone = strings.TrimSpace(phone)
	if !servicePhoneRE.MatchString(phone) {
		return huifang.Errorf(huifang.EINVALID, "err.org.bad_phone")
	}
	o, err := s.db.FindOrgByCode(ctx, code)
	if err != nil {
		return orgNotFound(code, err)
	}
	if o.Kind != huifang.KindInsurer {
		return huifang.Errorf(huifang.EINVALID, "err.org.not_insurer", code)
	}
	if err := s.db.SetServicePhone(ctx, o.ID, phone); err != nil {
		return err
	}
	return s.db.AppendAudit(ctx, huifang.AuditEntry{OrgID: o.ID, At: s.now(), UserID: by.ID, Actor: by.Login, Entity: "org", Key: o.Code,
		Action: "service-phone", Detail: jsonDetail(map[string]any{"old": o.ServicePhone, "new": phone})})
}

// SetPreUnderwriting turns an insurer's callback before underwriting on or
// off for every product (DOMAIN.md §3; `org add --pre-underwriting` sets it
// at the start). It applies to the policies imported from now on: callbacks
// already planned stay, and a policy already issued never gets one. The
// same administrators as CreateOrg.
func (s *Service) SetPreUnderwriting(ctx context.Context, by *huifang.User, code string, on bool) (*huifang.Org, error) {
	if err := require(by, huifang.PermManageOrgs); err != nil {
		return nil, err
	}
	o, err := s.db.FindOrgByCode(ctx, code)
	if err != nil {
		return nil, orgNotFound(code, err)
	}
	if o.Kind != huifang.KindInsurer {
		return nil, huifang.Errorf(huifang.EINVALID, "err.org.pre_underwriting_insurer")
	}
	old := o.PreUnderwritingCallback
	if old == on {
		return o, nil
	}
	if err := s.db.SetPreUnderwriting(ctx, o.ID, on); err != nil {
		return nil, err
	}
	o.PreUnderwritingCallback = on
	return o, s.db.AppendAudit(ctx, huifang.AuditEntry{OrgID: o.ID, At: s.now(), UserID: by.ID, Actor: by.Login, Entity: "org", Key: o.Code,
		Action: "pre-underwriting", Detail: jsonDetail(map[string]any{"old": old, "new": on})})
}

// UserInput is what makes a user.
type UserInput struct {
	OrgCode, Login, Name, Password, BranchCode string
	AgentCode, Email                           string
	Role                                       huifang.Role
	// Companies are the insurer codes a supervisor follows (supervisors only).
	Companies []string
}

var loginRE = regexp.MustCompile(`^[A-Za-z0-9_.@-]{2,64}$`)

// CreateUser adds a user; the role must fit the organisation's kind.
func (s *Service) CreateUser(ctx context.Context, by *huifang.User, in UserInput) (*huifang.User, error) {
	if err := require(by, huifang.PermManageUsers); err != nil {
		return nil, err
	}
	org, err := s.db.FindOrgByCode(ctx, in.OrgCode)
	if err != nil {
		return nil, orgNotFound(in.OrgCode, err)
	}
	if err := sameOrg(by, org.ID); err != nil {
		return nil, err
	}
	if !loginRE.MatchString(in.Login) {
		return nil, huifang.Errorf(huifang.EINVALID, "err.user.bad_login")
	}
	if err := s.roleFits(ctx, by, org, in.Role, in.BranchCode); err != nil {
		return nil, err
	}
	var cos []huifang.Org
	if len(in.Companies) > 0 {
		if in.Role != huifang.RoleSupervisor {
			return nil, huifang.Errorf(huifang.EINVALID, "err.oversight.companies_supervisor")
		}
		if cos, err = s.companiesOf(ctx, org.ID, in.Companies); err != nil {
			return nil, err
		}
	}
	hash, err := HashPassword(in.Password)
	if err != nil {
		return nil, err
	}
	if in.Email != "" {
		if _, err := mail.ParseAddress(in.Email); err != nil {
			return nil, huifang.Errorf(huifang.EINVALID, "err.user.bad_email", in.Email)
		}
	}
	u := &huifang.User{OrgID: org.ID, Login: in.Login, Name: strings.TrimSpace(in.Name), Role: in.Role, BranchCode: in.BranchCode,
		AgentCode: strings.TrimSpace(in.AgentCode), Email: strings.TrimSpace(in.Email), PasswordHash: hash, CreatedAt: s.now()}
	if err := s.db.CreateUser(ctx, u, actor(by)); err != nil {
		if errors.Is(err, huifang.ErrConflict) {
			return nil, huifang.Errorf(huifang.ECONFLICT, "err.user.login_taken", in.Login)
		}
		return nil, err
	}
	if len(cos) > 0 {
		if err := s.setCompanies(ctx, by, u, cos); err != nil {
			return nil, err
		}
	}
	return u, nil
}

// roleFits checks that a role fits the organisation's kind, that by may give
// it, and that a handler's branch exists.
func (s *Service) roleFits(ctx context.Context, by *huifang.User, org *huifang.Org, role huifang.Role, branch string) error {
	if !role.Valid() {
		return huifang.Errorf(huifang.EINVALID, "err.user.unknown_role", role)
	}
	if role == huifang.RoleAdmin && by.Role != huifang.RoleAdmin {
		return huifang.Errorf(huifang.EFORBIDDEN, "err.user.grant_admin")
	}
	regulatory := role == huifang.RoleSupervisor || role == huifang.RoleRegAdmin
	if regulatory && org.Kind != huifang.KindRegulator {
		return huifang.Errorf(huifang.EINVALID, "err.user.supervisor_regulator")
	}
	if !regulatory && role != huifang.RoleAdmin && org.Kind != huifang.KindInsurer {
		return huifang.Errorf(huifang.EINVALID, "err.user.role_insurer", role)
	}
	if role == huifang.RoleHandler && branch != "" {
		if bs, err := s.db.ListBranches(ctx, org.ID); err == nil {
			known := false
			for _, b := range bs {
				known = known || b.Code == branch
			}
			if !known {
				return huifang.Errorf(huifang.EINVALID, "err.user.no_branch", org.Code, branch)
			}
		}
	}
	return nil
}

// Org returns an organisation the user may see.
func (s *Service) Org(ctx context.Context, by *huifang.User, code string) (*huifang.Org, error) {
	org, err := s.db.FindOrgByCode(ctx, code)
	if err != nil {
		return nil, orgNotFound(code, err)
	}
	if err := sameOrg(by, org.ID); err != nil {
		return nil, err
	}
	return org, nil
}
