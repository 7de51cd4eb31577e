package importer

import "github.com/huifang/huifang"

// Refs looks up what a file refers to and the system already holds, for one
// insurer. The caller implements it over the database; the Checker caches
// the answers, so each code is asked about once.
type Refs interface {
	// Branch finds a branch by code; a branch file asks for parents it does
	// not define itself.
	Branch(code string) (huifang.Branch, bool)
	// Product finds a product by code; a policy without its own term takes
	// the product's.
	Product(code string) (huifang.Product, bool)
	HasAgent(code string) bool
	HasOutlet(code string) bool
}

// MemoryRefs is a Refs over maps, keyed by code: for tests, demo data, and
// checking a file before the database holds anything. Nil maps are empty.
type MemoryRefs struct {
	Branches map[string]huifang.Branch
	Products map[string]huifang.Product
	Agents   map[string]huifang.Agent
	Outlets  map[string]huifang.Outlet
}

// Branch finds a branch.
func (m *MemoryRefs) Branch(code string) (huifang.Branch, bool) {
	b, ok := m.Branches[code]
	return b, ok
}

// Product finds a product.
func (m *MemoryRefs) Product(code string) (huifang.Product, bool) {
	p, ok := m.Products[code]
	return p, ok
}

// HasAgent reports whether the agent exists.
func (m *MemoryRefs) HasAgent(code string) bool { _, ok := m.Agents[code]; return ok }

// HasOutlet reports whether the outlet exists.
func (m *MemoryRefs) HasOutlet(code string) bool { _, ok := m.Outlets[code]; return ok }

// maxCached bounds each cache of lookups; beyond it Refs is asked each time.
const maxCached = 200_000

// cachedRefs remembers the answers of a Refs, found or not.
type cachedRefs struct {
	refs     Refs
	branches map[string]*huifang.Branch // nil: not found
	products map[string]*huifang.Product
	agents   map[string]bool
	outlets  map[string]bool
}

func newCachedRefs(r Refs) *cachedRefs {
	return &cachedRefs{
		refs:     r,
		branches: map[string]*huifang.Branch{},
		products: map[string]*huifang.Product{},
		agents:   map[string]bool{},
		outlets:  map[string]bool{},
	}
}

func (c *cachedRefs) branch(code string) (*huifang.Branch, bool) {
	if b, ok := c.branches[code]; ok {
		return b, b != nil
	}
	var p *huifang.Branch
	if b, ok := c.refs.Branch(code); ok {
		p = &b
	}
	if len(c.branches) < maxCached {
		c.branches[code] = p
	}
	return p, p != nil
}

func (c *cachedRefs) product(code string) (*huifang.Product, bool) {
	if p, ok := c.products[code]; ok {
		return p, p != nil
	}
	var p *huifang.Product
	if x, ok := c.refs.Product(code); ok {
		p = &x
	}
	if len(c.products) < maxCached {
		c.products[code] = p
	}
	return p, p != nil
}

func (c *cachedRefs) hasAgent(code string) bool {
	return cached(c.agents, code, c.refs.HasAgent)
}

func (c *cachedRefs) hasOutlet(code string) bool {
	return cached(c.outlets, code, c.refs.HasOutlet)
}

func cached(m map[string]bool, code string, has func(string) bool) bool {
	if ok, seen := m[code]; seen {
		return ok
	}
	ok := has(code)
	if len(m) < maxCached {
		m[code] = ok
	}
	return ok
}
