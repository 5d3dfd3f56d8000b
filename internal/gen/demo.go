package gen

// The demo mission's data (data/demo/*.csv), written by WriteDemo.
//
// The output is deterministic: a fixed seed and a fixed reference date ("now" = 2026-11-01).
// The dataset is built to tell a story (see printSummary): a gap at regulation × adaptation,
// a dense food cluster, an emerging water theme that no project answers, two comarcas left out,
// an early-skewed pipeline and a burst of mobility signals.

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

var (
	demoMu  sync.Mutex // WriteDemo's state is global: one run at a time
	demoRNG *rand.Rand
	now     = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	outDir  string
	summary io.Writer
	failed  bool
)

// ---------------------------------------------------------------- random helpers

// pick returns one item, chosen with the given integer weights.
func pickWeighted[T any](items []T, weights []int) T {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := demoRNG.IntN(total)
	for i, w := range weights {
		if n < w {
			return items[i]
		}
		n -= w
	}
	panic("unreachable")
}

func one[T any](items []T) T { return items[demoRNG.IntN(len(items))] }

// pickDistinct returns n distinct weighted choices (n is capped by the number of items).
func pickDistinct(items []string, weights []int, n int) []string {
	var out []string
	for len(out) < n && len(out) < len(items) {
		v := pickWeighted(items, weights)
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

func between(lo, hi int) int { return lo + demoRNG.IntN(hi-lo+1) }

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func randDate(from, to time.Time) time.Time {
	days := int(to.Sub(from).Hours() / 24)
	return from.AddDate(0, 0, demoRNG.IntN(days+1))
}

func iso(t time.Time) string { return t.Format("2006-01-02") }

func money(v float64) string { return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64) }

func coord(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// municipality pickers: weighted by the square root of the population.
func pickMuni(allowed func(municipality) bool) municipality {
	var items []municipality
	var weights []int
	for _, m := range municipalities {
		if allowed == nil || allowed(m) {
			items = append(items, m)
			weights = append(weights, int(math.Sqrt(float64(m.population))))
		}
	}
	return pickWeighted(items, weights)
}

// leftOut are the comarcas where, by construction, no project of the demo
// is located.
var leftOut = []string{"E11", "E39"}

func projectPlace(m municipality) bool { return !slices.Contains(leftOut, m.comarca) }

// ---------------------------------------------------------------- taxonomies (codes only; labels live in mission.yaml)

var (
	pillars     = []string{"social_cohesion", "decarbonisation", "adaptation"}
	levels      = []string{"community", "startup", "large_scale", "public_service", "regulation"}
	challenges7 = []string{"food", "mobility", "energy", "circular_industry", "care_ageing", "work_skills", "culture_language"}
	levers      = []string{"governance_policy", "finance_investment", "technology_data", "learning_capabilities", "participation", "social_innovation", "business_models", "culture_narratives"}
	stages      = []string{"explore", "design", "pilot", "demonstrate", "scale", "embed"}
	facets      = []string{"mission", "enhancement", "adaptive", "anticipatory"}
	horizons    = []string{"H1", "H2", "H3"}
	steeps      = []string{"social", "technological", "economic", "environmental", "political", "values"}
)

var challengeEN = map[string]string{
	"food": "sustainable and healthy food", "mobility": "new mobility", "energy": "energy",
	"circular_industry": "circular industry", "care_ageing": "care and ageing", "work_skills": "work and skills",
	"culture_language": "culture and language", "water": "water and drought resilience",
}

var leverEN = map[string]string{
	"governance_policy": "governance and policy", "finance_investment": "finance and investment",
	"technology_data": "technology and data", "learning_capabilities": "learning and capabilities",
	"participation": "citizen participation", "social_innovation": "social innovation",
	"business_models": "new business models", "culture_narratives": "culture and narratives",
}

var actorEN = map[string]string{
	"public_admin": "public administration", "public_company": "public company", "development_agency": "development agency",
	"large_company": "large company", "sme": "SME", "startup": "startup", "cooperative": "cooperative",
	"university": "university", "tech_centre": "technology centre", "foundation": "foundation",
	"association_ngo": "association", "community_group": "community group",
}

// ---------------------------------------------------------------- organisations

type org struct {
	ref, name, actorType, size string
	founded                    int
	muni                       string
}

// Hand-written organisations (invented, except the public administrations). muni "" = chosen at random.
var orgSeeds = []struct{ name, actorType, muni string }{
	{"Gipuzkoako Foru Aldundia", "public_admin", "20069"}, {"Donostiako Udala", "public_admin", "20069"},
	{"Eibarko Udala", "public_admin", "20030"}, {"Arrasateko Udala", "public_admin", "20055"},
	{"Zarauzko Udala", "public_admin", "20079"}, {"Beasaingo Udala", "public_admin", "20019"},
	{"Azpeitiko Udala", "public_admin", "20018"}, {"Oñatiko Udala", "public_admin", "20059"},
	{"Errenteriako Udala", "public_admin", "20067"}, {"Hernaniko Udala", "public_admin", "20040"},
	{"Zumaiako Udala", "public_admin", "20081"}, {"Legazpiko Udala", "public_admin", "20051"},
	{"Elgoibarko Udala", "public_admin", "20032"}, {"Bergarako Udala", "public_admin", "20074"},
	{"Ordiziako Udala", "public_admin", "20076"}, {"Tolosako Udala", "public_admin", "20071"},
	{"Irungo Udala", "public_admin", "20045"}, {"Zestoako Udala", "public_admin", "20027"},
	{"Usurbilgo Udala", "public_admin", "20073"}, {"Mutrikuko Udala", "public_admin", "20056"},
	{"Ayuntamiento de Lasarte-Oria", "public_admin", "20902"},
	{"Mancomunidad de Servicios del Urola Medio", "public_admin", "20017"},
	{"Debabarreneko Mankomunitatea", "public_admin", "20030"},
	{"Gipuzkoa Ur Zerbitzuak", "public_company", "20069"}, {"Lurralde Garraio Partzuergoa", "public_company", "20069"},
	{"Gipuzkoa Energia Publikoa S.A.", "public_company", "20069"},
	{"Donostia Mugikortasun Zerbitzuak S.A.", "public_company", "20069"},
	{"Hondakin Kudeaketa Gipuzkoa", "public_company", "20009"},
	{"Sociedad Pública de Vivienda Etxegintza", "public_company", "20069"},
	{"Debagoiena Berrikuntza Sozietatea", "public_company", "20055"},
	{"Bizikleta Publikoa Zerbitzua S.A.", "public_company", "20069"},
	{"Goierri Garapen Agentzia", "development_agency", "20019"},
	{"Debabarrena Garapen Agentzia", "development_agency", "20030"},
	{"Debagoiena Garapen Agentzia", "development_agency", "20055"},
	{"Donostialdea Ekintzailetza Agentzia", "development_agency", "20069"},
	{"Urola Kosta Garapen Elkartea", "development_agency", "20079"},
	{"Oarsoaldea Berrikuntza Agentzia", "development_agency", "20067"},
	{"Tolosaldea Garapen Agentzia", "development_agency", "20071"},
	{"Bidasoa Bizirik Agentzia", "development_agency", "20045"},
	{"Urola Garaia Ekimena", "development_agency", "20080"},
	{"Aceros del Deba S.A.", "large_company", "20032"}, {"Industrias Zubieta S.A.", "large_company", "20073"},
	{"Gipuzkoa Wind Power S.A.", "large_company", ""},
	{"Ferrocarriles Urola Ingeniería S.A.", "large_company", "20018"},
	{"Papelera del Oria S.A.", "large_company", "20009"}, {"Conservas Nuñez S.A.", "large_company", "20039"},
	{"Construcciones Arrieta S.A.", "large_company", ""}, {"Beasain Rail Systems S.A.", "large_company", "20019"},
	{"Kantauri Logistics S.A.", "large_company", "20064"}, {"Electrodomésticos Ibáñez S.A.", "large_company", "20055"},
	{"Elkano Lift Systems S.Coop.", "large_company", "20040"},
	{"Txingudi Energia S.L.", "sme", "20045"}, {"Talleres Ibáñez S.L.", "sme", ""}, {"Cerámicas Muñoa S.L.", "sme", ""},
	{"Egurra Zurgintza S.L.", "sme", ""}, {"Baserri Esnekiak S.L.", "sme", ""},
	{"Goierri Mekanizatuak S.L.", "sme", "20051"}, {"Urola Solar Instalaciones S.L.", "sme", "20081"},
	{"Ingeniería Larrañaga S.L.", "sme", ""}, {"Deba Moldeak S.L.", "sme", "20029"},
	{"Itsaso Arrantza S.L.", "sme", "20056"}, {"Ostalaritza Gipuzkoa S.L.", "sme", ""},
	{"Ekoetxe Eraikuntzak S.L.", "sme", ""}, {"Gráficas Zurriola S.L.", "sme", "20069"},
	{"Panadería Goñi S.L.", "sme", ""}, {"Sidrería Aranburu S.L.", "sme", "20903"},
	{"Txakoli Getariako Mahastiak S.L.", "sme", "20039"}, {"Transportes Eizagirre S.L.", "sme", ""},
	{"Oria Berziklapena S.L.", "sme", ""}, {"Informática Andoain S.L.", "sme", "20009"},
	{"Kalitate Aholkularitza S.L.", "sme", ""},
	{"Mugi Lab", "startup", ""}, {"Hazia Tech", "startup", ""}, {"Berdea Analytics S.L.", "startup", ""},
	{"Ekitek Energy", "startup", ""}, {"Zirkular Labs", "startup", ""}, {"Datuz Insights", "startup", ""},
	{"Bizikide App", "startup", ""}, {"Kutxabot Robotics", "startup", ""}, {"Olatu Energia", "startup", ""},
	{"Harrobi Biomaterials", "startup", ""}, {"Elikabide Foodtech", "startup", ""}, {"Txiki Mobility", "startup", ""},
	{"Lurra Sensors", "startup", ""}, {"Adinberri Care Tech", "startup", ""}, {"Euskaltech Voice", "startup", ""},
	{"Sarea Platform S.L.", "startup", ""},
	{"Elikagaiak Kooperatiba", "cooperative", "20076"}, {"Argindar Kooperatiba", "cooperative", ""},
	{"Baserritarren Kooperatiba", "cooperative", "20018"}, {"Ekoizle Sarea Kooperatiba", "cooperative", ""},
	{"Zaintza Kooperatiba", "cooperative", ""}, {"Mugi Kooperatiba Elkartea", "cooperative", ""},
	{"Lanbide Berri S.Coop.", "cooperative", ""}, {"Kontsumo Arduratsua S.Coop.", "cooperative", ""},
	{"Energia Herritarra S.Coop.", "cooperative", ""}, {"Goierri Esnegileak S.Coop.", "cooperative", "20043"},
	{"Itzulpen Zerbitzuak S.Coop.", "cooperative", ""},
	{"Gipuzkoako Unibertsitate Teknikoa", "university", "20069"}, {"Universidad del Deba", "university", "20030"},
	{"Debagoiena Unibertsitatea", "university", "20055"}, {"Donostia Business School", "university", "20069"},
	{"Escuela Politécnica de Zubieta", "university", "20073"}, {"Ikaskuntza Goi Eskola", "university", "20059"},
	{"Ikergai Zentro Teknologikoa", "tech_centre", "20055"}, {"Centro Tecnológico Aztiker", "tech_centre", "20069"},
	{"Biozentro Gipuzkoa", "tech_centre", "20069"},
	{"Energia Berriztagarrien Ikerketa Zentroa", "tech_centre", "20069"},
	{"Elika Food Research Centre", "tech_centre", "20018"}, {"Zientzia Parke Teknologikoa", "tech_centre", "20069"},
	{"Centro de Fabricación Avanzada del Goierri", "tech_centre", "20019"},
	{"Fundación Ekin Berria", "foundation", ""}, {"Fundación Añorga Berri", "foundation", "20069"},
	{"Fundación Peña Goikoa", "foundation", ""}, {"Adinkide Fundazioa", "foundation", ""},
	{"Fundación Zahartzaroa", "foundation", "20069"}, {"Kultur Ondarea Fundazioa", "foundation", ""},
	{"Fundación Gizalde", "foundation", ""}, {"Itsas Fundazioa", "foundation", "20061"},
	{"Fundación Urkiola Berdea", "foundation", ""},
	{"Asociación Txoko Niñas y Niños", "association_ngo", ""}, {"Hitzetik Euskara Elkartea", "association_ngo", ""},
	{"Bizikletaz Elkartea", "association_ngo", "20069"}, {"Ekologistak Gipuzkoan", "association_ngo", ""},
	{"Asociación de Mayores Zahar Berri", "association_ngo", ""},
	{"Emakume Ekintzaileak Elkartea", "association_ngo", ""},
	{"Asociación Ciudadana Oria Bizirik", "association_ngo", ""},
	{"Baratze Sarea Elkartea", "association_ngo", "20018"}, {"Harrera Sarea Elkartea", "association_ngo", ""},
	{"Gazte Sortzaileak Elkartea", "association_ngo", ""},
	{"Kontsumitzaileen Elkartea Gipuzkoa", "association_ngo", "20069"},
	{"Asociación Cultural Señora Mari", "association_ngo", ""},
	{"Auzo Sarea Egia", "community_group", "20069"}, {"Amara Berri Auzo Elkartea", "community_group", "20069"},
	{"Grupo de consumo Altza", "community_group", "20069"}, {"Intxaurrondo Auzo Ekimena", "community_group", "20069"},
	{"Kale Baratzak Eibar", "community_group", "20030"}, {"Bidebieta Bizilagunak", "community_group", "20069"},
	{"Zarautz Trantsizioan", "community_group", "20079"}, {"Herri Energia Taldea Oñati", "community_group", "20059"},
	{"Mendi Auzoa Bergara", "community_group", "20074"}, {"Loiolako Auzo Taldea", "community_group", "20018"},
	{"Beasain Berdea Taldea", "community_group", "20019"}, {"Errenteria Elkarlanean", "community_group", "20067"},
	{"Arrasate Zaintza Sarea", "community_group", "20055"}, {"Zumaia Auzolanean", "community_group", "20081"},
	{"Gros Komunitate Konpostajea", "community_group", "20069"},
}

var (
	smeFamilies = []string{"Aranburu", "Etxeberria", "Goikoetxea", "Zubizarreta", "Olano", "Urkijo", "Agirre", "Iturbe", "Mendizabal", "Lizarraga", "Ibargüen", "Otaño"}
	smeTrades   = []string{"Ingeniaritza S.L.", "Instalaciones S.L.", "Eraikuntzak S.L.", "Logística S.L.", "Alimentación S.L.", "Metalurgia S.L."}
	groupTowns  = []string{"20030", "20081", "20051", "20032", "20067", "20040", "20076", "20017", "20029", "20059", "20902", "20061"}
)

// foodHub are the partners shared by the food cluster (kept out of the general partner pool).
var foodHub = []string{"Elikagaiak Kooperatiba", "Baratze Sarea Elkartea", "Elika Food Research Centre", "Baserritarren Kooperatiba", "Elikabide Foodtech", "Kontsumitzaileen Elkartea Gipuzkoa"}

func buildOrgs() []org {
	type seed struct{ name, actorType, muni string }
	var seeds []seed
	for _, s := range orgSeeds {
		seeds = append(seeds, seed(s))
	}
	// 18 family-named SMEs, 12 community groups in towns.
	for i := 0; len(seeds) < len(orgSeeds)+18; i++ {
		seeds = append(seeds, seed{smeFamilies[i%len(smeFamilies)] + " " + smeTrades[(i*5+i/len(smeFamilies))%len(smeTrades)], "sme", ""})
	}
	for i, code := range groupTowns {
		m := muniByCode(code)
		name := []string{"%s Trantsizioan", "Grupo de consumo de %s", "%s Auzo Baratzak"}[i%3]
		seeds = append(seeds, seed{fmt.Sprintf(name, m.es), "community_group", code})
	}
	foundedRange := map[string][2]int{
		"public_admin": {1979, 1983}, "public_company": {1985, 2015}, "development_agency": {1985, 2005},
		"large_company": {1920, 1995}, "sme": {1960, 2018}, "startup": {2016, 2025}, "cooperative": {1956, 2022},
		"university": {1950, 2005}, "tech_centre": {1975, 2015}, "foundation": {1970, 2020},
		"association_ngo": {1978, 2023}, "community_group": {2008, 2025},
	}
	sizes := map[string][]int{ // weights for micro, small, medium, large
		"public_admin": {0, 2, 5, 3}, "public_company": {0, 1, 5, 3}, "development_agency": {0, 6, 4, 0},
		"large_company": {0, 0, 1, 9}, "sme": {3, 6, 3, 0}, "startup": {7, 3, 0, 0}, "cooperative": {2, 4, 3, 1},
		"university": {0, 0, 3, 7}, "tech_centre": {0, 1, 5, 4}, "foundation": {3, 5, 2, 0},
		"association_ngo": {7, 3, 0, 0}, "community_group": {10, 1, 0, 0},
	}
	var out []org
	for i, s := range seeds {
		muni := s.muni
		if muni == "" {
			muni = pickMuni(nil).code
		}
		fr := foundedRange[s.actorType]
		size := pickWeighted([]string{"micro", "small", "medium", "large"}, sizes[s.actorType])
		if s.name == "Gipuzkoako Foru Aldundia" || s.name == "Donostiako Udala" {
			size = "large"
		}
		out = append(out, org{fmt.Sprintf("ORG-%04d", i+1), s.name, s.actorType, size, between(fr[0], fr[1]), muni})
	}
	seen := map[string]bool{}
	for _, o := range out {
		if seen[o.name] {
			panic("duplicate organisation " + o.name)
		}
		seen[o.name] = true
	}
	return out
}

// ---------------------------------------------------------------- projects

type project struct {
	ref, title, summary                  string
	pillars, challenges, levers          []string
	level, stage, status, facet, horizon string
	budget, public                       float64 // budget < 0 = unknown
	instrument                           string
	start, end                           time.Time // end zero = open
	lead                                 org
	partners                             []string
	muni                                 municipality
	lat, lon                             string
	intent                               string
	updated                              time.Time
	foodCluster                          bool
}

// Title templates per challenge. {m} municipality (Basque), {ms} municipality (Spanish),
// {ce} comarca name, {c} comarca in the Basque inessive.
var titleTemplates = map[string][]string{
	"food": {
		"Auzo-konpostajea {c}", "Community supported agriculture network in {m}", "Red de huertos urbanos de {ms}",
		"Eskola-jantoki jasangarriak {c}", "Local food hub for {ce} school canteens", "Baserritik mahaira: {m}",
		"Mercado de productores km0 en {ms}", "Food waste recovery platform for {m} restaurants",
		"Elikadura burujabetza sarea {c}", "Compra pública alimentaria sostenible en {ms}",
		"Plant-based protein pilot in {ce}", "Banco de semillas locales de {ce}", "Elikadura osasungarria adinekoentzat: {m}",
	},
	"mobility": {
		"On-demand rural bus for {ce}", "Bidegorri sarea {c}", "Carsharing eléctrico vecinal en {ms}",
		"Last-mile cargo bikes in {m}", "Eskolara oinez: {m}", "Plan de movilidad al trabajo en polígonos de {ce}",
		"Mobility-as-a-service app for {ce}", "Electric bus depot conversion in {m}", "Zona de bajas emisiones de {ms}",
		"Park and ride nodes in {ce}", "Mugikortasun partekatua {c}",
	},
	"energy": {
		"Community energy cooperative in {ce}", "Energia komunitatea {c}", "Rehabilitación energética de barrios en {ms}",
		"Solar rooftops for industrial estates in {m}", "District heating with biomass in {m}",
		"Comunidad energética local de {ms}", "Green hydrogen valley pilot in {ce}",
		"Energia-pobreziaren aurkako bulegoa: {m}", "Smart grid demonstrator in {m}",
		"Autoconsumo compartido en polígonos de {ce}", "Eguzki-plakak ikastetxeetan {c}",
	},
	"circular_industry": {
		"Circular steel remanufacturing in {ce}", "Industria zirkularreko sarea {c}", "Simbiosis industrial en {ms}",
		"Repair café network in {m}", "Plastikozko hondakinen birziklapena {c}",
		"Digital product passport pilot for {ce} machine-tool makers", "Reutilización de residuos de construcción en {ms}",
		"Textile reuse hub in {m}", "Ekodiseinu laborategia {c}",
	},
	"care_ageing": {
		"Zaintza komunitarioa {c}", "Age-friendly neighbourhood in {m}", "Cuidados a domicilio con teleasistencia en {ms}",
		"Heatwave shelters for older people in {m}", "Adinekoen etxebizitza partekatua: {m}",
		"Red de cuidadoras de {ce}", "Loneliness prevention network in {m}", "Co-housing sénior en {ms}",
	},
	"work_skills": {
		"Green skills academy for {ce}", "Lanbide heziketa dualeko programa {c}",
		"Formación en rehabilitación energética en {ms}", "Youth green jobs guarantee in {m}",
		"Reskilling metalworkers in {ce}", "Emprendimiento femenino rural en {ce}", "Ekintzailetza gunea: {m}",
		"Digital skills for SMEs in {m}",
	},
	"culture_language": {
		"Euskara eta klima: {m}", "Community storytelling on transition in {m}", "Festival de cultura sostenible de {ms}",
		"Kultur ondarea eta jasangarritasuna {c}", "Climate narratives in Basque media ({ce})",
		"Bertsolaritza eta trantsizioa {c}", "Museo vivo del trabajo industrial en {ms}", "Transition arts residency in {m}",
	},
}

// Regulation projects get regulation-style titles; {t}, {ts}, {tu} = topic in en/es/eu.
var regulationTemplates = []string{
	"Ordenanza municipal de {ts} de {ms}", "Regulatory sandbox for {t} in {ce}", "{t} planning framework for {ce}",
	"Foru-araua: {tu}", "Plan director de {ts} de {ce}", "Criterios de {ts} en la contratación pública de {ms}",
}

var topics = map[string][3]string{
	"food":              {"local food procurement", "alimentación local", "tokiko elikadura"},
	"mobility":          {"low-emission mobility", "movilidad sostenible", "mugikortasun jasangarria"},
	"energy":            {"renewable self-consumption", "autoconsumo renovable", "energia berriztagarria"},
	"circular_industry": {"circular procurement", "economía circular", "ekonomia zirkularra"},
	"care_ageing":       {"long-term care", "cuidados de larga duración", "epe luzeko zaintza"},
	"work_skills":       {"green jobs", "empleo verde", "enplegu berdea"},
	"culture_language":  {"cultural heritage", "patrimonio cultural", "kultur ondarea"},
}

var demoIntents = map[string][]string{
	"food": {
		"Shorten supply chains and put local, healthy food on public plates.",
		"Keep farmland productive and give young farmers a fair income.",
		"Cut food waste and return nutrients to the soil.",
	},
	"mobility": {
		"Make everyday trips possible without a private car.",
		"Reduce commuting emissions to industrial estates.",
		"Give rural villages a reliable public transport link.",
	},
	"energy": {
		"Let households and firms produce and share renewable energy.",
		"Lower energy bills for vulnerable households.",
		"Decarbonise heat in dense neighbourhoods.",
	},
	"circular_industry": {
		"Keep materials in use and turn waste into inputs for local industry.",
		"Help manufacturers redesign products for repair and reuse.",
	},
	"care_ageing": {
		"Let older people live well at home and in their neighbourhood.",
		"Share the work of care more fairly across the community.",
	},
	"work_skills": {
		"Prepare workers for the jobs of the transition.",
		"Open green jobs to young people and women.",
	},
	"culture_language": {
		"Tell the story of the transition in Basque and make it everyone's.",
		"Link cultural heritage with sustainable ways of living.",
	},
}

var demoLevelNoun = map[string]string{
	"community": "A community-driven action", "startup": "A startup/SME initiative", "large_scale": "A large-scale initiative",
	"public_service": "A public programme", "regulation": "A policy and regulation initiative",
}

var instrumentsByLevel = map[string]struct {
	names   []string
	weights []int
}{
	"community":      {[]string{"Etorkizuna Eraikiz call", "Municipal budget", "Own funds", "Basque Government grant", "Crowdfunding"}, []int{5, 3, 2, 2, 1}},
	"startup":        {[]string{"Own funds", "Basque Government grant", "Horizon Europe", "Etorkizuna Eraikiz call", "Venture capital"}, []int{4, 3, 1, 2, 2}},
	"large_scale":    {[]string{"PERTE", "Horizon Europe", "Own funds", "NextGenerationEU", "LIFE programme"}, []int{3, 2, 2, 3, 1}},
	"public_service": {[]string{"Municipal budget", "Provincial budget", "Basque Government grant", "Interreg POCTEFA"}, []int{4, 4, 2, 1}},
	"regulation":     {[]string{"Provincial budget", "Municipal budget", "Basque Government grant"}, []int{5, 3, 1}},
}

var demoBudgetRange = map[string][2]float64{
	"community": {5e3, 80e3}, "startup": {50e3, 600e3}, "large_scale": {1e6, 20e6},
	"public_service": {200e3, 5e6}, "regulation": {20e3, 300e3},
}

var demoLeadTypes = map[string][]string{
	"community":      {"community_group", "association_ngo", "cooperative", "foundation"},
	"startup":        {"startup", "sme"},
	"large_scale":    {"large_company", "public_company", "tech_centre", "university"},
	"public_service": {"public_admin", "public_company", "development_agency"},
	"regulation":     {"public_admin"},
}

var pillarChallenges = map[string]struct {
	names   []string
	weights []int
}{
	"decarbonisation": {[]string{"energy", "mobility", "circular_industry", "work_skills"}, []int{4, 3, 3, 1}},
	"social_cohesion": {[]string{"care_ageing", "work_skills", "culture_language", "mobility", "energy"}, []int{3, 3, 3, 1, 1}},
	"adaptation":      {[]string{"care_ageing", "circular_industry", "energy", "mobility", "culture_language"}, []int{3, 1, 1, 1, 1}},
}

var leverWeightsByLevel = map[string][]int{
	// governance, finance, technology, learning, participation, social_innov, business, culture
	"community":      {1, 1, 1, 3, 6, 5, 1, 3},
	"startup":        {1, 3, 6, 2, 1, 2, 6, 1},
	"large_scale":    {2, 6, 6, 2, 1, 1, 3, 1},
	"public_service": {5, 2, 2, 4, 3, 3, 1, 1},
	"regulation":     {8, 2, 1, 1, 2, 1, 1, 1},
}

type projectFactory struct {
	orgs       []org
	byType     map[string][]org
	pool       []string // general partner pool (names), food hub excluded
	usedTitles map[string]bool
}

func newFactory(orgs []org) *projectFactory {
	f := &projectFactory{orgs: orgs, byType: map[string][]org{}, usedTitles: map[string]bool{}}
	for _, o := range orgs {
		if slices.Contains(foodHub, o.name) {
			continue
		}
		f.byType[o.actorType] = append(f.byType[o.actorType], o)
		f.pool = append(f.pool, o.name)
	}
	return f
}

func (f *projectFactory) title(p *project) string {
	for try := 0; ; try++ {
		m := p.muni
		if try > 0 {
			m = pickMuni(projectPlace)
		}
		c := comarcaOf(m.comarca)
		var tpl string
		if p.level == "regulation" {
			tpl = one(regulationTemplates)
		} else {
			tpl = one(titleTemplates[p.challenges[0]])
		}
		tp := topics[p.challenges[0]]
		t := strings.NewReplacer("{m}", m.eu, "{ms}", m.es, "{ce}", c.eu, "{c}", c.inessive,
			"{t}", tp[0], "{ts}", tp[1], "{tu}", tp[2]).Replace(tpl)
		t = strings.ToUpper(t[:1]) + t[1:]
		if try >= 12 {
			t += " (II)"
		}
		if !f.usedTitles[t] {
			f.usedTitles[t] = true
			p.muni = m
			return t
		}
	}
}

// make builds one project at a level; challenge, if not empty, is forced as the primary challenge.
func (f *projectFactory) make(level, challenge string) *project {
	p := &project{level: level}

	// pillars: regulation never carries adaptation (the designed gap).
	pw := map[string][]int{
		"community": {5, 3, 3}, "startup": {2, 5, 2}, "large_scale": {1, 8, 1}, "public_service": {4, 3, 3}, "regulation": {3, 4, 0},
	}[level]
	p.pillars = pickDistinct(pillars, pw, pickWeighted([]int{1, 2}, []int{6, 4}))

	if challenge != "" {
		p.challenges = []string{challenge}
	} else {
		pc := pillarChallenges[p.pillars[0]]
		p.challenges = []string{pickWeighted(pc.names, pc.weights)}
	}
	if demoRNG.IntN(10) < 3 {
		pc := pillarChallenges[one(p.pillars)]
		if c := pickWeighted(pc.names, pc.weights); !slices.Contains(p.challenges, c) {
			p.challenges = append(p.challenges, c)
		}
	}
	p.levers = pickDistinct(levers, leverWeightsByLevel[level], pickWeighted([]int{1, 2, 3}, []int{4, 4, 2}))

	p.stage = pickWeighted(stages, []int{22, 25, 25, 15, 8, 5})
	si := slices.Index(stages, p.stage)
	switch {
	case si <= 1:
		p.status = pickWeighted([]string{"planned", "active", "paused", "stopped"}, []int{40, 50, 5, 5})
	case si <= 3:
		p.status = pickWeighted([]string{"active", "paused", "completed", "stopped"}, []int{80, 7, 5, 8})
	default:
		p.status = pickWeighted([]string{"active", "completed"}, []int{75, 25})
	}
	p.facet = pickWeighted(facets, []int{35, 30, 20, 15})
	hw := []int{40, 40, 20}
	if p.facet == "anticipatory" {
		hw = []int{10, 40, 50}
	}
	p.horizon = pickWeighted(horizons, hw)

	// money
	br := demoBudgetRange[level]
	p.budget = math.Round(math.Exp(math.Log(br[0])+demoRNG.Float64()*(math.Log(br[1])-math.Log(br[0])))/100) * 100
	ins := instrumentsByLevel[level]
	p.instrument = pickWeighted(ins.names, ins.weights)
	switch p.instrument {
	case "Own funds", "Venture capital", "Crowdfunding":
		p.public = 0
	default:
		p.public = math.Round(p.budget*(0.3+0.7*demoRNG.Float64())*100) / 100
	}
	if demoRNG.IntN(100) < 3 {
		p.budget, p.public = -1, -1
	}

	// dates
	switch {
	case p.status == "planned":
		p.start = randDate(day(2026, 7, 1), day(2026, 12, 31))
	case si >= 3:
		p.start = randDate(day(2019, 1, 1), day(2024, 12, 31))
	default:
		p.start = randDate(day(2022, 1, 1), day(2026, 9, 30))
	}
	switch {
	case p.status == "completed":
		p.end = p.start.AddDate(0, between(6, 36), 0)
		if !p.end.Before(now) {
			p.end = randDate(now.AddDate(0, -10, 0), now.AddDate(0, 0, -1))
			if !p.end.After(p.start) {
				p.start = p.end.AddDate(0, -between(6, 24), 0)
			}
		}
	case demoRNG.IntN(100) < 12:
		// open-ended
	default:
		p.end = p.start.AddDate(0, between(12, 60), 0)
		if p.status == "active" && p.end.Before(now) {
			p.end = now.AddDate(0, 0, between(30, 720))
		}
	}
	if p.start.Year() > 2026 {
		panic("start after 2026")
	}

	// lead and partners
	lt := demoLeadTypes[level]
	cands := f.byType[one(lt)]
	p.lead = one(cands)
	nPartners := pickWeighted([]int{0, 1, 2, 3, 4}, []int{15, 25, 30, 20, 10})
	for len(p.partners) < nPartners {
		n := one(f.pool)
		if n != p.lead.name && !slices.Contains(p.partners, n) {
			p.partners = append(p.partners, n)
		}
	}

	// place: the lead's town when allowed, otherwise anywhere outside the left-out comarcas
	lm := muniByCode(p.lead.muni)
	if projectPlace(lm) && demoRNG.IntN(100) < 60 {
		p.muni = lm
	} else {
		p.muni = pickMuni(projectPlace)
	}
	p.title = f.title(p)
	if demoRNG.IntN(100) < 75 {
		p.lat = coord(math.Round((p.muni.lat+(demoRNG.Float64()-0.5)*0.02)*1e5) / 1e5)
		p.lon = coord(math.Round((p.muni.lon+(demoRNG.Float64()-0.5)*0.02)*1e5) / 1e5)
	}
	p.intent = one(demoIntents[p.challenges[0]])
	var lv []string
	for _, l := range p.levers {
		lv = append(lv, leverEN[l])
	}
	p.summary = fmt.Sprintf("%s on %s in %s, led by %s and working through %s.",
		demoLevelNoun[level], challengeEN[p.challenges[0]], p.muni.eu, p.lead.name, strings.Join(lv, ", "))

	cutoff := now.AddDate(0, 0, -180)
	if demoRNG.IntN(100) < 15 {
		p.updated = randDate(day(2025, 1, 1), cutoff.AddDate(0, 0, -1))
	} else {
		p.updated = randDate(cutoff.AddDate(0, 0, 1), now.AddDate(0, 0, -1))
	}
	return p
}

func buildProjects(orgs []org) []*project {
	f := newFactory(orgs)
	var ps []*project

	// b) the food cluster: 25 projects sharing partners from a small hub.
	for i, lvl := range slices.Repeat([]string{"community", "startup", "public_service", "community", "public_service"}, 5) {
		p := f.make(lvl, "food")
		p.foodCluster = true
		p.partners = pickDistinct(foodHub, []int{5, 4, 4, 3, 3, 2}, between(2, 3))
		if i%4 == 0 {
			if n := one(f.pool); n != p.lead.name {
				p.partners = append(p.partners, n)
			}
		}
		p.summary = strings.Replace(p.summary, " and working", ", with the Gipuzkoa food network, working", 1)
		ps = append(ps, p)
	}

	// the rest of the portfolio: no food, never water.
	levelWeights := []int{25, 25, 15, 25, 10}
	for len(ps) < 340 {
		ps = append(ps, f.make(pickWeighted(levels, levelWeights), ""))
	}
	// a few bridges between the food cluster and the rest
	for i := 25; i < 28; i++ {
		if len(ps[i].partners) == 4 {
			ps[i].partners = ps[i].partners[:3]
		}
		ps[i].partners = append(ps[i].partners, foodHub[i-25])
	}

	demoRNG.Shuffle(len(ps), func(i, j int) { ps[i], ps[j] = ps[j], ps[i] })
	for i, p := range ps {
		p.ref = fmt.Sprintf("PRJ-%04d", i+1)
	}
	// Hostile strings live in the security tests' own fixtures, never in the
	// demo visitors see.
	return ps
}

// ---------------------------------------------------------------- signals

type signal struct {
	ref, headline, description, url, sourceType string
	observed                                    time.Time
	status                                      string
	novelty                                     int
	level, actor, signalType, sentiment, steep  string
	challenges, levers, pillars                 []string
	muni                                        string
	projects                                    []string
}

var headlineTemplates = map[string][]string{
	"food": {
		"Farmers' market in {m} doubles its stalls", "Comedores escolares de {ce} piden más producto local",
		"Young farmers struggle to access land in {ce}", "Baserri berriak {c}: gazteak lurrera itzultzen",
		"Food bank demand rises again in {m}", "Supermarket pilots a zero-packaging aisle in {m}",
		"El precio del forraje dispara los costes de los ganaderos de {ce}",
	},
	"mobility": {
		"Bus ridership in {m} back above pre-pandemic levels", "Vecinos de {ms} reclaman un carril bici seguro",
		"E-scooter accidents prompt debate in {m}", "Workers in {ce} industrial estates still commute alone by car",
		"Herri txikiak garraio publikorik gabe {c}", "Cargo bike deliveries spread in {m}",
	},
	"energy": {
		"Rooftop solar requests triple in {m}", "Energy poverty: families in {m} cut heating",
		"La comunidad energética de {ms} suma cien socios", "Industrial gas prices squeeze {ce} foundries",
		"Heat pumps sold out at installers in {ce}", "Energia komunitateak ugaltzen {c}",
	},
	"circular_industry": {
		"Machine-tool makers in {ce} test remanufacturing", "Repair café in {m} draws queues",
		"Faltan gestores de residuos textiles en {ce}", "Steel scrap prices reshape recycling in {m}",
		"Construction waste reused in a {m} housing project", "Ekonomia zirkularra enpresa txikietan {c}",
	},
	"care_ageing": {
		"Waiting lists for home care grow in {m}", "Soledad no deseada: uno de cada cinco mayores de {ms} vive solo",
		"Care workers in {ce} organise a cooperative", "Heatwave sends older people to hospital in {m}",
		"Adinekoentzako etxebizitza partekatuak {c}",
	},
	"work_skills": {
		"Vocational schools in {ce} cannot fill green-tech courses", "Las empresas de {ce} no encuentran soldadores",
		"Young people leave {m} for jobs in Donostia", "Retraining scheme for metalworkers oversubscribed in {m}",
		"Emakume ekintzaileak landa eremuan {c}",
	},
	"culture_language": {
		"Basque-language climate podcast gains audience in {m}", "Los festivales de {ce} apuestan por el residuo cero",
		"Bertsolariak klima aldaketaz {c}", "Local museum in {m} reframes industrial heritage",
		"Young people in {m} use less Basque online",
	},
	"water": {
		"Drought restrictions announced in the Urola valley", "Aquifer levels in {ce} at a ten-year low",
		"Sequía: cortes de agua nocturnos en {ms}", "Lehorteak baserriak larritzen ditu {c}",
		"Farmers in {ce} ask for water storage ponds", "Ibiur reservoir below 40% in late summer",
		"Industrial water use under scrutiny in {m}", "Ur-kontsumoa murrizteko deia: {m}",
		"Startups in {ce} test leak detection for water networks", "El río Oria registra su caudal mínimo histórico",
		"Schools in {m} close fountains during drought alert", "Water tankers supply hamlets in {ce}",
		"Community group in {m} maps springs and wells", "Drought hits the txakoli harvest in Getaria",
	},
}

// The mobility burst of June 2026 (a bus strike and its knock-on effects).
var burstHeadlines = []string{
	"Lurraldebus strike leaves {m} commuters stranded", "Huelga de autobuses: colas en las paradas de {ms}",
	"On-demand bus service overwhelmed in {ce}", "Autobus greba: {m} geldirik", "Commuters in {ce} turn to carpooling apps",
	"Bike-sharing demand spikes in {m} during the bus strike", "Trenes de cercanías saturados en {ce}",
}

var (
	burstMonth   = day(2026, 6, 1)
	signalsStart = day(2023, 11, 1)
	challengeW   = []int{3, 3, 4, 2, 2, 2, 1} // order of challenges7
)

func article(noun string) string {
	if strings.ContainsRune("aeiou", rune(noun[0])) || strings.HasPrefix(noun, "SME") {
		return "an " + noun
	}
	return "a " + noun
}

func placeText(tpl string, m municipality) string {
	c := comarcaOf(m.comarca)
	return strings.NewReplacer("{m}", m.eu, "{ms}", m.es, "{ce}", c.eu, "{c}", c.inessive).Replace(tpl)
}

func pillarFor(challenge string) string {
	switch challenge {
	case "energy", "mobility", "circular_industry":
		return "decarbonisation"
	case "care_ageing", "work_skills", "culture_language":
		return "social_cohesion"
	case "water":
		return "adaptation"
	}
	return one(pillars)
}

func buildSignals(ps []*project) []*signal {
	byChallenge := map[string][]string{}
	for _, p := range ps {
		for _, c := range p.challenges {
			byChallenge[c] = append(byChallenge[c], p.ref)
		}
	}
	var out []*signal
	for m := 0; m < 36; m++ {
		monthStart := signalsStart.AddDate(0, m, 0)
		monthEnd := monthStart.AddDate(0, 1, -1)
		n := 34 + int(float64(m)*0.8) + demoRNG.IntN(7)
		pWater := 0.006
		if m >= 14 { // from January 2025
			pWater = 0.03 + float64(m-14)*0.11/21
		}
		burst := 0
		if monthStart.Equal(burstMonth) {
			burst = 45
		}
		for i := 0; i < n+burst; i++ {
			kind := "normal"
			switch {
			case i >= n:
				kind = "burst"
			case demoRNG.Float64() < pWater:
				kind = "water"
			}
			out = append(out, makeSignal(kind, randDate(monthStart, monthEnd), byChallenge))
		}
	}
	slices.SortStableFunc(out, func(a, b *signal) int { return a.observed.Compare(b.observed) })
	for i, s := range out {
		s.ref = fmt.Sprintf("SIG-%05d", i+1)
		if s.url != "" {
			s.url = fmt.Sprintf("https://example.org/signals/%d", 1000+i*7)
		}
	}
	return out
}

func makeSignal(kind string, observed time.Time, byChallenge map[string][]string) *signal {
	s := &signal{observed: observed, url: "set"}
	m := pickMuni(nil)
	var tpl string
	switch kind {
	case "water":
		s.challenges = []string{"water"}
		if demoRNG.IntN(10) < 3 {
			s.challenges = append(s.challenges, one([]string{"food", "care_ageing", "energy", "circular_industry"}))
		}
		tpl = one(headlineTemplates["water"])
	case "burst":
		s.challenges = []string{"mobility"}
		if demoRNG.IntN(10) < 2 {
			s.challenges = append(s.challenges, "work_skills")
		}
		tpl = one(burstHeadlines)
	default:
		s.challenges = pickDistinct(challenges7, challengeW, pickWeighted([]int{1, 2}, []int{7, 3}))
		tpl = one(headlineTemplates[s.challenges[0]])
	}
	s.headline = placeText(tpl, m)
	s.levers = pickDistinct(levers, []int{3, 2, 3, 2, 3, 2, 2, 1}, pickWeighted([]int{1, 2}, []int{6, 4}))
	s.pillars = []string{pillarFor(s.challenges[0])}
	if demoRNG.IntN(4) == 0 {
		if p := one(pillars); !slices.Contains(s.pillars, p) {
			s.pillars = append(s.pillars, p)
		}
	}

	water := kind == "water"
	s.sourceType = pickWeighted(sourceTypes, []int{30, 8, 8, 12, 10, 10, 10, 8, 4})
	if kind == "burst" {
		s.sourceType = pickWeighted(sourceTypes, []int{60, 0, 5, 25, 2, 0, 0, 5, 3})
	}
	if s.sourceType == "citizen_story" || s.sourceType == "workshop" {
		if demoRNG.IntN(3) == 0 {
			s.url = ""
		}
	}
	s.steep = pickWeighted(steeps, []int{25, 20, 20, 20, 10, 5})
	if water {
		s.steep = pickWeighted(steeps, []int{10, 5, 15, 60, 10, 0})
	}
	s.novelty = pickWeighted([]int{1, 2, 3, 4, 5}, []int{15, 30, 30, 15, 10})
	if water {
		s.novelty = pickWeighted([]int{1, 2, 3, 4, 5}, []int{0, 5, 30, 40, 25})
	}
	lw := []int{30, 20, 10, 30, 10}
	if water {
		lw = []int{1, 1, 1, 1, 1}
	}
	s.level = pickWeighted(levels, lw)
	s.actor = pickWeighted(actorTypes, []int{10, 5, 6, 5, 8, 6, 6, 8, 6, 6, 14, 20})
	s.signalType = pickWeighted([]string{"weak_signal", "emerging_issue", "trend_evidence", "wild_card"}, []int{30, 20, 40, 10})
	s.sentiment = pickWeighted([]string{"positive", "negative", "mixed"}, []int{35, 30, 35})
	if water {
		s.signalType = pickWeighted([]string{"weak_signal", "emerging_issue", "trend_evidence", "wild_card"}, []int{40, 40, 15, 5})
		s.sentiment = pickWeighted([]string{"positive", "negative", "mixed"}, []int{10, 60, 30})
	}

	// status: recent ones are waiting for review; a small backlog of older `new` ones.
	age := int(now.Sub(observed).Hours() / 24)
	if age <= 21 {
		s.status = pickWeighted([]string{"new", "approved", "draft"}, []int{50, 40, 10})
	} else {
		s.status = pickWeighted([]string{"approved", "archived", "new", "draft"}, []int{86, 8, 3, 3})
	}

	// the place named in the headline; headlines without a place sometimes carry none
	if strings.Contains(tpl, "{") || demoRNG.IntN(2) == 0 {
		s.muni = m.code
	}
	var cs []string
	for _, c := range s.challenges {
		cs = append(cs, challengeEN[c])
	}
	place := m.eu
	if s.muni == "" {
		place = "Gipuzkoa"
	}
	s.description = fmt.Sprintf("Captured from %s source and reported by %s (%s). Relates to %s; possible lever: %s.",
		article(strings.ReplaceAll(s.sourceType, "_", " ")), article(actorEN[s.actor]), place, strings.Join(cs, " and "), leverEN[s.levers[0]])

	// links: about 40% of signals point to projects sharing their primary challenge; water never does.
	if !water && demoRNG.IntN(100) < 42 {
		cands := byChallenge[s.challenges[0]]
		for k := pickWeighted([]int{1, 2}, []int{7, 3}); k > 0 && len(cands) > 0; k-- {
			if r := one(cands); !slices.Contains(s.projects, r) {
				s.projects = append(s.projects, r)
			}
		}
	}
	return s
}

// ---------------------------------------------------------------- output

func writeCSV(name string, header []string, rows [][]string) {
	f, err := os.Create(filepath.Join(outDir, name))
	if err != nil {
		panic(err)
	}
	w := csv.NewWriter(f)
	if err := w.Write(header); err != nil {
		panic(err)
	}
	for _, r := range rows {
		if len(r) != len(header) {
			panic(fmt.Sprintf("%s: row has %d cells, header %d", name, len(r), len(header)))
		}
		if err := w.Write(r); err != nil {
			panic(err)
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		panic(err)
	}
	if err := f.Close(); err != nil {
		panic(err)
	}
}

func multi(v []string) string { return strings.Join(v, "|") }

func writeMunicipalities() {
	var rows [][]string
	for _, m := range municipalities {
		c := comarcaOf(m.comarca)
		rows = append(rows, []string{m.code, m.eu, m.es, c.code, c.eu, c.es, strconv.Itoa(m.population),
			strconv.Itoa(populationYear), strconv.FormatFloat(m.lat, 'f', 3, 64), strconv.FormatFloat(m.lon, 'f', 3, 64)})
	}
	writeCSV("municipalities.csv", strings.Split("code,name_eu,name_es,comarca_code,comarca_eu,comarca_es,population,population_year,lat,lon", ","), rows)
}

func writeOrgs(orgs []org) {
	var rows [][]string
	for _, o := range orgs {
		rows = append(rows, []string{o.ref, o.name, o.actorType, o.size, strconv.Itoa(o.founded), o.muni})
	}
	writeCSV("organisations.csv", strings.Split("ext_ref,name,actor_type,size_class,founded_year,municipality_code", ","), rows)
}

func writeProjects(ps []*project) {
	var rows [][]string
	for _, p := range ps {
		budget, public, end := "", "", ""
		if p.budget >= 0 {
			budget, public = money(p.budget), money(p.public)
		}
		if !p.end.IsZero() {
			end = iso(p.end)
		}
		rows = append(rows, []string{p.ref, p.title, p.summary, multi(p.pillars), multi(p.challenges), multi(p.levers),
			p.level, p.stage, p.status, p.facet, p.horizon, budget, public, p.instrument, iso(p.start), end,
			p.lead.name, p.lead.actorType, multi(p.partners), p.muni.code, p.lat, p.lon, p.intent, iso(p.updated)})
	}
	writeCSV("projects.csv", strings.Split("ext_ref,title,summary,pillars,challenges,levers,level,stage,status,facet,horizon,budget_total_eur,public_funding_eur,funding_instrument,start_date,end_date,lead_org,lead_org_type,partners,municipality_code,lat,lon,intent,updated_at", ","), rows)
}

func writeSignals(ss []*signal) {
	var rows [][]string
	for _, s := range ss {
		rows = append(rows, []string{s.ref, s.headline, s.description, s.url, s.sourceType, iso(s.observed), s.status,
			strconv.Itoa(s.novelty), s.level, s.actor, s.signalType, s.sentiment, s.steep, multi(s.challenges),
			multi(s.levers), multi(s.pillars), s.muni, multi(s.projects)})
	}
	writeCSV("signals.csv", strings.Split("ext_ref,headline,description,url,source_type,observed_at,status,novelty,level_observed,observer_actor_type,signal_type,sentiment,steep,challenges,levers,pillars,municipality_code,projects", ","), rows)
}

// ---------------------------------------------------------------- story check

func check(ok bool, format string, args ...any) {
	mark := "ok  "
	if !ok {
		mark = "FAIL"
	}
	fmt.Fprintf(summary, "  [%s] %s\n", mark, fmt.Sprintf(format, args...))
	if !ok {
		failed = true
	}
}

func countBy[T any](items []T, key func(T) []string) map[string]int {
	m := map[string]int{}
	for _, it := range items {
		for _, k := range key(it) {
			m[k]++
		}
	}
	return m
}

func printSummary(orgs []org, ps []*project, ss []*signal) {
	fmt.Fprintf(summary, "municipalities: %d, organisations: %d, projects: %d, signals: %d\n",
		len(municipalities), len(orgs), len(ps), len(ss))
	check(len(municipalities) == 88, "88 municipalities")

	fmt.Fprintln(summary, "coverage:")
	for _, sc := range []struct {
		name  string
		terms []string
		key   func(*project) []string
	}{
		{"level", levels, func(p *project) []string { return []string{p.level} }},
		{"pillar", pillars, func(p *project) []string { return p.pillars }},
		{"challenge", challenges7, func(p *project) []string { return p.challenges }},
		{"lever", levers, func(p *project) []string { return p.levers }},
		{"stage", stages, func(p *project) []string { return []string{p.stage} }},
		{"facet", facets, func(p *project) []string { return []string{p.facet} }},
		{"horizon", horizons, func(p *project) []string { return []string{p.horizon} }},
	} {
		cnt := countBy(ps, sc.key)
		var parts []string
		missing := 0
		for _, t := range sc.terms {
			parts = append(parts, fmt.Sprintf("%s=%d", t, cnt[t]))
			if cnt[t] == 0 {
				missing++
			}
		}
		check(missing == 0, "%s: %s", sc.name, strings.Join(parts, " "))
	}

	fmt.Fprintln(summary, "a) pillar × level (projects, full counting):")
	fmt.Fprintf(summary, "     %-16s", "")
	for _, l := range levels {
		fmt.Fprintf(summary, "%15s", l)
	}
	fmt.Fprintln(summary)
	empty := 0
	for _, pl := range pillars {
		fmt.Fprintf(summary, "     %-16s", pl)
		for _, l := range levels {
			n := 0
			for _, p := range ps {
				if p.level == l && slices.Contains(p.pillars, pl) {
					n++
				}
			}
			if n == 0 {
				empty++
			}
			fmt.Fprintf(summary, "%15d", n)
		}
		fmt.Fprintln(summary)
	}
	regAd := 0
	for _, p := range ps {
		if p.level == "regulation" && slices.Contains(p.pillars, "adaptation") {
			regAd++
		}
	}
	check(regAd == 0, "no project at regulation × adaptation")
	check(empty >= 1 && empty <= 3, "%d empty pillar × level cells of 15", empty)

	fmt.Fprintln(summary, "b) food cluster:")
	var food []*project
	for _, p := range ps {
		if slices.Contains(p.challenges, "food") {
			food = append(food, p)
		}
	}
	orgsOf := func(p *project) []string { return append([]string{p.lead.name}, p.partners...) }
	edges := 0
	parent := make([]int, len(food))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		if parent[i] != i {
			parent[i] = find(parent[i])
		}
		return parent[i]
	}
	for i := range food {
		for j := i + 1; j < len(food); j++ {
			shared := false
			for _, o := range orgsOf(food[i]) {
				if slices.Contains(orgsOf(food[j]), o) {
					shared = true
				}
			}
			if shared {
				edges++
				parent[find(i)] = find(j)
			}
		}
	}
	comps := map[int]bool{}
	for i := range food {
		comps[find(i)] = true
	}
	density := 2 * float64(edges) / float64(len(food)*(len(food)-1))
	fl := countBy(food, func(p *project) []string { return []string{p.level} })
	check(len(food) >= 20 && len(comps) == 1 && density > 0.5,
		"%d food projects (community=%d startup=%d public_service=%d), shared-partner edges=%d, density=%.2f, components=%d",
		len(food), fl["community"], fl["startup"], fl["public_service"], edges, density, len(comps))

	fmt.Fprintln(summary, "c) water:")
	waterP := countBy(ps, func(p *project) []string { return p.challenges })["water"]
	check(waterP == 0, "projects tagged water: %d", waterP)

	fmt.Fprintln(summary, "d) territory:")
	byCom := map[string]int{}
	for _, p := range ps {
		byCom[p.muni.comarca]++
	}
	var parts []string
	for _, c := range comarcas {
		parts = append(parts, fmt.Sprintf("%s %s=%d", c.code, c.eu, byCom[c.code]))
	}
	check(byCom["E11"] == 0 && byCom["E39"] == 0, "projects per comarca: %s", strings.Join(parts, ", "))
	badTitle := 0
	for _, p := range ps {
		for _, w := range []string{"Tolosa", "Bidasoa", "Irun", "Hondarribia", "Txingudi"} {
			if strings.Contains(p.title, w) {
				badTitle++
			}
		}
	}
	check(badTitle == 0, "no project title names a left-out comarca (%d)", badTitle)

	fmt.Fprintln(summary, "e) pipeline and money:")
	st := countBy(ps, func(p *project) []string { return []string{p.stage} })
	parts = nil
	for _, s := range stages {
		parts = append(parts, fmt.Sprintf("%s=%d", s, st[s]))
	}
	early := float64(st["explore"]+st["design"]) / float64(len(ps))
	check(st["scale"]+st["embed"] < st["explore"], "stages: %s (early share %.0f%%)", strings.Join(parts, " "), early*100)
	budget := map[string]float64{}
	total, nullBudgets := 0.0, 0
	for _, p := range ps {
		if p.budget < 0 {
			nullBudgets++
			continue
		}
		for _, pl := range p.pillars {
			budget[pl] += p.budget / float64(len(p.pillars))
		}
		total += p.budget
	}
	parts = nil
	for _, pl := range pillars {
		parts = append(parts, fmt.Sprintf("%s=%.0f%%", pl, 100*budget[pl]/total))
	}
	check(budget["decarbonisation"] > budget["social_cohesion"]+budget["adaptation"],
		"budget share by pillar (fractional): %s; total €%.1fM; %d null budgets", strings.Join(parts, " "), total/1e6, nullBudgets)
	stale := 0
	for _, p := range ps {
		if now.Sub(p.updated).Hours()/24 > 180 {
			stale++
		}
	}
	fmt.Fprintf(summary, "  projects updated more than 180 days ago: %d (%.0f%%)\n", stale, 100*float64(stale)/float64(len(ps)))

	fmt.Fprintln(summary, "signals:")
	yearStart := now.AddDate(-1, 0, 0)
	approvedW, waterW, linked, waterLinked, backlog := 0, 0, 0, 0, 0
	waterLevels, waterActors := map[string]bool{}, map[string]bool{}
	waterByYear := map[int]int{}
	for _, s := range ss {
		isWater := slices.Contains(s.challenges, "water")
		if len(s.projects) > 0 {
			linked++
			if isWater {
				waterLinked++
			}
		}
		if s.status == "new" && now.Sub(s.observed).Hours()/24 > 14 {
			backlog++
		}
		if s.status != "approved" {
			continue
		}
		if isWater {
			waterByYear[s.observed.Year()]++
		}
		if !s.observed.Before(yearStart) {
			approvedW++
			if isWater {
				waterW++
				waterLevels[s.level] = true
				waterActors[s.actor] = true
			}
		}
	}
	fmt.Fprintf(summary, "  linked to ≥1 project: %d (%.0f%%); `new` older than 14 days: %d\n", linked, 100*float64(linked)/float64(len(ss)), backlog)
	fmt.Fprintf(summary, "  approved water signals by year: 2023=%d 2024=%d 2025=%d 2026=%d\n",
		waterByYear[2023], waterByYear[2024], waterByYear[2025], waterByYear[2026])
	share := float64(waterW) / float64(approvedW)
	check(share >= 0.06, "water share of approved signals in the last 12 months: %d/%d = %.1f%%", waterW, approvedW, 100*share)
	check(len(waterLevels) >= 4 && len(waterActors) >= 4, "water observed at %d levels by %d actor types", len(waterLevels), len(waterActors))
	check(waterLinked == 0, "water signals linked to a project: %d", waterLinked)
	mob := map[string]int{}
	for _, s := range ss {
		if slices.Contains(s.challenges, "mobility") && !s.observed.Before(now.AddDate(0, -12, 0)) {
			mob[s.observed.Format("2006-01")]++
		}
	}
	parts = nil
	for t := now.AddDate(0, -12, 0); t.Before(now); t = t.AddDate(0, 1, 0) {
		parts = append(parts, fmt.Sprintf("%s=%d", t.Format("2006-01"), mob[t.Format("2006-01")]))
	}
	fmt.Fprintf(summary, "  mobility signals per month (burst in %s): %s\n", burstMonth.Format("2006-01"), strings.Join(parts, " "))
}

// WriteDemo writes the demo mission's CSV files (municipalities,
// organisations, projects, signals) into dir, the same bytes at every run,
// and prints to w the story the data tells with a check of each part of
// it. It fails when a check fails. `go generate ./data` runs it (through
// cmd/demogen) into data/demo.
func WriteDemo(dir string, w io.Writer) error {
	demoMu.Lock()
	defer demoMu.Unlock()
	demoRNG, outDir, summary, failed = rand.New(rand.NewPCG(1, 2)), dir, w, false
	orgs := buildOrgs()
	ps := buildProjects(orgs)
	ss := buildSignals(ps)
	writeMunicipalities()
	writeOrgs(orgs)
	writeProjects(ps)
	writeSignals(ss)
	printSummary(orgs, ps, ss)
	if failed {
		return errors.New("gen: the demo data does not tell its story (see the failed checks)")
	}
	return nil
}
