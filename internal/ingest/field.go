package ingest

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/begira/begira/internal/i18n"
	"github.com/begira/begira/internal/portfolio"

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

// municipalityAliases name the municipality column in every kind.
var municipalityAliases = []string{"municipality", "ine", "ine_code", "codigo_municipio", "municipio", "udalerria", "udalerri_kodea",
	"codigo_ine", "ine_kodea", "cod_ine", "cod_municipio", "localidad", "herria"}

// fields lists the canonical columns of each kind (DOMAIN.md §4).
var fields = map[string][]Field{
	KindProjects: {
		{Name: "ext_ref", Type: typeText, Required: true, Aliases: []string{"ref", "reference", "id", "code", "referencia", "codigo", "erreferentzia", "kodea", "codigo_proyecto", "proiektuaren_kodea", "proiektu_kodea", "project_code", "project_id", "expediente", "numero_expediente", "nº_expediente", "id_proyecto", "espedientea", "espediente_zenbakia"}},
		{Name: "title", Type: typeText, Required: true, Aliases: []string{"name", "project", "titulo", "nombre", "proyecto", "izena", "izenburua", "proiektua", "titulo_proyecto", "nombre_proyecto", "proiektuaren_izena", "proiektuaren_izenburua", "project_title", "project_name", "denominacion", "izendapena"}},
		{Name: "summary", Type: typeText, Aliases: []string{"description", "resumen", "descripcion", "laburpena", "deskribapena", "descripcion_proyecto", "project_description", "proiektuaren_deskribapena"}},
		{Name: "pillars", Type: typeTerms, Scheme: "pillar", Aliases: []string{"pillar", "axis", "axes", "eje", "ejes", "ardatza", "ardatzak", "pilar", "pilares", "zutabea", "zutabeak"}},
		{Name: "challenges", Type: typeTerms, Scheme: "challenge", Aliases: []string{"challenge", "reto", "retos", "erronka", "erronkak"}},
		{Name: "levers", Type: typeTerms, Scheme: "lever", Aliases: []string{"lever", "palanca", "palancas", "palanka", "palankak"}},
		{Name: "level", Type: typeTerm, Scheme: "level", Aliases: []string{"level_of_action", "nivel", "nivel_de_accion", "maila", "ekintza_maila", "nivel_de_actuacion", "jarduera_maila"}},
		{Name: "stage", Type: typeTerm, Scheme: "stage", Aliases: []string{"fase", "etapa", "etapa_del_proyecto", "fasea", "fase_del_proyecto", "proiektuaren_fasea", "project_stage"}},
		{Name: "status", Type: typeEnum, Values: projectStatuses, Enum: "project_status", Aliases: []string{"estado", "egoera", "estado_del_proyecto", "situacion", "proiektuaren_egoera", "project_status"}},
		{Name: "facet", Type: typeTerm, Scheme: "facet", Aliases: []string{"faceta", "alderdia", "faceta_de_innovacion", "berrikuntza_alderdia", "innovation_facet"}},
		{Name: "horizon", Type: typeTerm, Scheme: "horizon", Aliases: []string{"horizonte", "horizontea", "tres_horizontes", "hiru_horizonteak", "three_horizons"}},
		{Name: "budget_total_eur", Type: typeNumber, Aliases: []string{"budget", "budget_eur", "total_budget", "presupuesto", "presupuesto_total", "aurrekontua", "aurrekontua_guztira", "importe_total", "coste_total", "coste", "total_cost", "aurrekontu_osoa"}},
		{Name: "public_funding_eur", Type: typeNumber, Aliases: []string{"public_funding", "financiacion_publica", "subvencion", "finantzaketa_publikoa", "diru_laguntza", "eu_contribution", "contribucion_ue", "ayuda_publica", "presupuesto_publico", "aportacion_publica", "subvencion_concedida", "ayuda_concedida", "importe_subvencion", "importe_concedido", "emandako_diru_laguntza"}},
		{Name: "funding_instrument", Type: typeText, Aliases: []string{"instrument", "instrumento", "instrumento_de_financiacion", "convocatoria", "tresna", "deialdia", "programa", "linea_de_ayuda", "finantzaketa_tresna"}},
		{Name: "start_date", Type: typeDate, Aliases: []string{"start", "fecha_inicio", "fecha_de_inicio", "inicio", "hasiera", "hasiera_data", "fecha_de_comienzo", "f_inicio", "hasiera_eguna"}},
		{Name: "end_date", Type: typeDate, Aliases: []string{"end", "fecha_fin", "fecha_de_fin", "fin", "amaiera", "amaiera_data", "fecha_finalizacion", "finalizacion", "fecha_final", "f_fin", "amaiera_eguna"}},
		{Name: "lead_org", Type: typeOrg, Aliases: []string{"lead", "lead_organisation", "lead_organization", "coordinator", "entidad_lider", "lider", "coordinador", "erakunde_burua", "koordinatzailea", "entidad_coordinadora", "erakunde_koordinatzailea", "lead_partner", "organizacion_lider", "entidad_solicitante", "entidad_beneficiaria", "beneficiario", "erakunde_eskatzailea", "erakunde_onuraduna", "onuraduna"}},
		{Name: "lead_org_type", Type: typeTerm, Scheme: "actor_type", Aliases: []string{"lead_type", "tipo_entidad", "tipo_de_entidad", "erakunde_mota", "tipo_entidad_lider", "tipo_entidad_coordinadora", "erakunde_burua_mota", "lead_organisation_type"}},
		{Name: "partners", Type: typeOrgs, Aliases: []string{"partner", "socios", "participantes", "bazkideak", "partaideak", "entidades_participantes", "participants", "erakunde_partaideak", "entidades_colaboradoras", "colaboradores", "erakunde_parte_hartzaileak", "erakunde_laguntzaileak"}},
		{Name: "municipality_code", Type: typeGeo, Aliases: municipalityAliases},
		{Name: "lat", Type: typeNumber, Aliases: []string{"latitude", "latitud", "latitudea"}},
		{Name: "lon", Type: typeNumber, Aliases: []string{"lng", "long", "longitude", "longitud", "longitudea"}},
		{Name: "intent", Type: typeText, Aliases: []string{"purpose", "intencion", "proposito", "asmoa", "helburua", "objetivo"}},
		{Name: "updated_at", Type: typeDate, Aliases: []string{"updated", "last_updated", "actualizado", "fecha_actualizacion", "eguneratua", "ultima_actualizacion", "azken_eguneraketa", "ultima_modificacion", "fecha_de_modificacion", "eguneratze_data"}},
	},
	KindOrganisations: {
		{Name: "ext_ref", Type: typeText, Aliases: []string{"ref", "reference", "id", "code", "referencia", "codigo", "erreferentzia", "kodea"}},
		{Name: "name", Type: typeText, Required: true, Aliases: []string{"organisation", "organization", "nombre", "entidad", "organizacion", "izena", "erakundea", "nombre_entidad", "razon_social", "erakundearen_izena", "organisation_name", "beneficiary_name", "beneficiary", "beneficiario", "onuraduna", "denominacion", "denominacion_social", "izendapena"}},
		{Name: "actor_type", Type: typeTerm, Scheme: "actor_type", Aliases: []string{"type", "tipo", "tipo_de_actor", "tipo_entidad", "mota", "eragile_mota", "erakunde_mota", "tipologia", "tipo_de_organizacion"}},
		{Name: "size_class", Type: typeEnum, Values: []string{"micro", "small", "medium", "large"}, Enum: "size_class", Aliases: []string{"size", "tamano", "tamaño", "tamaina", "tamano_de_empresa", "enpresaren_tamaina", "enpresa_tamaina"}},
		{Name: "founded_year", Type: typeInt, Aliases: []string{"founded", "year_founded", "ano_fundacion", "fundacion", "sortze_urtea", "ano_de_constitucion", "sorrera_urtea"}},
		{Name: "municipality_code", Type: typeGeo, Aliases: municipalityAliases},
	},
	KindSignals: {
		{Name: "ext_ref", Type: typeText, Required: true, Aliases: []string{"ref", "reference", "id", "code", "referencia", "codigo", "erreferentzia", "kodea"}},
		{Name: "headline", Type: typeText, Required: true, Aliases: []string{"title", "titular", "titulo", "izenburua", "titularra"}},
		{Name: "description", Type: typeText, Aliases: []string{"summary", "descripcion", "deskribapena"}},
		{Name: "url", Type: typeText, Aliases: []string{"link", "enlace", "esteka"}},
		{Name: "source_type", Type: typeEnum, Values: []string{"news", "research", "policy", "citizen_story", "expert", "workshop", "project_report", "indicator", "other"}, Enum: "source_type", Aliases: []string{"source", "tipo_fuente", "fuente", "iturria", "iturri_mota"}},
		{Name: "observed_at", Type: typeDate, Required: true, Aliases: []string{"date", "observed", "fecha", "fecha_observacion", "data", "behatua", "behaketa_data", "observed_on", "observation_date"}},
		{Name: "status", Type: typeEnum, Values: []string{"draft", "new", "approved", "archived"}, Enum: "signal_status", Aliases: []string{"estado", "egoera"}},
		{Name: "novelty", Type: typeInt, Aliases: []string{"novedad", "berritasuna", "grado_de_novedad", "berritasun_maila"}},
		{Name: "level_observed", Type: typeTerm, Scheme: "level", Aliases: []string{"level", "nivel", "nivel_observado", "maila", "behatutako_maila"}},
		{Name: "observer_actor_type", Type: typeTerm, Scheme: "actor_type", Aliases: []string{"observer", "observer_type", "tipo_observador", "behatzaile_mota", "observador", "behatzailea"}},
		{Name: "signal_type", Type: typeEnum, Values: []string{"weak_signal", "emerging_issue", "trend_evidence", "wild_card"}, Enum: "signal_type", Aliases: []string{"type", "tipo", "tipo_de_senal", "seinale_mota", "mota"}},
		{Name: "sentiment", Type: typeEnum, Values: []string{"positive", "negative", "mixed"}, Enum: "sentiment", Aliases: []string{"sentimiento", "tonua", "tono", "sentimendua"}},
		{Name: "steep", Type: typeTerm, Scheme: "steep", Aliases: []string{"steepv", "dimension", "dimensioa", "dimension_steep", "steep_dimentsioa", "steep_dimension"}},
		{Name: "challenges", Type: typeTerms, Scheme: "challenge", Aliases: []string{"challenge", "reto", "retos", "erronka", "erronkak"}},
		{Name: "levers", Type: typeTerms, Scheme: "lever", Aliases: []string{"lever", "palanca", "palancas", "palanka", "palankak"}},
		{Name: "pillars", Type: typeTerms, Scheme: "pillar", Aliases: []string{"pillar", "axis", "eje", "ejes", "ardatza", "ardatzak"}},
		{Name: "municipality_code", Type: typeGeo, Aliases: municipalityAliases},
		{Name: "projects", Type: typeExtRefs, Aliases: []string{"project", "linked_projects", "proyectos", "proiektuak", "proyectos_vinculados", "lotutako_proiektuak", "proyectos_relacionados"}},
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

// stopWords are the words headers carry that say nothing about the field
// ("Fecha de inicio", "Nombre de la entidad", "Total budget (EUR)"):
// headers and aliases are compared without them.
var stopWords = map[string]bool{
	"de": true, "del": true, "la": true, "el": true, "las": true, "los": true, "en": true, "y": true, "e": true,
	"of": true, "the": true, "eta": true, "eur": true, "euros": true, "euro": true,
}

// aliasKey is key(s) without stop words.
func aliasKey(s string) string {
	var kept []string
	for _, w := range strings.Split(key(s), "_") {
		if w != "" && !stopWords[w] {
			kept = append(kept, w)
		}
	}
	return strings.Join(kept, "_")
}

// mapHeaders maps file headers to canonical fields: the explicit mapping
// first (header → field), then a header that is a field's own name, then
// one that is an alias (ignoring case, accents and stop words). A field is
// taken by one header; another header naming it is left unmapped, with a
// warning that says which one was used.
func mapHeaders(kind string, headers []string, explicit map[string]string) ([]portfolio.ImportColumn, []portfolio.ImportWarning) {
	byName, byAlias := map[string]string{}, map[string]string{}
	for _, f := range fields[kind] {
		byName[key(f.Name)] = f.Name
		for _, a := range append([]string{f.Name}, f.Aliases...) {
			if _, dup := byAlias[aliasKey(a)]; !dup {
				byAlias[aliasKey(a)] = f.Name
			}
		}
	}
	// The names the wizard and the pages give the fields, in the three
	// languages ("Organización líder", "Noiz behatua"), are headers too:
	// an analyst copies them into a template.
	for _, f := range fields[kind] {
		for _, lang := range []string{"en", "es", "eu"} {
			if l := aliasKey(i18n.T(lang, "field."+f.Name)); l != "" && i18n.Has("field."+f.Name) {
				if _, dup := byAlias[l]; !dup {
					byAlias[l] = f.Name
				}
			}
		}
	}
	taken := map[string]int{} // field → index of the header taking it
	cols := make([]portfolio.ImportColumn, len(headers))
	for i, h := range headers {
		cols[i].Header = h
		if f, ok := explicit[h]; ok {
			cols[i].Field = f
			taken[f] = i
		}
	}
	var warnings []portfolio.ImportWarning
	for pass, lookup := range []func(string) string{
		func(h string) string { return byName[key(h)] },
		func(h string) string { return byAlias[aliasKey(h)] },
		// A bilingual header ("Aurrekontua / Presupuesto (€)", or the two
		// languages on two lines of the cell) names its field in each
		// language: it maps when its parts name one field and no other.
		func(h string) string {
			f := ""
			for _, p := range strings.FieldsFunc(h, func(r rune) bool { return r == '/' || r == '\n' }) {
				g := cmpOr(byName[key(p)], byAlias[aliasKey(p)])
				if g != "" && f != "" && g != f {
					return ""
				}
				f = cmpOr(f, g)
			}
			return f
		},
	} {
		for i, h := range headers {
			if _, ok := explicit[h]; ok || cols[i].Field != "" {
				continue
			}
			f := lookup(h)
			if f == "" {
				continue
			}
			if j, ok := taken[f]; ok {
				if pass == 2 { // the last pass: every lookup has had its turn
					warnings = append(warnings, portfolio.ImportWarning{Code: WarnHeaderTwice, Column: h, Message: fmt.Sprintf(
						"columns %q and %q both name %s: %q is used and %q is ignored; give a mapping to choose",
						headers[j], h, f, headers[j], h)})
				}
				continue
			}
			cols[i].Field = f
			taken[f] = i
		}
	}
	return cols, warnings
}

// duplicateHeader refuses a header row in which one header appears twice:
// which of the two columns holds the data is anyone's guess. Headers that
// differ only in case ("Estado", "ESTADO") are the same header: the file
// reader renames the second one ("ESTADO_1"), which then maps to nothing
// and its values would be dropped.
func duplicateHeader(headers []string) error {
	first := map[string]int{}
	for i, h := range headers {
		k := strings.TrimSpace(h)
		if k == "" {
			continue
		}
		if j, ok := first[strings.ToLower(k)]; ok {
			msg := fmt.Sprintf("the header %q appears twice, in columns %d and %d: rename or remove one of them", k, j+1, i+1)
			if prev := strings.TrimSpace(headers[j]); prev != k {
				msg = fmt.Sprintf("the headers %q (column %d) and %q (column %d) differ only in case, so they are the same header: rename or remove one of them",
					prev, j+1, k, i+1)
			}
			return &portfolio.Error{Code: portfolio.EINVALID, Details: []string{headers[j], h}, Message: msg}
		}
		first[strings.ToLower(k)] = i
	}
	return nil
}
