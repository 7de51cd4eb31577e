package store_test

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// sameType maps each column type the SQLite migrations declare to the
// PostgreSQL types (as information_schema.columns names them) that its
// counterpart may have. SQLite has no boolean, no date and one integer
// storage class: the Go code reads a boolean or a small count from either.
var sameType = map[string][]string{
	"INTEGER": {"bigint", "integer", "smallint", "boolean"},
	"BIGINT":  {"bigint"},
	"TEXT":    {"text", "date"}, // dates are YYYY-MM-DD text on SQLite
	"BLOB":    {"bytea"},
}

// acceptedDifferences are the disagreements between the engines' schemas
// that are meant, each with its reason. The test fails on any other, and
// on one listed here that no longer occurs.
var acceptedDifferences = map[string]string{
	// SQLite lets a PRIMARY KEY column other than an INTEGER one hold NULL
	// (a quirk it keeps for old databases); making these NOT NULL would mean
	// rebuilding each table. huifang writes every one of them, never NULL.
	"column jobs.name: NOT NULL sqlite false, postgres true":                 "SQLite quirk: a TEXT PRIMARY KEY may be NULL; every job is named",
	"column login_failures.subject: NOT NULL sqlite false, postgres true":    "SQLite quirk: a TEXT PRIMARY KEY may be NULL; every failure has its subject",
	"column schema_migrations.version: NOT NULL sqlite false, postgres true": "SQLite quirk: a BIGINT PRIMARY KEY may be NULL; Migrate writes each version",
	"column sessions.token_hash: NOT NULL sqlite false, postgres true":       "SQLite quirk: a TEXT PRIMARY KEY may be NULL; a session is found by its hash",
	"column stat_rebuild.org_id: NOT NULL sqlite false, postgres true":       "SQLite quirk: a BIGINT PRIMARY KEY may be NULL; rows are insurers' ids",
}

// column is a column as both engines can describe it.
type column struct {
	typ     string // the declared SQLite type, or PostgreSQL's data_type
	notNull bool
}

// index is an index made by CREATE INDEX (not one backing a constraint).
type index struct {
	table   string
	columns string // comma-separated, in key order
	unique  bool
	partial bool
}

// schema describes a migrated database: its tables' columns, its indexes by
// name, and its keys ("t PRIMARY KEY (a,b)", "t UNIQUE (c)").
type schema struct {
	columns map[string]map[string]column
	indexes map[string]index
	keys    map[string]bool
}

// TestSchemasAgree migrates a database on each engine and compares what the
// engines say they hold: the same tables, columns of mapped types and the
// same nullability, the same indexes and the same keys.
func TestSchemasAgree(t *testing.T) {
	lite := describe(t, storetest.Open(t, store.SQLite))
	pg := describe(t, storetest.Open(t, store.Postgres))
	for _, s := range []schema{lite, pg} {
		if len(s.columns) == 0 || len(s.indexes) == 0 || len(s.keys) == 0 {
			t.Fatalf("a catalog read nothing: %d tables, %d indexes, %d keys", len(s.columns), len(s.indexes), len(s.keys))
		}
	}
	t.Logf("%d tables, %d indexes, %d keys", len(pg.columns), len(pg.indexes), len(pg.keys))
	diffs := compareSchemas(lite, pg)
	for _, d := range diffs {
		if _, ok := acceptedDifferences[d]; !ok {
			t.Errorf("schemas disagree: %s", d)
		}
	}
	for d := range acceptedDifferences {
		if !slices.Contains(diffs, d) {
			t.Errorf("accepted difference no longer found, remove it: %s", d)
		}
	}
}

// compareSchemas lists the disagreements between a SQLite and a PostgreSQL schema, sorted.
func compareSchemas(lite, pg schema) []string {
	var diffs []string
	for _, table := range union(lite.columns, pg.columns) {
		lc, lok := lite.columns[table]
		pc, pok := pg.columns[table]
		switch {
		case !pok:
			diffs = append(diffs, fmt.Sprintf("table %s only on sqlite", table))
			continue
		case !lok:
			diffs = append(diffs, fmt.Sprintf("table %s only on postgres", table))
			continue
		}
		for _, name := range union(lc, pc) {
			l, lok := lc[name]
			p, pok := pc[name]
			switch {
			case !pok:
				diffs = append(diffs, fmt.Sprintf("column %s.%s only on sqlite", table, name))
			case !lok:
				diffs = append(diffs, fmt.Sprintf("column %s.%s only on postgres", table, name))
			default:
				if !slices.Contains(sameType[l.typ], p.typ) {
					diffs = append(diffs, fmt.Sprintf("column %s.%s: sqlite %s, postgres %s", table, name, l.typ, p.typ))
				}
				if l.notNull != p.notNull {
					diffs = append(diffs, fmt.Sprintf("column %s.%s: NOT NULL sqlite %t, postgres %t", table, name, l.notNull, p.notNull))
				}
			}
		}
	}
	for _, name := range union(lite.indexes, pg.indexes) {
		l, lok := lite.indexes[name]
		p, pok := pg.indexes[name]
		switch {
		case !pok:
			diffs = append(diffs, fmt.Sprintf("index %s only on sqlite", name))
		case !lok:
			diffs = append(diffs, fmt.Sprintf("index %s only on postgres", name))
		case l != p:
			diffs = append(diffs, fmt.Sprintf("index %s: sqlite %+v, postgres %+v", name, l, p))
		}
	}
	for _, key := range union(lite.keys, pg.keys) {
		switch {
		case !pg.keys[key]:
			diffs = append(diffs, fmt.Sprintf("key %s only on sqlite", key))
		case !lite.keys[key]:
			diffs = append(diffs, fmt.Sprintf("key %s only on postgres", key))
		}
	}
	sort.Strings(diffs)
	return diffs
}

// union returns the keys of both maps, sorted.
func union[V any](a, b map[string]V) []string {
	var keys []string
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

// describe reads the schema of a database from the engine's catalog.
func describe(t *testing.T, db *store.DB) schema {
	t.Helper()
	s := schema{columns: map[string]map[string]column{}, indexes: map[string]index{}, keys: map[string]bool{}}
	if db.Engine() == store.SQLite {
		describeSQLite(t, db, s)
	} else {
		describePostgres(t, db, s)
	}
	return s
}

func describeSQLite(t *testing.T, db *store.DB, s schema) {
	t.Helper()
	var tables []string
	query(t, db, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`, nil, func(scan func(...any)) {
		var name string
		scan(&name)
		tables = append(tables, name)
	})
	for _, table := range tables {
		s.columns[table] = map[string]column{}
		pk := map[int]string{}
		query(t, db, `SELECT name, upper(type), "notnull", pk FROM pragma_table_info(?)`, []any{table}, func(scan func(...any)) {
			var name, typ string
			var notNull bool
			var pkPos int
			scan(&name, &typ, &notNull, &pkPos)
			if pkPos > 0 {
				pk[pkPos] = name
			}
			s.columns[table][name] = column{typ, notNull}
		})
		if c := s.columns[table][pk[1]]; len(pk) == 1 && c.typ == "INTEGER" {
			// An INTEGER PRIMARY KEY is the rowid, never NULL, though
			// pragma_table_info does not say NOT NULL.
			c.notNull = true
			s.columns[table][pk[1]] = c
		}
		if len(pk) > 0 {
			cols := make([]string, len(pk))
			for i, name := range pk {
				cols[i-1] = name
			}
			s.keys[table+" PRIMARY KEY ("+strings.Join(cols, ",")+")"] = true
		}
		type idx struct {
			name, origin    string
			unique, partial bool
		}
		var idxs []idx
		query(t, db, `SELECT name, origin, "unique", partial FROM pragma_index_list(?)`, []any{table}, func(scan func(...any)) {
			var i idx
			scan(&i.name, &i.origin, &i.unique, &i.partial)
			idxs = append(idxs, i)
		})
		for _, i := range idxs {
			var cols []string
			query(t, db, `SELECT name FROM pragma_index_info(?) ORDER BY seqno`, []any{i.name}, func(scan func(...any)) {
				var name string
				scan(&name)
				cols = append(cols, name)
			})
			switch i.origin {
			case "c": // CREATE INDEX
				s.indexes[i.name] = index{table, strings.Join(cols, ","), i.unique, i.partial}
			case "u": // a UNIQUE constraint
				s.keys[table+" UNIQUE ("+strings.Join(cols, ",")+")"] = true
			case "pk": // read from pragma_table_info above
			default:
				t.Fatalf("index %s of %s: unknown origin %q", i.name, table, i.origin)
			}
		}
	}
}

func describePostgres(t *testing.T, db *store.DB, s schema) {
	t.Helper()
	query(t, db, `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`, nil, func(scan func(...any)) {
		var name string
		scan(&name)
		s.columns[name] = map[string]column{}
	})
	query(t, db, `SELECT table_name, column_name, data_type, is_nullable = 'NO' FROM information_schema.columns WHERE table_schema = current_schema()`, nil, func(scan func(...any)) {
		var table, name, typ string
		var notNull bool
		scan(&table, &name, &typ, &notNull)
		if s.columns[table] != nil {
			s.columns[table][name] = column{typ, notNull}
		}
	})
	query(t, db, `SELECT tc.table_name, tc.constraint_type, string_agg(k.column_name, ',' ORDER BY k.ordinal_position)
		FROM information_schema.table_constraints tc
		JOIN information_schema.key_column_usage k ON k.constraint_schema = tc.constraint_schema AND k.constraint_name = tc.constraint_name
		WHERE tc.table_schema = current_schema() AND tc.constraint_type IN ('PRIMARY KEY', 'UNIQUE')
		GROUP BY tc.table_name, tc.constraint_name, tc.constraint_type`, nil, func(scan func(...any)) {
		var table, kind, cols string
		scan(&table, &kind, &cols)
		s.keys[table+" "+kind+" ("+cols+")"] = true
	})
	// The indexes of pg_indexes that no constraint owns, with their key columns from pg_index.
	query(t, db, `SELECT pi.indexname, pi.tablename, x.indisunique, x.indpred IS NOT NULL,
			(SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM unnest(x.indkey::int2[]) WITH ORDINALITY k(attnum, n)
			 JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum)
		FROM pg_indexes pi
		JOIN pg_class c ON c.relname = pi.indexname AND c.relnamespace = current_schema()::regnamespace
		JOIN pg_index x ON x.indexrelid = c.oid
		WHERE pi.schemaname = current_schema()
		AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = c.oid)`, nil, func(scan func(...any)) {
		var name string
		var i index
		scan(&name, &i.table, &i.unique, &i.partial, &i.columns)
		s.indexes[name] = i
	})
}

// query runs a catalog query and calls row for each row with a scanner that fails the test on error.
func query(t *testing.T, db *store.DB, q string, args []any, row func(scan func(...any))) {
	t.Helper()
	rows, err := db.QueryForTest(ctx, q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	for rows.Next() {
		row(func(dest ...any) {
			if err := rows.Scan(dest...); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		})
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}
