package ingest_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/begira/begira/internal/ingest"
	"github.com/begira/begira/internal/portfolio"
)

// The preview shows the first rows as they will be stored: typed values,
// matched term codes, rejected cells as null; and keeps them with the
// batch.
func TestPreviewSampleIsWhatWillBeStored(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	body := "ext_ref;title;ejes;nivel;presupuesto;fecha_inicio;estado;socios\n" +
		"S-1;Uno;Cohesión social|decarbonisation;Acción comunitaria;1.234,56;15/01/2024;Activo;Alpha | Beta\n" +
		"S-2;Dos;adaptation;regulation;no;16/01/2024;;\n"
	b := e.mustPreview(t, e.req(e.write(t, "s.csv", body), ingest.KindProjects, ingest.ModeAppend))
	again, err := e.ing.Batch(context.Background(), b.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, batch := range []*portfolio.ImportBatch{b, again} {
		if len(batch.Sample) != 2 {
			t.Fatalf("sample %+v, want 2 rows", batch.Sample)
		}
		got := fmt.Sprint(batch.Sample[0].Line, " ", batch.Sample[0].Values)
		want := "2 map[budget_total_eur:1234.56 ext_ref:S-1 level:community partners:[Alpha Beta] pillars:[social_cohesion decarbonisation] start_date:2024-01-15 status:active title:Uno]"
		if got != want {
			t.Errorf("row 1:\n got %s\nwant %s", got, want)
		}
		if v := batch.Sample[1].Values; v["budget_total_eur"] != nil || v["status"] != "active" || v["start_date"] != "2024-01-16" {
			t.Errorf("row 2: %v, want the rejected budget as null and the empty status as its default", v)
		}
	}
}
