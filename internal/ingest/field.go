package ingest

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Field types decide how a cell is validated and stored.
const (
	typeText    = "text"
	typeNumber  = "number"
	typeInt     = "int"
	typeDate    = "date"
	typeEnum    = "enum"    // one of Values
	typeTerm    = "term"    // one term of Scheme
	typeTerms   = "terms"   // several terms of Scheme
	typeGeo     = "geo"     // INE municipality code, a 5-character string
	typeOrg     = "org"     // an organisation name
	typeOrgs    = "orgs"    // several organisation names
	typeExtRefs = "extrefs" // ext_refs of projects
)

// Field is one canonical column of an import kind.
type Field struct {
	Name     string
	Type     string
	Required bool
	Scheme   string   // for term(s)
	Values   []string // for enum
	Enum     string   // for enum: the i18n kind naming its values (i18n.Enum), so that Spanish and Basque names are read
	Aliases  []string // English, Spanish and Basque headers, compared by key()
}

// Kinds of import.
const (
	KindProjects      = "projects"
	KindOrganisations = "organisations"
	KindSignals       = "signals"
)

var projectStatuses = []string{"planned", "active", "paused", "completed", "stopped"}

// fields lists the canonical columns of each kind (DOMAIN.md §4).
var fields = map[string][]Field{
	KindProjects: {
		{Name: "ext_ref", Type: typeText, Required: true, Aliases: []string{"ref", "reference", "id", "code", "referencia", "codigo", "erreferentzia", "kodea"}},
		{Name: "title", Type: typeText, Required: true, Aliases: []string{"name", "project", "titulo", "nombre", "proyecto", "izena", "izenburua", "proiektua"}},
		{Name: "summary", Type: typeText, Aliases: []string{"description", "resumen", "descripcion", "laburpena", "deskribapena"}},
		{Name: "pillars", Type: typeTerms, Scheme: "pillar", Aliases: []string{"pillar", "axis", "axes", "eje", "ejes", "ardatza", "ardatzak"}},
		{Name: "challenges", Type: typeTerms, Scheme: "challenge", Aliases: []string{"challenge", "reto", "retos", "erronka", "erronkak"}},
		{Name: "levers", Type: typeTerms, Scheme: "lever", Aliases: []string{"lever", "palanca", "palancas", "palanka", "palankak"}},
		{Name: "level", Type: typeTerm, Scheme: "level", Aliases: []string{"level_of_action", "nivel", "nivel_de_accion", "maila", "ekintza_maila"}},
		{Name: "stage", Type: typeTerm, Scheme: "stage", Aliases: []string{"fase", "etapa", "etapa_del_proyecto", "fasea"}},
		{Name: "status", Type: typeEnum, Values: projectStatuses, Enum: "project_status", Aliases: []string{"estado", "egoera"}},
		{Name: "facet", Type: typeTerm, Scheme: "facet", Aliases: []string{"faceta", "alderdia"}},
		{Name: "horizon", Type: typeTerm, Scheme: "horizon", Aliases: []string{"horizonte", "horizontea"}},
		{Name: "budget_total_eur", Type: typeNumber, Aliases: []string{"budget", "budget_eur", "total_budget", "presupuesto", "presupuesto_total", "aurrekontua", "aurrekontua_guztira"}},
		{Name: "public_funding_eur", Type: typeNumber, Aliases: []string{"public_funding", "financiacion_publica", "subvencion", "finantzaketa_publikoa", "diru_laguntza"}},
		{Name: "funding_instrument", Type: typeText, Aliases: []string{"instrument", "instrumento", "instrumento_de_financiacion", "convocatoria", "tresna", "deialdia"}},
		{Name: "start_date", Type: typeDate, Aliases: []string{"start", "fecha_inicio", "fecha_de_inicio", "inicio", "hasiera", "hasiera_data"}},
		{Name: "end_date", Type: typeDate, Aliases: []string{"end", "fecha_fin", "fecha_de_fin", "fin", "amaiera", "amaiera_data"}},
		{Name: "lead_org", Type: typeOrg, Aliases: []string{"lead", "lead_organisation", "lead_organization", "coordinator", "entidad_lider", "lider", "coordinador", "erakunde_burua", "koordinatzailea"}},
		{Name: "lead_org_type", Type: typeTerm, Scheme: "actor_type", Aliases: []string{"lead_type", "tipo_entidad", "tipo_de_entidad", "erakunde_mota"}},
		{Name: "partners", Type: typeOrgs, Aliases: []string{"partner", "socios", "participantes", "bazkideak", "partaideak"}},
		{Name: "municipality_code", Type: typeGeo, Aliases: []string{"municipality", "ine", "ine_code", "codigo_municipio", "municipio", "udalerria", "udalerri_kodea"}},
		{Name: "lat", Type: typeNumber, Aliases: []string{"latitude", "latitud", "latitudea"}},
		{Name: "lon", Type: typeNumber, Aliases: []string{"lng", "longitude", "longitud", "longitudea"}},
		{Name: "intent", Type: typeText, Aliases: []string{"purpose", "intencion", "proposito", "asmoa", "helburua"}},
		{Name: "updated_at", Type: typeDate, Aliases: []string{"updated", "last_updated", "actualizado", "fecha_actualizacion", "eguneratua"}},
	},
	KindOrganisations: {
		{Name: "ext_ref", Type: typeText, Aliases: []string{"ref", "reference", "id", "code", "referencia", "codigo", "erreferentzia", "kodea"}},
		{Name: "name", Type: typeText, Required: true, Aliases: []string{"organisation", "organization", "nombre", "entidad", "organizacion", "izena", "erakundea"}},
		{Name: "actor_type", Type: typeTerm, Scheme: "actor_type", Aliases: []string{"type", "tipo", "tipo_de_actor", "tipo_entidad", "mota", "eragile_mota"}},
		{Name: "size_class", Type: typeEnum, Values: []string{"micro", "small", "medium", "large"}, Enum: "size_class", Aliases: []string{"size", "tamano", "tamaño", "tamaina"}},
		{Name: "founded_year", Type: typeInt, Aliases: []string{"founded", "year_founded", "ano_fundacion", "fundacion", "sortze_urtea"}},
		{Name: "municipality_code", Type: typeGeo, Aliases: []string{"municipality", "ine", "ine_code", "codigo_municipio", "municipio", "udalerria", "udalerri_kodea"}},
	},
	KindSignals: {
		{Name: "ext_ref", Type: typeText, Required: true, Aliases: []string{"ref", "reference", "id", "code", "referencia", "codigo", "erreferentzia", "kodea"}},
		{Name: "headline", Type: typeText, Required: true, Aliases: []string{"title", "titular", "titulo", "izenburua", "titularra"}},
		{Name: "description", Type: typeText, Aliases: []string{"summary", "descripcion", "deskribapena"}},
		{Name: "url", Type: typeText, Aliases: []string{"link", "enlace", "esteka"}},
		{Name: "source_type", Type: typeEnum, Values: []string{"news", "research", "policy", "citizen_story", "expert", "workshop", "project_report", "indicator", "other"}, Enum: "source_type", Aliases: []string{"source", "tipo_fuente", "fuente", "iturria", "iturri_mota"}},
		{Name: "observed_at", Type: typeDate, Required: true, Aliases: []string{"date", "observed", "fecha", "fecha_observacion", "data", "behatua"}},
		{Name: "status", Type: typeEnum, Values: []string{"draft", "new", "approved", "archived"}, Enum: "signal_status", Aliases: []string{"estado", "egoera"}},
		{Name: "novelty", Type: typeInt, Aliases: []string{"novedad", "berritasuna"}},
		{Name: "level_observed", Type: typeTerm, Scheme: "level", Aliases: []string{"level", "nivel", "nivel_observado", "maila"}},
		{Name: "observer_actor_type", Type: typeTerm, Scheme: "actor_type", Aliases: []string{"observer", "observer_type", "tipo_observador", "behatzaile_mota"}},
		{Name: "signal_type", Type: typeEnum, Values: []string{"weak_signal", "emerging_issue", "trend_evidence", "wild_card"}, Enum: "signal_type", Aliases: []string{"type", "tipo", "tipo_de_senal", "seinale_mota", "mota"}},
		{Name: "sentiment", Type: typeEnum, Values: []string{"positive", "negative", "mixed"}, Enum: "sentiment", Aliases: []string{"sentimiento", "tonua"}},
		{Name: "steep", Type: typeTerm, Scheme: "steep", Aliases: []string{"steepv", "dimension", "dimensioa"}},
		{Name: "challenges", Type: typeTerms, Scheme: "challenge", Aliases: []string{"challenge", "reto", "retos", "erronka", "erronkak"}},
		{Name: "levers", Type: typeTerms, Scheme: "lever", Aliases: []string{"lever", "palanca", "palancas", "palanka", "palankak"}},
		{Name: "pillars", Type: typeTerms, Scheme: "pillar", Aliases: []string{"pillar", "axis", "eje", "ejes", "ardatza", "ardatzak"}},
		{Name: "municipality_code", Type: typeGeo, Aliases: []string{"municipality", "ine", "ine_code", "codigo_municipio", "municipio", "udalerria", "udalerri_kodea"}},
		{Name: "projects", Type: typeExtRefs, Aliases: []string{"project", "linked_projects", "proyectos", "proiektuak"}},
	},
}

// Fields returns the canonical columns of kind, or nil for an unknown kind.
func Fields(kind string) []Field { return fields[kind] }

// key normalises a header or a label for matching: accents and case are
// dropped, runs of spaces, dots, dashes and slashes become one '_'.
func key(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	s, _, _ = transform.String(t, strings.ToLower(strings.TrimSpace(s)))
	var b strings.Builder
	sep := false
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if sep && b.Len() > 0 {
				b.WriteByte('_')
			}
			b.WriteRune(r)
			sep = false
		} else {
			sep = true
		}
	}
	return b.String()
}

// Column is one header of a file and the field it maps to ("" = unmapped).
type Column struct {
	Header string `json:"header"`
	Field  string `json:"field"`
	// The convention of a number column (Decimal, Thousands) or a date
	// column (DateFormat), and how it was settled (Decided): "given" by
	// the analyst, read from the column's "values", the only reading
	// within the field's "range", the "file"'s when no value decides, or
	// "ambiguous": values read both ways and nothing decides, so the
	// commit waits for the analyst's choice.
	Decimal    string `json:"decimal,omitempty"`
	Thousands  string `json:"thousands,omitempty"`
	DateFormat string `json:"date_format,omitempty"`
	Decided    string `json:"decided,omitempty"`
}

// How a column's convention was settled (Column.Decided).
const (
	DecidedGiven     = "given"
	DecidedValues    = "values"
	DecidedRange     = "range"
	DecidedFile      = "file"
	DecidedAmbiguous = "ambiguous"
)

// mapHeaders maps file headers to canonical fields: explicit mapping first
// (header → field), then the field name, then its aliases. A field is taken
// by at most one header.
func mapHeaders(kind string, headers []string, explicit map[string]string) []Column {
	byKey := map[string]string{}
	for _, f := range fields[kind] {
		byKey[key(f.Name)] = f.Name
		for _, a := range f.Aliases {
			if _, dup := byKey[key(a)]; !dup {
				byKey[key(a)] = f.Name
			}
		}
	}
	taken := map[string]bool{}
	cols := make([]Column, len(headers))
	for i, h := range headers {
		cols[i].Header = h
		if f, ok := explicit[h]; ok {
			cols[i].Field = f
			taken[f] = true
		}
	}
	for i, h := range headers {
		if _, ok := explicit[h]; ok {
			continue
		}
		if f := byKey[key(h)]; f != "" && !taken[f] {
			cols[i].Field = f
			taken[f] = true
		}
	}
	return cols
}
