package cli

import (
	"fmt"
	"os"
	"strings"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/script"
)

// cmdScript handles callback scripts (docs/scripts.md). None of its verbs
// opens the database.
func cmdScript(e *env, args []string) error {
	return sub(e, "script", args, map[string]func(*env, []string) error{
		"check": scriptCheck, "export": scriptExport, "list": scriptList,
	})
}

// scriptCheck validates a script file: it prints "ok: NAME vN covers all N
// required items", or each structural problem and each missing item, one per
// line, and fails.
func scriptCheck(e *env, args []string) error {
	fs := flags(e, "script check", "script check FILE: validate a script file and list what it is missing (format: docs/scripts.md)", nil)
	rest, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	f, err := os.Open(rest[0])
	if err != nil {
		return err
	}
	defer f.Close()
	s, err := script.Parse(f)
	if err != nil {
		return err
	}
	probs, missing := s.Problems(), s.Missing()
	if len(probs) == 0 && len(missing) == 0 {
		fmt.Fprintf(e.stdout, "ok: %s v%d covers all %d required items\n", s.Name, s.Version, len(s.Required()))
		return nil
	}
	for _, p := range probs {
		fmt.Fprintln(e.stdout, "error:", p)
	}
	for _, it := range missing {
		fmt.Fprintf(e.stdout, "missing: %s (%s)\n", it.Label(), it)
	}
	return huifang.Errorf(huifang.EINVALID, "%s 不能启用：%d 处结构错误，缺少 %d 项必备确认事项", rest[0], len(probs), len(missing))
}

// scriptExport prints a shipped script in the file format.
func scriptExport(e *env, args []string) error {
	fs := flags(e, "script export", "script export CODE: print a shipped standard script in the file format (huifang script list shows the codes)", nil)
	rest, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	s := script.Lookup(rest[0])
	if s == nil {
		var codes []string
		for _, l := range script.Library() {
			codes = append(codes, l.Code)
		}
		return huifang.Errorf(huifang.ENOTFOUND, "没有代码为 %q 的标准话术（可用：%s）", rest[0], strings.Join(codes, ", "))
	}
	return s.Format(e.stdout)
}

// scriptList prints the shipped standard scripts.
func scriptList(e *env, args []string) error {
	fs := flags(e, "script list", "script list: list the shipped standard scripts", nil)
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	for _, s := range script.Library() {
		fmt.Fprintf(e.stdout, "%-26s v%d  %s\n", s.Code, s.Version, s.Name)
	}
	return nil
}
