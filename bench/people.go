package bench

import (
	"context"
	"fmt"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
)

// managerLogin is the login of the i-th (from 1) manager at the insurer of
// a world: "mgr", then "mgr2", "mgr3"…; supervisorLogin the same at the
// regulator. Every web session of a load run is a person of their own,
// as the heavy-request limiter's share per user expects.
func managerLogin(i int) string    { return personLogin("mgr", i) }
func supervisorLogin(i int) string { return personLogin("sup", i) }

func personLogin(base string, i int) string {
	if i <= 1 {
		return base
	}
	return fmt.Sprint(base, i)
}

// ensurePeople makes sure a world has managers mgr..mgrN and supervisors
// sup..supS (a world built before load runs had one of each): the missing
// ones are created with the world's password, supervisors assigned the
// insurer.
func ensurePeople(ctx context.Context, w *World, managers, supervisors int) error {
	svc, db, err := openWorld(ctx, w)
	if err != nil {
		return err
	}
	defer db.Close()
	cli := app.CLI()
	add := func(org, login string, role huifang.Role) (bool, error) {
		_, err := svc.CreateUser(ctx, cli, app.UserInput{OrgCode: org, Login: login, Name: login, Role: role, Password: WorldPassword})
		if huifang.ErrorCode(err) == huifang.ECONFLICT {
			return false, nil // there from an earlier run
		}
		return err == nil, err
	}
	for i := 2; i <= managers; i++ {
		if _, err := add("BENCH", managerLogin(i), huifang.RoleManager); err != nil {
			return fmt.Errorf("manager %d: %w", i, err)
		}
	}
	for i := 2; i <= supervisors; i++ {
		made, err := add("REG", supervisorLogin(i), huifang.RoleSupervisor)
		if err != nil {
			return fmt.Errorf("supervisor %d: %w", i, err)
		}
		if made {
			if _, err := svc.AssignCompanies(ctx, cli, "REG", supervisorLogin(i), []string{"BENCH"}); err != nil {
				return fmt.Errorf("supervisor %d: %w", i, err)
			}
		}
	}
	return nil
}
