package huifang

// Branch is a node of an insurer's organisation tree.
type Branch struct {
	OrgID      int64
	Code       string
	Name       string
	ParentCode string // empty for the head office
	Level      int    // 0 head office, 1 province, 2 city, 3 sales unit
}

// BranchLevelName names a tree level in Chinese.
func BranchLevelName(level int) string {
	switch level {
	case 0:
		return "总公司"
	case 1:
		return "省级分公司"
	case 2:
		return "地市分公司"
	default:
		return "营业单位"
	}
}
