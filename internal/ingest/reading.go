package ingest

import (
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"strings"

	"github.com/begira/begira/data"
	"github.com/begira/begira/internal/i18n"
	"github.com/begira/begira/internal/portfolio"
)

// reading is how the cells of one batch are read, shared by its
// validation and its commit: each column's convention and the
// municipality names of the reference geography.
type reading struct {
	cols    map[string]portfolio.ImportColumn // by field
	century string
	geoCase string // SQL CASE over begira_key(cell) → INE code; "" without reference names
}

func newReading(ctx context.Context, db *sql.DB, b *portfolio.ImportBatch) (*reading, error) {
	r := &reading{cols: map[string]portfolio.ImportColumn{}, century: b.Dialect.Century}
	for _, c := range b.Columns {
		if c.Field == "" {
			continue
		}
		// Batches previewed before columns had their own conventions
		// read them with the file's.
		if c.Decimal == "" {
			c.Decimal = b.Dialect.DecimalSeparator
		}
		if c.DateFormat == "" {
			c.DateFormat = cmpOr(b.Dialect.DateFormat, isoDate)
		}
		r.cols[c.Field] = c
	}
	var err error
	r.geoCase, err = municipalityNames(ctx, db)
	return r, err
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// number and date read a cell of field; a field the file lacks is read
// as NULL with any convention.
func (r *reading) number(field, c string) string {
	return numberExpr(c, cmpOr(r.cols[field].Decimal, "."))
}

func (r *reading) date(field, c string) string {
	return dateExpr(c, cmpOr(r.cols[field].DateFormat, isoDate), r.century)
}

// geo reads a municipality cell: an INE code as a 5-character string
// (restoring the leading zero spreadsheets drop from codes such as 01001),
// or any official name of a municipality of the reference geography in
// Basque, Spanish or both (Donostia, San Sebastián, Donostia / San
// Sebastián), ignoring case and accents.
func (r *reading) geo(c string) string {
	code := fmt.Sprintf(`CASE WHEN regexp_full_match(%[1]s, '[0-9]{4,5}') THEN lpad(%[1]s, 5, '0') END`, c)
	if r.geoCase == "" {
		return code
	}
	return firstOf(code, strings.ReplaceAll(r.geoCase, "$CELL", c))
}

// municipalityNames builds the CASE expression that turns a municipality
// name into its code. The names are few (88 in Gipuzkoa), and the CASE
// runs only on cells that are not codes.
func municipalityNames(ctx context.Context, db *sql.DB) (string, error) {
	rows, err := db.QueryContext(ctx, `SELECT code, name_eu, name_es FROM geo_area WHERE level = 'municipality' ORDER BY code`)
	if err != nil {
		return "", fmt.Errorf("ingest: municipality names: %w", err)
	}
	defer rows.Close()
	seen := map[string]bool{}
	var whens []string
	add := func(name, code string) {
		if k := key(name); k != "" && !seen[k] {
			seen[k] = true
			whens = append(whens, fmt.Sprintf(`WHEN %s THEN %s`, sqlString(k), sqlString(code)))
		}
	}
	for rows.Next() {
		var code, eu, es string
		if err := rows.Scan(&code, &eu, &es); err != nil {
			return "", fmt.Errorf("ingest: municipality names: %w", err)
		}
		add(eu, code)
		add(es, code)
		add(eu+" "+es, code)
		add(es+" "+eu, code)
	}
	if err := rows.Err(); err != nil {
		return "", fmt.Errorf("ingest: municipality names: %w", err)
	}
	if len(whens) == 0 {
		// No reference geography loaded: the 88 municipalities of
		// Gipuzkoa that ship with Begira name the codes.
		shipped, err := shippedMunicipalities()
		if err != nil {
			return "", err
		}
		for _, m := range shipped {
			add(m[1], m[0])
			add(m[2], m[0])
			add(m[1]+" "+m[2], m[0])
			add(m[2]+" "+m[1], m[0])
		}
	}
	if len(whens) == 0 {
		return "", nil
	}
	return `CASE begira_key($CELL) ` + strings.Join(whens, " ") + ` END`, nil
}

// enumExpr reads an enum cell as its code: the code itself, or the code
// or any English, Spanish or Basque name of a value, or its Basque and
// Spanish names together, ignoring case and accents ("Activo", "AKTIBOA",
// "citizen story", "Aktiboa / Activo"). NULL when it is none.
func enumExpr(f Field, c string) string {
	codes := make([]string, len(f.Values))
	seen := map[string]bool{}
	var whens []string
	add := func(label, code string) {
		if k := key(label); k != "" && !seen[k] {
			seen[k] = true
			whens = append(whens, fmt.Sprintf(`WHEN %s THEN %s`, sqlString(k), sqlString(code)))
		}
	}
	for i, v := range f.Values {
		codes[i] = sqlString(v)
		add(v, v)
	}
	if f.Enum != "" {
		for _, lang := range []string{"en", "es", "eu"} {
			for _, v := range f.Values {
				add(i18n.Enum(lang, f.Enum, v), v)
			}
		}
		// Bilingual cells, as Gipuzkoa's forms write them: "Aktiboa /
		// Activo" (the separator is dropped by key).
		for _, v := range f.Values {
			eu, es := i18n.Enum("eu", f.Enum, v), i18n.Enum("es", f.Enum, v)
			add(eu+" "+es, v)
			add(es+" "+eu, v)
		}
	}
	return fmt.Sprintf(`CASE WHEN %[1]s IN (%[2]s) THEN %[1]s ELSE CASE begira_key(%[1]s) %[3]s END END`,
		c, strings.Join(codes, ", "), strings.Join(whens, " "))
}

// shippedMunicipalities reads code, Basque and Spanish name of the
// municipalities embedded with Begira (data/demo/municipalities.csv).
func shippedMunicipalities() ([][3]string, error) {
	f, err := data.Demo.Open("demo/municipalities.csv")
	if err != nil {
		return nil, fmt.Errorf("ingest: municipalities: %w", err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("ingest: municipalities: %w", err)
	}
	var out [][3]string
	for _, r := range recs[min(1, len(recs)):] {
		if len(r) >= 3 {
			out = append(out, [3]string{r[0], r[1], r[2]})
		}
	}
	return out, nil
}
