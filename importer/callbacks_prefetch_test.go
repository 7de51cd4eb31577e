package importer

import (
	"reflect"
	"slices"
	"testing"

	"github.com/huifang/huifang"
)

// prefetching answers PolicyCallback and OrphanCallback only from the last
// prefetch, as the application's refs do, and records what it was asked.
type prefetching struct {
	*MemoryCallbacks
	blocks [][2][]string
	nb, or map[string]bool
}

func (p *prefetching) PrefetchCallbacks(newBusiness, orphan []string) {
	p.blocks = append(p.blocks, [2][]string{slices.Clone(newBusiness), slices.Clone(orphan)})
	p.nb, p.or = map[string]bool{}, map[string]bool{}
	for _, no := range newBusiness {
		p.nb[no] = true
	}
	for _, no := range orphan {
		p.or[no] = true
	}
}

func (p *prefetching) PolicyCallback(no string) (PolicyCallback, bool) {
	if !p.nb[no] {
		panic("not prefetched: " + no)
	}
	return p.MemoryCallbacks.PolicyCallback(no)
}

func (p *prefetching) OrphanCallback(no string) (PolicyCallback, bool) {
	if !p.or[no] {
		panic("not prefetched (orphan): " + no)
	}
	return p.MemoryCallbacks.OrphanCallback(no)
}

// TestCallbackPrefetchBlocks: checking a callback file a block at a time
// gives the same records and report as row by row, whatever the block
// boundaries: a policy's two kinds in two blocks, a duplicate row in the
// next block, unknown policies, an empty number, a done callback reloaded.
func TestCallbackPrefetchBlocks(t *testing.T) {
	head := append(append([]string{}, callbackHeader...), "回访类型")
	row := func(no, kind string) []string {
		return []string{no, "电话", "2026-01-25 10:00", "成功", "", "", "", "", kind}
	}
	reloaded := []string{"P002", "电话", "2026-01-20 14:30", "完成但有问题", "客户抱怨及投诉", "2026-01-20", "2026-01-25", "处理成功", ""}
	file := [][]string{head,
		row("P001", ""), row("NOPE", ""), row("P004", ""),
		row("P001", "孤儿保单回访"), row("P003", ""), reloaded,
		row("P001", ""), row("", ""), row("P009", "孤儿保单回访"),
		row("P005", ""),
	}
	refs := func() *MemoryCallbacks {
		r := callbackRefs()
		r.Orphans = map[string]PolicyCallback{"P001": {ReceiptOn: huifang.NewDate(2026, 1, 8), CallbackID: 9, DueOn: huifang.NewDate(2026, 2, 13), Status: huifang.StatusOpen}}
		r.Callbacks["P005"] = PolicyCallback{ReceiptOn: huifang.NewDate(2026, 1, 8), CallbackID: 5, DueOn: huifang.NewDate(2026, 1, 23), Status: huifang.StatusOpen}
		return r
	}
	check := func(r Refs) ([]CallbackRecord, Report) {
		t.Helper()
		var recs []CallbackRecord
		rep, err := Check(KindCallbacks, sliceRows(file), r, today, func(it any) error {
			recs = append(recs, it.(CallbackRecord))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return recs, rep
	}
	wantRecs, wantRep := check(refs())
	if wantRep.Bad == 0 || len(wantRecs) == 0 {
		t.Fatalf("the file should mix good and bad rows: %s", wantRep)
	}
	defer func(n int) { prefetchBlock = n }(prefetchBlock)
	for _, block := range []int{1, 2, 3, 4, 100} {
		prefetchBlock = block
		p := &prefetching{MemoryCallbacks: refs()}
		recs, rep := check(p)
		if !reflect.DeepEqual(recs, wantRecs) || !reflect.DeepEqual(rep, wantRep) {
			t.Fatalf("block %d:\n%v\n%s\nwant\n%v\n%s", block, recs, rep, wantRecs, wantRep)
		}
		// One prefetch per block that names a policy (not the block of the empty number alone).
		if want := (len(file) - 1 + block - 1) / block; len(p.blocks) > want || (block == 100 && len(p.blocks) != 1) {
			t.Fatalf("block %d: %d prefetches, want at most %d", block, len(p.blocks), want)
		}
	}
}
