// Package gen writes large, realistic, deterministic portfolio files for
// benchmarks and load tests.
//
// The output depends only on the row count and the seed: the same arguments
// give byte-identical files on every platform and Go version, because the
// generator uses its own xoshiro256** source rather than math/rand. Term codes
// are those of the demo mission (data/demo/mission.yaml); the emerging
// "water" challenge is never used, as in the demo, where no project answers
// it. Municipalities are the 88 of Gipuzkoa (geography.go).
//
// Generation is allocation-free per row: every word is a precomputed string
// and rows are appended into a few reused 1 MiB chunks.
package gen

import (
	"fmt"
	"io"
	"math"
	"math/bits"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// ProjectsHeader is the canonical header of the analyst projects CSV
// (DOMAIN.md §4), in canonical order.
const ProjectsHeader = "ext_ref,title,summary,pillars,challenges,levers,level,stage,status,facet,horizon," +
	"budget_total_eur,public_funding_eur,funding_instrument,start_date,end_date,lead_org,lead_org_type," +
	"partners,municipality_code,lat,lon,intent,updated_at"

// OrgPoolSize is the number of distinct organisation names lead_org and
// partners are drawn from. The pool is the same for every seed, so files
// generated with different seeds share their organisations (as successive
// exports of one region would), and each name always has the same actor type.
const OrgPoolSize = 20000

// Text length bounds of titles and summaries, in characters (runes).
const (
	minText = 60
	maxText = 200
)

// Projects writes a projects CSV with the canonical header and rows data
// rows. The bytes depend only on rows and seed.
//
// Rows are generated on a second goroutine into 1 MiB chunks while w writes
// the previous chunk, so generation and I/O overlap.
func Projects(w io.Writer, rows int, seed uint64) error {
	if rows < 0 {
		return fmt.Errorf("gen: rows must be >= 0, got %d", rows)
	}
	const chunk = 1 << 20
	full := make(chan []byte, 2)
	free := make(chan []byte, 3)
	for range 3 {
		free <- make([]byte, 0, chunk+8<<10) // a row is < 2 KiB: appends never reallocate
	}
	done := make(chan struct{}) // closed when w fails
	go func() {
		defer close(full)
		g := newProjectGen(seed)
		buf := append(<-free, ProjectsHeader+"\n"...)
		for i := 1; i <= rows; i++ {
			buf = g.row(buf, i)
			if len(buf) >= chunk {
				select {
				case full <- buf:
				case <-done:
					return
				}
				select {
				case buf = <-free:
				case <-done:
					return
				}
				buf = buf[:0]
			}
		}
		if len(buf) > 0 {
			select {
			case full <- buf:
			case <-done:
			}
		}
	}()
	for b := range full {
		if _, err := w.Write(b); err != nil {
			close(done)
			return err
		}
		free <- b
	}
	return nil
}

// ---------------------------------------------------------------- random source

// rng is xoshiro256** seeded through splitmix64: fast, and fixed forever.
type rng struct{ s0, s1, s2, s3 uint64 }

func newRNG(seed uint64) rng {
	var r rng
	sm := func() uint64 {
		seed += 0x9e3779b97f4a7c15
		z := seed
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
		z = (z ^ (z >> 27)) * 0x94d049bb133111eb
		return z ^ (z >> 31)
	}
	r.s0, r.s1, r.s2, r.s3 = sm(), sm(), sm(), sm()
	return r
}

func (r *rng) next() uint64 {
	res := bits.RotateLeft64(r.s1*5, 7) * 9
	t := r.s1 << 17
	r.s2 ^= r.s0
	r.s3 ^= r.s1
	r.s1 ^= r.s2
	r.s0 ^= r.s3
	r.s2 ^= t
	r.s3 = bits.RotateLeft64(r.s3, 45)
	return res
}

// intn returns a number in [0, n) (Lemire's multiply-high; the bias is
// below 2^-40 for the sizes used here).
func (r *rng) intn(n int) int {
	hi, _ := bits.Mul64(r.next(), uint64(n))
	return int(hi)
}

// float returns a number in [0, 1).
func (r *rng) float() float64 { return float64(r.next()>>11) / (1 << 53) }

// pct is true with probability p percent.
func (r *rng) pct(p int) bool { return r.intn(100) < p }

// weights picks an index with integer weights.
type weights struct {
	cum   []int
	total int
}

func newWeights(w ...int) weights {
	ws := weights{cum: make([]int, len(w))}
	for i, v := range w {
		ws.total += v
		ws.cum[i] = ws.total
	}
	return ws
}

func (w *weights) pick(r *rng) int {
	n := r.intn(w.total)
	for i, c := range w.cum {
		if n < c {
			return i
		}
	}
	return len(w.cum) - 1
}

// ---------------------------------------------------------------- taxonomy (codes of data/demo/mission.yaml)

var (
	pillarCodes    = []string{"social_cohesion", "decarbonisation", "adaptation"}
	challengeCodes = []string{"food", "mobility", "energy", "circular_industry", "care_ageing", "work_skills", "culture_language"} // never "water"
	leverCodes     = []string{"governance_policy", "finance_investment", "technology_data", "learning_capabilities", "participation", "social_innovation", "business_models", "culture_narratives"}
	levelCodes     = []string{"community", "startup", "large_scale", "public_service", "regulation"}
	stageCodes     = []string{"explore", "design", "pilot", "demonstrate", "scale", "embed"}
	statusCodes    = []string{"planned", "active", "paused", "completed", "stopped"}
	facetCodes     = []string{"mission", "enhancement", "adaptive", "anticipatory"}
	horizonCodes   = []string{"H1", "H2", "H3"}
	actorTypes     = []string{"public_admin", "public_company", "development_agency", "large_company", "sme", "startup", "cooperative", "university", "tech_centre", "foundation", "association_ngo", "community_group"}
)

const (
	atPublicAdmin = iota
	atPublicCompany
	atDevelopmentAgency
	atLargeCompany
	atSME
	atStartup
	atCooperative
	atUniversity
	atTechCentre
	atFoundation
	atAssociation
	atCommunityGroup
)

const (
	stPlanned = iota
	stActive
	stPaused
	stCompleted
	stStopped
)

var (
	levelW       = newWeights(25, 25, 10, 28, 12)
	statusW      = newWeights(18, 52, 5, 18, 7)
	stageW       = newWeights(15, 20, 22, 18, 14, 11)
	stagePlanW   = newWeights(6, 4) // planned projects are explored or designed
	facetW       = newWeights(35, 35, 18, 12)
	horizonW     = newWeights(38, 45, 17)
	pillarW      = newWeights(35, 40, 25)
	pillarCountW = newWeights(60, 35, 5)         // 1, 2 or 3 pillars
	leverCountW  = newWeights(50, 35, 15)        // 1, 2 or 3 levers
	partnerW     = newWeights(22, 33, 25, 13, 7) // 0–4 partners
	langW        = newWeights(30, 35, 35)        // en, es, eu
	// challenge weights given the first pillar (food is everywhere: the demo's dense cluster)
	pillarChallengeW = [3]weights{
		newWeights(2, 1, 1, 0, 3, 3, 3), // social_cohesion
		newWeights(2, 3, 4, 3, 0, 1, 0), // decarbonisation
		newWeights(3, 1, 1, 1, 3, 0, 1), // adaptation
	}
	// lever weights by level: governance, finance, technology, learning, participation, social innovation, business models, culture
	leverW = [5]weights{
		newWeights(1, 1, 1, 3, 6, 5, 1, 3),
		newWeights(1, 3, 6, 2, 1, 2, 6, 1),
		newWeights(2, 6, 6, 2, 1, 1, 3, 1),
		newWeights(5, 2, 2, 4, 3, 3, 1, 1),
		newWeights(8, 2, 1, 1, 2, 1, 1, 1),
	}
	// lead organisation types by level
	leadTypes = [5][]int{
		{atCommunityGroup, atAssociation, atCooperative, atFoundation},
		{atStartup, atSME},
		{atLargeCompany, atPublicCompany, atTechCentre, atUniversity},
		{atPublicAdmin, atPublicCompany, atDevelopmentAgency},
		{atPublicAdmin},
	}
	budgetRange = [5][2]float64{{5e3, 80e3}, {50e3, 600e3}, {1e6, 20e6}, {200e3, 5e6}, {20e3, 300e3}}
	instruments = [5][]string{
		{"Etorkizuna Eraikiz call", "Municipal budget", "Own funds", "Basque Government grant", "Crowdfunding"},
		{"Own funds", "Basque Government grant", "Horizon Europe", "Etorkizuna Eraikiz call", "Venture capital"},
		{"PERTE", "Horizon Europe", "Own funds", "NextGenerationEU", "LIFE programme"},
		{"Municipal budget", "Provincial budget", "Basque Government grant", "Interreg POCTEFA"},
		{"Provincial budget", "Municipal budget", "Basque Government grant"},
	}
	instrumentW = [5]weights{
		newWeights(5, 3, 2, 2, 1), newWeights(4, 3, 1, 2, 2), newWeights(3, 2, 2, 3, 1), newWeights(4, 4, 2, 1), newWeights(5, 3, 1),
	}
)

// ---------------------------------------------------------------- geography: see geography.go

// genitive returns the Basque local genitive of a place name ("Eibar" →
// "Eibarko", "Irun" → "Irungo", "Zarautz" → "Zarauzko").
func genitive(place string) string {
	switch {
	case strings.HasSuffix(place, "tz"):
		return place[:len(place)-2] + "zko"
	case strings.HasSuffix(place, "n"), strings.HasSuffix(place, "l"):
		return place + "go"
	case strings.HasSuffix(place, "r"):
		return place + "ko"
	case strings.ContainsAny(place[len(place)-1:], "aeiou"):
		return place + "ko"
	}
	return place + "eko"
}

// ---------------------------------------------------------------- words (en, es, eu)

const (
	en = iota
	es
	eu
)

var challengeLabel = [3][]string{
	{"sustainable and healthy food", "new mobility", "energy", "circular industry", "care and ageing", "work and skills", "culture and language"},
	{"alimentación sostenible y saludable", "nueva movilidad", "energía", "industria circular", "cuidados y envejecimiento", "empleo y competencias", "cultura y lengua"},
	{"elikadura jasangarri eta osasungarria", "mugikortasun berria", "energia", "industria zirkularra", "zaintza eta zahartzea", "lana eta gaitasunak", "kultura eta hizkuntza"},
}

var leverLabel = [3][]string{
	{"governance and policy", "finance and investment", "technology and data", "learning and capabilities", "citizen participation", "social innovation", "new business models", "culture and narratives"},
	{"gobernanza y políticas", "financiación e inversión", "tecnología y datos", "aprendizaje y capacidades", "participación ciudadana", "innovación social", "nuevos modelos de negocio", "cultura y narrativas"},
	{"gobernantza eta politikak", "finantzaketa eta inbertsioa", "teknologia eta datuak", "ikaskuntza eta gaitasunak", "herritarren parte-hartzea", "berrikuntza soziala", "negozio eredu berriak", "kultura eta kontakizunak"},
}

var levelNoun = [3][]string{
	{"A community-driven action", "A startup and SME initiative", "A large-scale initiative", "A public programme", "A policy and regulation initiative"},
	{"Acción comunitaria", "Iniciativa de startups y pymes", "Iniciativa a gran escala", "Programa público", "Iniciativa de política y regulación"},
	{"Komunitate-ekintza", "Startup eta ETEen ekimena", "Eskala handiko ekimena", "Programa publikoa", "Politika eta araudi ekimena"},
}

var titleHead = [3][]string{
	{"Pilot programme for", "Community network for", "Demonstrator of", "Regional strategy for", "Living lab on", "Scaling up",
		"Feasibility study on", "Neighbourhood plan for", "Open platform for", "Training scheme on", "Roadmap for", "Public-private partnership on"},
	{"Programa piloto de", "Red comunitaria de", "Demostrador de", "Estrategia comarcal de", "Laboratorio vivo de", "Escalado de",
		"Estudio de viabilidad de", "Plan de barrio de", "Plataforma abierta de", "Formación en", "Hoja de ruta de", "Alianza público-privada de"},
	{"programa pilotua", "komunitate-sarea", "erakustaldia", "eskualde-estrategia", "laborategi bizia", "eskalatze-fasea",
		"bideragarritasun-azterketa", "auzo-plana", "plataforma irekia", "prestakuntza-programa", "ibilbide-orria", "lankidetza publiko-pribatua"},
}

// titleTopic[lang][challenge] lists subjects; Basque ones open the title and
// are capitalised at init.
var titleTopic = [3][7][]string{
	{
		{"short food supply chains", "school canteen procurement", "urban community gardens", "food waste recovery", "neighbourhood composting"},
		{"on-demand rural buses", "shared electric vehicles", "cargo-bike logistics", "safe cycling routes", "low-emission zones"},
		{"renewable energy communities", "rooftop solar self-consumption", "district heating", "energy poverty relief", "deep building retrofits"},
		{"industrial symbiosis", "steel remanufacturing", "repair and reuse hubs", "construction waste recycling", "textile reuse"},
		{"community care networks", "age-friendly housing", "home telecare", "loneliness prevention", "heatwave shelters for older people"},
		{"green skills training", "dual vocational education", "reskilling metalworkers", "youth green jobs", "rural women's entrepreneurship"},
		{"climate storytelling in Basque", "industrial heritage", "transition arts residencies", "sustainable cultural festivals", "bertsolaritza and the transition"},
	},
	{
		{"cadenas cortas de alimentación", "compra pública alimentaria", "huertos urbanos comunitarios", "recuperación del desperdicio alimentario", "compostaje vecinal"},
		{"autobús rural a demanda", "vehículo eléctrico compartido", "logística urbana en bicicleta", "itinerarios ciclables seguros", "zonas de bajas emisiones"},
		{"comunidades energéticas renovables", "autoconsumo solar en cubiertas", "redes de calor", "lucha contra la pobreza energética", "rehabilitación energética integral"},
		{"simbiosis industrial", "remanufactura del acero", "centros de reparación y reutilización", "reciclaje de residuos de construcción", "reutilización textil"},
		{"redes comunitarias de cuidados", "vivienda adaptada para mayores", "teleasistencia domiciliaria", "prevención de la soledad no deseada", "refugios climáticos para personas mayores"},
		{"competencias verdes", "formación profesional dual", "recualificación del sector del metal", "empleo verde juvenil", "emprendimiento femenino rural"},
		{"narrativas climáticas en euskera", "patrimonio industrial", "residencias artísticas de transición", "festivales culturales sostenibles", "bertsolarismo y transición"},
	},
	{
		{"elikadura-zirkuitu laburrak", "eskola-jantokien erosketa publikoa", "hiri-baratze komunitarioak", "elikagai-hondakinen berreskurapena", "auzo-konpostajea"},
		{"eskaerapeko landa-autobusa", "ibilgailu elektriko partekatuak", "bizikleta bidezko hiri-logistika", "bidegorri seguruak", "emisio gutxiko eremuak"},
		{"energia-komunitate berriztagarriak", "eguzki-autokontsumoa teilatuetan", "bero-sareak", "energia-pobreziaren aurkako neurriak", "eraikinen birgaitze energetikoa"},
		{"sinbiosi industriala", "altzairuaren birfabrikazioa", "konponketa eta berrerabilpen guneak", "eraikuntza-hondakinen birziklapena", "ehunen berrerabilpena"},
		{"zaintza-sare komunitarioak", "adinekoentzako etxebizitza egokituak", "etxeko telelaguntza", "nahi gabeko bakardadearen prebentzioa", "klima-aterpeak adinekoentzat"},
		{"gaitasun berdeen prestakuntza", "lanbide heziketa duala", "metalgintzako langileen birgaikuntza", "gazteentzako enplegu berdea", "landa-eremuko emakume ekintzaileak"},
		{"klima-kontakizunak euskaraz", "ondare industriala", "trantsizioko arte-egoitzak", "kultur jaialdi jasangarriak", "bertsolaritza eta trantsizioa"},
	},
}

var titleQualifier = [3][]string{
	{"with citizen participation", "for small and medium enterprises", "(phase II)", "with open data monitoring", "led by local cooperatives",
		"with a gender perspective", "under shared governance", "for vulnerable households", "in partnership with schools",
		"for rural villages", "with Basque technology centres", "2025–2028"},
	{"con participación ciudadana", "para pequeñas y medianas empresas", "(fase II)", "con seguimiento de datos abiertos", "impulsado por cooperativas locales",
		"con perspectiva de género", "con gobernanza compartida", "para hogares vulnerables", "en colaboración con centros educativos",
		"para núcleos rurales", "junto a centros tecnológicos vascos", "2025–2028"},
	{"herritarren parte-hartzearekin", "enpresa txiki eta ertainentzat", "(II. fasea)", "datu irekien jarraipenarekin", "tokiko kooperatibek bultzatua",
		"genero-ikuspegiarekin", "gobernantza partekatuarekin", "etxe kalteberentzat", "ikastetxeekin elkarlanean",
		"landa-eremuko herrientzat", "zentro teknologikoekin batera", "2025–2028"},
}

var summaryExtra = [3][]string{
	{"Results are shared openly with other municipalities.", "An evaluation is planned at the end of each phase.", "Local schools and neighbours take part from the start."},
	{"Los resultados se comparten con otros municipios.", "Se evalúa al final de cada fase.", "Centros educativos y vecindario participan desde el inicio."},
	{"Emaitzak beste udalerriekin partekatzen dira.", "Fase bakoitzaren amaieran ebaluazioa egiten da.", "Ikastetxeek eta auzokideek hasieratik parte hartzen dute."},
}

// intents[lang][challenge] are the "why" sentences of the intent column.
var intents = [3][7][]string{
	{
		{"Shorten supply chains and put local, healthy food on public plates.", "Cut food waste and return nutrients to the soil."},
		{"Make everyday trips possible without a private car.", "Give rural villages a reliable public transport link."},
		{"Let households and firms produce and share renewable energy.", "Lower energy bills for vulnerable households."},
		{"Keep materials in use and turn waste into inputs for local industry.", "Help manufacturers redesign products for repair and reuse."},
		{"Let older people live well at home and in their neighbourhood.", "Share the work of care more fairly across the community."},
		{"Prepare workers for the jobs of the transition.", "Open green jobs to young people and women."},
		{"Tell the story of the transition in Basque and make it everyone's.", "Link cultural heritage with sustainable ways of living."},
	},
	{
		{"Acortar las cadenas de suministro y llevar alimentos locales y sanos a los comedores públicos.", "Reducir el desperdicio alimentario y devolver los nutrientes al suelo."},
		{"Hacer posibles los desplazamientos diarios sin coche privado.", "Dar a los pueblos rurales una conexión fiable de transporte público."},
		{"Que hogares y empresas produzcan y compartan energía renovable.", "Reducir la factura energética de los hogares vulnerables."},
		{"Mantener los materiales en uso y convertir los residuos en recursos para la industria local.", "Ayudar a los fabricantes a rediseñar productos para repararlos y reutilizarlos."},
		{"Que las personas mayores vivan bien en casa y en su barrio.", "Repartir los cuidados de forma más justa en la comunidad."},
		{"Preparar a las personas trabajadoras para los empleos de la transición.", "Abrir el empleo verde a jóvenes y mujeres."},
		{"Contar la transición en euskera y hacerla de todos.", "Unir el patrimonio cultural con formas de vida sostenibles."},
	},
	{
		{"Hornidura-kateak laburtu eta tokiko elikagai osasungarriak jantoki publikoetara eraman.", "Elikagai-hondakinak murriztu eta mantenugaiak lurrera itzuli."},
		{"Eguneroko joan-etorriak auto pribaturik gabe egitea ahalbidetu.", "Landa-eremuko herriei garraio publiko fidagarria eman."},
		{"Etxeek eta enpresek energia berriztagarria ekoitzi eta partekatzea.", "Etxe kalteberen energia-fakturak jaitsi."},
		{"Materialak erabileran mantendu eta hondakinak tokiko industriarako baliabide bihurtu.", "Fabrikatzaileei produktuak konpontzeko eta berrerabiltzeko birdiseinatzen lagundu."},
		{"Adinekoek etxean eta auzoan ongi bizi ahal izatea.", "Zaintza-lana komunitatean modu bidezkoagoan banatu."},
		{"Langileak trantsizioko lanpostuetarako prestatu.", "Enplegu berdea gazteei eta emakumeei zabaldu."},
		{"Trantsizioaren istorioa euskaraz kontatu eta guztiona egin.", "Kultur ondarea bizimodu jasangarriekin lotu."},
	},
}

func capitalise(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return strings.ToUpper(string(r)) + s[n:]
}

func init() {
	for c := range titleTopic[eu] {
		for i, t := range titleTopic[eu][c] {
			titleTopic[eu][c][i] = capitalise(t)
		}
	}
}

// ---------------------------------------------------------------- organisations

var (
	families = []string{
		"Agirre", "Aierbe", "Aizpurua", "Alberdi", "Alkorta", "Altuna", "Amenabar", "Anduaga", "Ansola", "Arana",
		"Aranburu", "Arizmendi", "Arregi", "Arrieta", "Arruti", "Arteaga", "Artola", "Arzak", "Azkue", "Azpiazu",
		"Barandiaran", "Bengoetxea", "Berasategi", "Beristain", "Egaña", "Eizagirre", "Elizondo", "Elorza", "Elosegi", "Errasti",
		"Etxaniz", "Etxeberria", "Etxezarreta", "Ezeiza", "Gabilondo", "Galarraga", "Ganboa", "Garmendia", "Gartzia", "Goenaga",
		"Goikoetxea", "Gorostiaga", "Ibarguren", "Idiakez", "Iparragirre", "Irazusta", "Irigoien", "Iriondo", "Iturbe", "Iturrioz",
		"Izagirre", "Jauregi", "Korta", "Labaka", "Landa", "Larrañaga", "Lasa", "Lertxundi", "Lizarraga", "Loidi",
		"Mendizabal", "Mugika", "Murua", "Odriozola", "Olaizola", "Olano", "Oiarzabal", "Oñederra", "Otaegi", "Otamendi",
		"Otaño", "Retegi", "Sagastume", "Salaberria", "Sarasola", "Telleria", "Txurruka", "Ugalde", "Ugarte", "Unanue",
		"Uranga", "Urdangarin", "Urkijo", "Urrutia", "Zabala", "Zabaleta", "Zubeldia", "Zubizarreta", "Zuloaga", "Zurutuza",
		"Ibáñez", "Muñoa", "Núñez", "Peña", "Goñi", "Ordóñez", "Martínez", "Fernández", "López", "García",
		"Sánchez", "Pérez", "Gómez", "Rodríguez", "Díaz", "Ruiz", "Álvarez", "Jiménez", "Echeverría", "Ugarte-Lasa",
		"Zulaika", "Aranzabal", "Lizaso", "Esnaola", "Aldabaldetreku", "Azkarate", "Urbieta", "Bikuña", "Erauskin", "Mitxelena",
	}
	brandWords = []string{
		"Argia", "Berdea", "Bizia", "Ekin", "Elkar", "Hazia", "Hegoa", "Ibaia", "Iparra", "Itsaso",
		"Lurra", "Mendia", "Olatu", "Sarea", "Txinparta", "Urrats", "Zirkulu", "Aukera", "Bidea", "Eguzki",
		"Ekaitz", "Haize", "Harrobi", "Hitza", "Ilargi", "Izarra", "Jauzi", "Kresala", "Lainoa", "Larrea",
		"Mugi", "Oihana", "Orbela", "Sustrai", "Taupada", "Ura", "Zuhaitz", "Zubia", "Goiz", "Amets",
		"Ardatz", "Barne", "Bidaia", "Erro", "Gune", "Habia", "Kide", "Lokarri", "Lore", "Marea",
		"Oinarri", "Txantxangorri", "Uztarri", "Zaindu", "Zelai", "Zohar", "Ekarri", "Altxa", "Bultza", "Elkarlan",
		"Ernai", "Gogoa", "Hauspoa", "Iturri", "Jolas", "Kalapie", "Lanbro", "Mahats", "Nahasi", "Ondare",
		"Pausoa", "Sorgin", "Tantaka", "Uzta", "Xirimiri", "Zurrusta", "Aldaketa", "Begirada", "Doinua", "Garatu",
	}
	techSuffixes = []string{"Lab", "Labs", "Tech", "Analytics", "Energy", "Mobility", "Robotics", "Foodtech", "Data", "Systems",
		"Solutions", "Sensors", "Biotech", "Platform", "Care", "Materials", "Cloud", "AI", "Digital", "Networks"}
	tradesES = []string{"Talleres", "Instalaciones", "Construcciones", "Transportes", "Gráficas", "Carpintería", "Panadería", "Conservas",
		"Fundiciones", "Mecanizados", "Electricidad", "Fontanería", "Reformas", "Maderas", "Cerámicas", "Sidrería", "Asesoría",
		"Ingeniería", "Calderería", "Embalajes", "Estampaciones", "Recambios", "Pinturas", "Autocares", "Viveros"}
	tradesEU = []string{"Ingeniaritza", "Eraikuntzak", "Mekanizatuak", "Instalazioak", "Elikagaiak", "Garraioak", "Zurgintza",
		"Aholkularitza", "Moldeak", "Arrantza", "Esnekiak", "Argitaletxea", "Ostalaritza", "Berziklapena", "Altzariak", "Inprimategia",
		"Burdinola", "Teilagintza", "Lorezaintza", "Harategia", "Okindegia", "Mahastiak", "Galdaragintza", "Informatika", "Diseinua"}
	industriesES = []string{"Aceros", "Industrias", "Papelera", "Forjas", "Laminados", "Componentes", "Electrodomésticos",
		"Máquinas-Herramienta", "Cementos", "Plásticos", "Cables", "Tubos", "Rodamientos", "Motores", "Vidrieras", "Química",
		"Automoción", "Estructuras", "Troqueles", "Aislamientos"}
	industriesEN = []string{"Rail Systems", "Lift Systems", "Wind Power", "Logistics", "Steel Group", "Packaging", "Automotive",
		"Aerospace", "Machine Tools", "Renewables"}
	publicServicesES = []string{"Aguas", "Transportes Urbanos", "Vivienda Pública", "Gestión de Residuos", "Energía Municipal",
		"Aparcamientos", "Desarrollo Urbano", "Deportes", "Turismo", "Promoción Económica"}
	publicServicesEU = []string{"Ur Zerbitzuak", "Hiri Garraioa", "Etxebizitza Publikoa", "Hondakin Kudeaketa", "Udal Energia",
		"Aparkalekuak", "Hirigintza", "Kirolak", "Turismoa", "Sustapen Ekonomikoa"}
	universityFields = []string{"Ingeniería", "Ciencias Sociales", "Economía", "Educación", "Enfermería", "Gastronomía",
		"Informática", "Arquitectura", "Derecho", "Bellas Artes"}
	universityTowns = []string{"20069", "20030", "20055", "20071", "20019", "20045", "20018", "20079", "20059", "20040"}
	researchCentres = []string{"Materials Research Centre", "Energy Research Centre", "Food Research Centre", "Digital Manufacturing Centre",
		"Health Research Institute", "Mobility Research Centre", "Circular Economy Institute", "Climate Research Centre"}
	associationsES = []string{"Asociación de Vecinos de", "Asociación Cultural de", "Asociación de Comerciantes de", "Asociación de Mayores de",
		"Asociación Juvenil de", "Asociación de Madres y Padres de", "Asociación Ecologista de", "Asociación de Mujeres de"}
	// %[1]s is the Basque name of the town, %[2]s the Spanish one.
	communityGroups = []string{"%[1]s Trantsizioan", "Grupo de consumo de %[2]s", "%[1]s Auzo Baratzak", "%[1]s Auzolanean", "%[1]s Zaintza Sarea",
		"%[1]s Energia Taldea", "%[1]s Bizikletaz", "Huertos vecinales de %[2]s", "%[1]s Konpostatzaileak", "%[1]s Konponketa Kafea"}
	// poolQuota is the number of organisations of each actor type (sums to OrgPoolSize).
	poolQuota = [12]int{
		atPublicAdmin: 190, atPublicCompany: 600, atDevelopmentAgency: 150, atLargeCompany: 1500, atSME: 7500,
		atStartup: 2800, atCooperative: 1500, atUniversity: 200, atTechCentre: 800, atFoundation: 1260,
		atAssociation: 2500, atCommunityGroup: 1000,
	}
)

// orgCandidates lists every name the templates of an actor type can make.
func orgCandidates(t int) []string {
	var out []string
	add := func(format string, a ...any) { out = append(out, fmt.Sprintf(format, a...)) }
	switch t {
	case atPublicAdmin:
		for _, m := range municipalities {
			add("%s Udala", genitive(m.eu))
			add("Ayuntamiento de %s", m.es)
		}
		for _, c := range comarcas {
			add("%s Mankomunitatea", c.eu)
			add("Mancomunidad de %s", c.es)
		}
	case atPublicCompany:
		for _, m := range municipalities {
			for i := range publicServicesES {
				add("%s de %s S.A.", publicServicesES[i], m.es)
				add("%s %s", genitive(m.eu), publicServicesEU[i])
			}
		}
	case atDevelopmentAgency:
		for _, c := range comarcas {
			add("%s Garapen Agentzia", c.eu)
			add("Agencia de Desarrollo de %s", c.es)
		}
		for _, m := range municipalities {
			add("%s Garapen Agentzia", genitive(m.eu))
			add("Agencia de Desarrollo Local de %s", m.es)
		}
	case atLargeCompany:
		for _, f := range families {
			for _, x := range industriesES {
				add("%s %s S.A.", x, f)
			}
			for _, x := range industriesEN {
				add("%s %s S.A.", f, x)
			}
		}
	case atSME:
		for _, f := range families {
			for _, x := range tradesES {
				add("%s %s S.L.", x, f)
			}
			for _, x := range tradesEU {
				add("%s %s S.L.", f, x)
			}
		}
		for _, m := range municipalities {
			for _, x := range tradesES {
				add("%s %s S.L.", x, m.es)
			}
		}
	case atStartup:
		for _, w := range brandWords {
			for _, x := range techSuffixes {
				add("%s %s", w, x)
			}
			for _, w2 := range brandWords {
				if w2 != w {
					add("%s%s", w, strings.ToLower(w2))
				}
			}
		}
	case atCooperative:
		for _, w := range brandWords {
			add("%s Kooperatiba", w)
			add("%s S.Coop.", w)
		}
		for _, f := range families {
			for _, x := range tradesEU {
				add("%s %s S.Coop.", f, x)
			}
		}
	case atUniversity:
		for _, m := range municipalities {
			add("Escuela Universitaria de %s", m.es)
			add("%s Goi Eskola", genitive(m.eu))
		}
		for _, code := range universityTowns {
			m := muniByCode(code)
			for _, f := range universityFields {
				add("Facultad de %s de %s", f, m.es)
			}
		}
	case atTechCentre:
		for _, w := range brandWords {
			add("Centro Tecnológico %s", w)
			add("%s Zentro Teknologikoa", w)
			add("%s Ikerketa Zentroa", w)
			for _, x := range researchCentres {
				add("%s %s", w, x)
			}
		}
	case atFoundation:
		for _, w := range brandWords {
			add("%s Fundazioa", w)
		}
		for _, f := range families {
			add("Fundación %s", f)
			for _, f2 := range families {
				if f2 != f {
					add("Fundación %s %s", f, f2)
				}
			}
		}
	case atAssociation:
		for _, w := range brandWords {
			add("%s Elkartea", w)
		}
		for _, m := range municipalities {
			for _, a := range associationsES {
				add("%s %s", a, m.es)
			}
			for _, w := range brandWords {
				add("%s %s Elkartea", m.eu, w)
			}
		}
	case atCommunityGroup:
		for _, m := range municipalities {
			for _, f := range communityGroups {
				add(f, m.eu, m.es)
			}
		}
		for _, w := range brandWords {
			add("Auzo Sarea %s", w)
			add("%s Auzo Taldea", w)
		}
	}
	return out
}

var foldAccents = strings.NewReplacer("á", "a", "à", "a", "é", "e", "è", "e", "í", "i", "ó", "o", "ò", "o", "ú", "u", "ü", "u", "ñ", "n", "ç", "c")

// nameKey mirrors begira_name_key: case, accents and spacing never make two
// organisations.
func nameKey(s string) string {
	return strings.Join(strings.Fields(foldAccents.Replace(strings.ToLower(s))), " ")
}

// orgPool is the fixed set of organisations projects are led by and
// partnered with.
type orgPool struct {
	names  []string
	types  []uint8     // index into actorTypes
	byType [12][]int32 // pool indices of each actor type
}

var (
	poolOnce sync.Once
	thePool  *orgPool
)

func pool() *orgPool {
	poolOnce.Do(func() { thePool = buildPool() })
	return thePool
}

func buildPool() *orgPool {
	r := newRNG(0x626567697261) // fixed: the pool is the same for every seed
	p := &orgPool{}
	seen := map[string]bool{}
	for t := range actorTypes {
		c := orgCandidates(t)
		for i := len(c) - 1; i > 0; i-- {
			j := r.intn(i + 1)
			c[i], c[j] = c[j], c[i]
		}
		n := 0
		for _, name := range c {
			if n == poolQuota[t] {
				break
			}
			k := nameKey(name)
			if seen[k] {
				continue
			}
			seen[k] = true
			p.names = append(p.names, name)
			p.types = append(p.types, uint8(t))
			n++
		}
	}
	for i := len(p.names) - 1; i > 0; i-- {
		j := r.intn(i + 1)
		p.names[i], p.names[j] = p.names[j], p.names[i]
		p.types[i], p.types[j] = p.types[j], p.types[i]
	}
	for i, t := range p.types {
		p.byType[t] = append(p.byType[t], int32(i))
	}
	return p
}

// skewed picks an index in [0, n) favouring low indices, so that a few
// organisations lead or join many projects, as hubs do.
func skewed(r *rng, n int) int { return r.intn(r.intn(n) + 1) }

// ---------------------------------------------------------------- dates

// dayZero is day 0 of the date table; every generated date falls inside it.
var dayZero = time.Date(2012, 1, 1, 0, 0, 0, 0, time.UTC)

var (
	datesOnce sync.Once
	isoDates  []byte // 10 bytes per day from dayZero
)

const tableDays = 366 * 24 // to 2035

func dayOf(y int, m time.Month, d int) int {
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Sub(dayZero).Hours() / 24)
}

func dates() []byte {
	datesOnce.Do(func() {
		isoDates = make([]byte, 0, tableDays*10)
		for i := 0; i < tableDays; i++ {
			isoDates = dayZero.AddDate(0, 0, i).AppendFormat(isoDates, "2006-01-02")
		}
	})
	return isoDates
}

var (
	dayNow         = dayOf(2026, 11, 1) // the reference "today" of the demo
	dayUpdatedFrom = dayOf(2024, 1, 1)
	dayPastFrom    = dayOf(2015, 1, 1)
	dayPastTo      = dayOf(2024, 6, 30)
	dayLiveFrom    = dayOf(2018, 1, 1)
	dayLiveTo      = dayOf(2026, 9, 30)
	dayPlanFrom    = dayOf(2026, 1, 1)
	dayPlanTo      = dayOf(2027, 12, 31)
)

// ---------------------------------------------------------------- rows

type projectGen struct {
	r     rng
	pool  *orgPool
	dates []byte
	muniW weights
	lat5  []int64 // municipality centroids × 1e5
	lon5  []int64
	tmp   []byte
	// choices of the current row
	pillars    [3]int
	challenges [2]int
	levers     [3]int
	partners   [4]int
	nPil, nCh  int
	nLev, nPar int
}

func newProjectGen(seed uint64) *projectGen {
	g := &projectGen{r: newRNG(seed), pool: pool(), dates: dates(), tmp: make([]byte, 0, 512)}
	w := make([]int, len(municipalities))
	for i, m := range municipalities {
		w[i] = int(math.Sqrt(float64(m.population))) // larger towns host more projects
		g.lat5 = append(g.lat5, int64(math.Round(m.lat*1e5)))
		g.lon5 = append(g.lon5, int64(math.Round(m.lon*1e5)))
	}
	g.muniW = newWeights(w...)
	return g
}

// row appends data row n (1-based) to b.
func (g *projectGen) row(b []byte, n int) []byte {
	r := &g.r
	p := g.pool
	lang := langW.pick(r)
	level := levelW.pick(r)
	status := statusW.pick(r)
	var stage int
	if status == stPlanned {
		stage = stagePlanW.pick(r)
	} else {
		stage = stageW.pick(r)
	}
	// pillars, then challenges coherent with the first pillar, then levers
	g.nPil = pillarCountW.pick(r) + 1
	g.pillars[0] = pillarW.pick(r)
	for i := 1; i < g.nPil; i++ {
		g.pillars[i] = g.pillars[i-1]
		for g.pillars[i] == g.pillars[0] || (i == 2 && g.pillars[i] == g.pillars[1]) {
			g.pillars[i] = r.intn(len(pillarCodes))
		}
	}
	g.challenges[0] = pillarChallengeW[g.pillars[0]].pick(r)
	g.nCh = 1
	if r.pct(25) {
		c := r.intn(len(challengeCodes))
		if c != g.challenges[0] {
			g.challenges[1] = c
			g.nCh = 2
		}
	}
	g.nLev = 0
	for want := leverCountW.pick(r) + 1; g.nLev < want; {
		l := leverW[level].pick(r)
		dup := false
		for _, x := range g.levers[:g.nLev] {
			dup = dup || x == l
		}
		if !dup {
			g.levers[g.nLev] = l
			g.nLev++
		}
	}
	// organisations: the lead's type follows the level of action
	lt := leadTypes[level][r.intn(len(leadTypes[level]))]
	byType := p.byType[lt]
	lead := int(byType[skewed(r, len(byType))])
	g.nPar = 0
	for want := partnerW.pick(r); g.nPar < want; {
		o := skewed(r, len(p.names))
		dup := o == lead
		for _, x := range g.partners[:g.nPar] {
			dup = dup || x == o
		}
		if !dup {
			g.partners[g.nPar] = o
			g.nPar++
		}
	}
	mi := g.muniW.pick(r)
	m := &municipalities[mi]
	instrument := ""
	if !r.pct(5) {
		instrument = instruments[level][instrumentW[level].pick(r)]
	}

	// ext_ref
	b = append(b, "GEN-"...)
	b = appendPadded(b, int64(n), 7)
	b = append(b, ',')
	b = g.appendQuoted(b, g.title(lang, g.challenges[0], m))
	b = append(b, ',')
	b = g.appendQuoted(b, g.summary(lang, level, g.challenges[0], m, p.names[lead], instrument))
	b = append(b, ',')
	for i := 0; i < g.nPil; i++ {
		if i > 0 {
			b = append(b, '|')
		}
		b = append(b, pillarCodes[g.pillars[i]]...)
	}
	b = append(b, ',')
	for i := 0; i < g.nCh; i++ {
		if i > 0 {
			b = append(b, '|')
		}
		b = append(b, challengeCodes[g.challenges[i]]...)
	}
	b = append(b, ',')
	for i := 0; i < g.nLev; i++ {
		if i > 0 {
			b = append(b, '|')
		}
		b = append(b, leverCodes[g.levers[i]]...)
	}
	b = append(b, ',')
	b = append(b, levelCodes[level]...)
	b = append(b, ',')
	b = append(b, stageCodes[stage]...)
	b = append(b, ',')
	b = append(b, statusCodes[status]...)
	b = append(b, ',')
	b = append(b, facetCodes[facetW.pick(r)]...)
	b = append(b, ',')
	b = append(b, horizonCodes[horizonW.pick(r)]...)
	b = append(b, ',')
	// budget and public funding, in cents; a few budgets are unknown
	if r.pct(4) {
		b = append(b, ',')
	} else {
		lo, hi := budgetRange[level][0], budgetRange[level][1]
		cents := int64(lo * math.Exp(r.float()*math.Log(hi/lo)) * 100)
		switch x := r.intn(100); {
		case x < 55:
			cents = cents / 10000 * 10000 // round hundreds of euros
		case x < 85:
			cents = cents / 100 * 100
		}
		b = appendCents(b, cents)
		b = append(b, ',')
		switch x := r.intn(100); {
		case x < 20:
			b = append(b, '0')
		case x < 25: // unknown
		default:
			b = appendCents(b, cents*int64(15+r.intn(86))/100)
		}
	}
	b = append(b, ',')
	b = append(b, instrument...)
	b = append(b, ',')
	// dates: past projects ended, live ones may be open-ended, planned ones start soon
	var start, end int
	switch status {
	case stPlanned:
		start = dayPlanFrom + r.intn(dayPlanTo-dayPlanFrom+1)
		end = start + 365 + r.intn(4*365)
	case stCompleted, stStopped:
		start = dayPastFrom + r.intn(dayPastTo-dayPastFrom+1)
		end = min(start+180+r.intn(4*365), dayNow-1)
	default:
		start = dayLiveFrom + r.intn(dayLiveTo-dayLiveFrom+1)
		end = max(start+365+r.intn(5*365), dayNow+30)
		if r.pct(10) {
			end = -1
		}
	}
	b = append(b, g.dates[start*10:start*10+10]...)
	b = append(b, ',')
	if end >= 0 {
		b = append(b, g.dates[end*10:end*10+10]...)
	}
	b = append(b, ',')
	b = append(b, p.names[lead]...)
	b = append(b, ',')
	b = append(b, actorTypes[lt]...)
	b = append(b, ',')
	for i := 0; i < g.nPar; i++ {
		if i > 0 {
			b = append(b, '|')
		}
		b = append(b, p.names[g.partners[i]]...)
	}
	b = append(b, ',')
	b = append(b, m.code...)
	b = append(b, ',')
	if r.pct(12) {
		b = append(b, ',')
	} else {
		b = appendFixed5(b, g.lat5[mi]+int64(r.intn(3001)-1500))
		b = append(b, ',')
		b = appendFixed5(b, g.lon5[mi]+int64(r.intn(3001)-1500))
	}
	b = append(b, ',')
	if !r.pct(8) {
		opts := intents[lang][g.challenges[0]]
		b = appendQuotedString(b, opts[r.intn(len(opts))])
	}
	b = append(b, ',')
	u := dayUpdatedFrom + r.intn(dayNow-dayUpdatedFrom)
	b = append(b, g.dates[u*10:u*10+10]...)
	return append(b, '\n')
}

// title builds a 60–200 character title in g.tmp.
func (g *projectGen) title(lang, ch int, m *municipality) []byte {
	r := &g.r
	t := g.tmp[:0]
	c := comarcaOf(m.comarca)
	inTown := r.pct(60)
	topics := titleTopic[lang][ch]
	head := titleHead[lang][r.intn(len(titleHead[lang]))]
	topic := topics[r.intn(len(topics))]
	switch lang {
	case en:
		t = append(append(append(t, head...), ' '), topic...)
		if inTown {
			t = append(append(t, " in "...), m.eu...)
		} else {
			t = append(append(t, " across "...), c.eu...)
		}
	case es:
		t = append(append(append(t, head...), ' '), topic...)
		if inTown {
			t = append(append(t, " en "...), m.es...)
		} else {
			t = append(append(t, " en la comarca de "...), c.es...)
		}
	default:
		t = append(t, topic...)
		if inTown {
			t = append(append(append(t, " ("...), m.eu...), ')')
		} else {
			t = append(append(t, ' '), c.inessive...)
		}
		t = append(append(t, ": "...), head...)
	}
	want := minText
	if r.pct(35) {
		want += 1 + r.intn(80) // some titles are long
	}
	quals := titleQualifier[lang]
	q0 := r.intn(len(quals))
	n := runeCount(t)
	for k := 0; k < len(quals) && n < want; k++ {
		q := quals[(q0+k)%len(quals)]
		qn := utf8.RuneCountInString(q)
		if n+1+qn > maxText {
			break
		}
		t = append(append(t, ' '), q...)
		n += 1 + qn
	}
	g.tmp = t
	return t
}

// summary builds a 60–200 character summary in g.tmp.
func (g *projectGen) summary(lang, level, ch int, m *municipality, lead, instrument string) []byte {
	r := &g.r
	t := g.tmp[:0]
	lev := leverLabel[lang]
	t = append(t, levelNoun[lang][level]...)
	switch lang {
	case en:
		t = append(append(append(append(t, " on "...), challengeLabel[en][ch]...), " in "...), m.eu...)
		t = append(append(append(t, ", led by "...), lead...), " and working through "...)
		t = append(t, lev[g.levers[0]]...)
		if g.nLev > 1 {
			t = append(append(t, ", and "...), lev[g.levers[1]]...)
		}
		t = append(t, '.')
		if instrument != "" && r.pct(40) {
			t = g.addIfFits(t, " Funded through ", instrument)
		}
	case es:
		t = append(append(append(append(t, " sobre "...), challengeLabel[es][ch]...), " en "...), m.es...)
		t = append(endSentence(append(append(t, ". Lidera: "...), lead...)), " Palancas: "...)
		t = append(t, lev[g.levers[0]]...)
		if g.nLev > 1 {
			t = append(append(t, ", "...), lev[g.levers[1]]...)
		}
		t = append(t, '.')
		if instrument != "" && r.pct(40) {
			t = g.addIfFits(t, " Financiación: ", instrument)
		}
	default:
		t = append(append(append(append(t, ' '), challengeLabel[eu][ch]...), " arloan, "...), m.eu...)
		t = append(endSentence(append(append(t, " udalerrian. Buruzagia: "...), lead...)), " Palankak: "...)
		t = append(t, lev[g.levers[0]]...)
		if g.nLev > 1 {
			t = append(append(t, ", "...), lev[g.levers[1]]...)
		}
		t = append(t, '.')
		if instrument != "" && r.pct(40) {
			t = g.addIfFits(t, " Finantzaketa: ", instrument)
		}
	}
	n := runeCount(t)
	if n < minText || r.pct(20) {
		x := summaryExtra[lang][r.intn(len(summaryExtra[lang]))]
		if n < minText || n+1+utf8.RuneCountInString(x) <= maxText {
			t = append(append(t, ' '), x...)
			n += 1 + utf8.RuneCountInString(x)
		}
	}
	if n > maxText {
		t = clip(t, maxText)
	}
	g.tmp = t
	return t
}

// addIfFits appends the sentence prefix+x to t when the result stays within
// maxText characters.
func (g *projectGen) addIfFits(t []byte, prefix, x string) []byte {
	if runeCount(t)+utf8.RuneCountInString(prefix)+utf8.RuneCountInString(x)+1 > maxText {
		return t
	}
	return endSentence(append(append(t, prefix...), x...))
}

// endSentence adds a full stop unless t already ends with one ("S.L.").
func endSentence(t []byte) []byte {
	if len(t) > 0 && t[len(t)-1] == '.' {
		return t
	}
	return append(t, '.')
}

// clip shortens t to at most max runes, cutting at a space and ending with "…".
func clip(t []byte, max int) []byte {
	cut, runes := 0, 0
	for i, c := range t {
		if utf8.RuneStart(c) {
			if runes == max-1 {
				cut = i
				break
			}
			runes++
		}
	}
	if sp := lastByte(t[:cut], ' '); sp > 0 {
		cut = sp
	}
	t = t[:cut]
	for len(t) > 0 && (t[len(t)-1] == ',' || t[len(t)-1] == '.' || t[len(t)-1] == ':' || t[len(t)-1] == ' ') {
		t = t[:len(t)-1]
	}
	return append(t, "…"...)
}

// runeCount counts the runes of valid UTF-8 without allocating
// (utf8.RuneCount copies non-ASCII input into a string).
func runeCount(b []byte) int {
	n := 0
	for _, c := range b {
		if utf8.RuneStart(c) {
			n++
		}
	}
	return n
}

func lastByte(b []byte, c byte) int {
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] == c {
			return i
		}
	}
	return -1
}

// appendQuoted writes s as a quoted CSV field (titles, summaries and intents
// carry commas). The word lists hold no double quotes; any would be doubled.
func (g *projectGen) appendQuoted(b, s []byte) []byte {
	b = append(b, '"')
	for {
		i := indexByte(s, '"')
		if i < 0 {
			break
		}
		b = append(append(b, s[:i+1]...), '"')
		s = s[i+1:]
	}
	b = append(b, s...)
	return append(b, '"')
}

// appendQuotedString is appendQuoted for a string.
func appendQuotedString(b []byte, s string) []byte {
	b = append(b, '"')
	for {
		i := strings.IndexByte(s, '"')
		if i < 0 {
			break
		}
		b = append(append(b, s[:i+1]...), '"')
		s = s[i+1:]
	}
	b = append(b, s...)
	return append(b, '"')
}

func indexByte(s []byte, c byte) int {
	for i, x := range s {
		if x == c {
			return i
		}
	}
	return -1
}

// appendPadded writes v in decimal, zero-padded to width digits.
func appendPadded(b []byte, v int64, width int) []byte {
	var d [20]byte
	s := strconv.AppendInt(d[:0], v, 10)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// appendCents writes an amount in cents with a '.' decimal point and no
// trailing ".00".
func appendCents(b []byte, cents int64) []byte {
	b = strconv.AppendInt(b, cents/100, 10)
	if f := cents % 100; f != 0 {
		b = append(b, '.', byte('0'+f/10), byte('0'+f%10))
	}
	return b
}

// appendFixed5 writes v / 1e5 with five decimals.
func appendFixed5(b []byte, v int64) []byte {
	if v < 0 {
		b = append(b, '-')
		v = -v
	}
	b = strconv.AppendInt(b, v/100000, 10)
	b = append(b, '.')
	return appendPadded(b, v%100000, 5)
}
