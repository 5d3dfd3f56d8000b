package ingest

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/begira/begira/internal/portfolio"
)

// sampleRows is how many rows the preview shows as they will be stored.
const sampleRows = 20

// sample reads the first rows of the staged file through the batch's
// reading, the same expressions the commit uses. The staged rows keep file
// order, so LIMIT takes the first without sorting the file.
func (s *Service) sample(ctx context.Context, b *portfolio.ImportBatch, st *staged, r *reading) error {
	var parts []string
	for _, f := range Fields(b.Kind) {
		if !st.has(f.Name) {
			continue
		}
		c := "s." + ident(f.Name)
		var e string
		switch f.Type {
		case typeNumber:
			e = r.number(f.Name, c)
		case typeInt:
			e = intExpr(c)
		case typeDate:
			e = fmt.Sprintf(`strftime(%s, '%%Y-%%m-%%d')`, r.date(f.Name, c))
		case typeEnum:
			e = enumExpr(f, c)
			// The commit gives an empty status its default.
			if f.Name == "status" {
				e = fmt.Sprintf(`coalesce(%s, %s)`, e, sqlString(map[string]string{KindProjects: "active", KindSignals: "new"}[b.Kind]))
			}
		case typeGeo:
			e = r.geo(c)
		case typeTerm:
			e = fmt.Sprintf(`(SELECT any_value(x.code) FROM %s x WHERE x.field = '%s' AND x.cell = %s)`, stagingTable(b.ID, "_terms"), f.Name, c)
		case typeTerms:
			e = fmt.Sprintf(`(SELECT list(x.code ORDER BY x.pos, x.code) FROM %s x WHERE x.field = '%s' AND x.cell = %s AND x.code IS NOT NULL)`,
				stagingTable(b.ID, "_terms"), f.Name, c)
		case typeOrgs, typeExtRefs:
			e = fmt.Sprintf(`list_filter(list_transform(string_split(%s, %s), v -> trim(v)), v -> v <> '')`, c, sqlString(listSeparator(b.Dialect)))
		default:
			e = c
		}
		// A rejected cell shows as NULL: it is not what will be stored.
		e = fmt.Sprintf(`CASE WHEN EXISTS (SELECT 1 FROM import_reject j WHERE j.batch_id = $batch AND j.line = s.line AND j.column_name = %s) THEN NULL ELSE %s END`,
			sqlString(st.header[f.Name]), e)
		parts = append(parts, fmt.Sprintf(`'%s': %s`, f.Name, e))
	}
	if len(parts) == 0 {
		return nil
	}
	rows, err := s.st.DB().QueryContext(ctx, fmt.Sprintf(`SELECT line, to_json({%s})::VARCHAR FROM (SELECT * FROM %s LIMIT %d) s ORDER BY line`,
		strings.Join(parts, ", "), st.table, sampleRows), sql.Named("batch", b.ID))
	if err != nil {
		return fmt.Errorf("ingest: sample rows: %w", err)
	}
	defer rows.Close()
	b.Sample = []portfolio.ImportSample{}
	for rows.Next() {
		var row portfolio.ImportSample
		var values string
		if err := rows.Scan(&row.Line, &values); err != nil {
			return fmt.Errorf("ingest: sample rows: %w", err)
		}
		if err := json.Unmarshal([]byte(values), &row.Values); err != nil {
			return fmt.Errorf("ingest: sample rows: %w", err)
		}
		b.Sample = append(b.Sample, row)
	}
	return rows.Err()
}
