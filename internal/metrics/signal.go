package metrics

import "github.com/begira/begira/internal/portfolio"

// signalMetrics: signals of change (S1–S13, docs/METRICS.md).
//
// n_{k,t} is the number of approved signals tagged with term k (signal_term:
// the challenge, lever, pillar and steep schemes; dims scheme and term)
// observed in period t. Periods are calendar months in the mission's time
// zone; the current, incomplete month is never one. The window W is the
// last 12 complete months before the clock (signal_period.go). Signals are
// not filtered by the project scope: only S10 and S11, which set signals
// against the portfolio, read it.
func signalMetrics() []Metric {
	return []Metric{
		{
			Code:  "S1",
			Label: portfolio.Labels{EN: "Signal volume", ES: "Volumen de señales", EU: "Seinaleen bolumena"},
			Definition: portfolio.Labels{
				EN: "Approved signals per term and month over the last 12 complete months, their 3-month moving average and their share of the month's signals.",
				ES: "Señales aprobadas por término y mes en los últimos 12 meses completos, su media móvil de 3 meses y su parte de las señales del mes.",
				EU: "Onartutako seinaleak termino eta hilabeteko azken 12 hilabete osoetan, haien 3 hilabeteko batez besteko mugikorra eta hilabeteko seinaleetan duten zatia.",
			},
			Compute: computeS1,
		},
		{
			Code:  "S2",
			Label: portfolio.Labels{EN: "Signal momentum", ES: "Impulso de las señales", EU: "Seinaleen bultzada"},
			Definition: portfolio.Labels{
				EN: "Growth of a term's signals in the last complete month over the month before, (n+1)/(n_prev+1) − 1, and the change in its share of the month's signals.",
				ES: "Crecimiento de las señales de un término en el último mes completo respecto al anterior, (n+1)/(n_ant+1) − 1, y el cambio de su parte de las señales del mes.",
				EU: "Termino baten seinaleen hazkundea azken hilabete osoan aurrekoarekiko, (n+1)/(n_aurr+1) − 1, eta hilabeteko seinaleetan duen zatiaren aldaketa.",
			},
			Compute: computeS2,
		},
		{
			Code:  "S3",
			Label: portfolio.Labels{EN: "Visibility and diffusion", ES: "Visibilidad y difusión", EU: "Ikusgarritasuna eta hedapena"},
			Definition: portfolio.Labels{
				EN: "Yoon's time-weighted degree of visibility (share of the month's signals) and of diffusion (distinct source types per signal of the month), averaged over 12 months, with their mean monthly growth rate.",
				ES: "Grado de visibilidad (parte de las señales del mes) y de difusión (tipos de fuente distintos por señal del mes) de Yoon, ponderados en el tiempo y promediados en 12 meses, con su tasa media de crecimiento mensual.",
				EU: "Yoonen ikusgarritasun-maila (hilabeteko seinaleetan duen zatia) eta hedapen-maila (iturri mota desberdinak hilabeteko seinale bakoitzeko), denboraz haztatuak eta 12 hilabetetan batez bestekoak, hileko hazkunde-tasa ertainarekin.",
			},
			Compute: computeS3,
		},
		{
			Code:  "S4",
			Label: portfolio.Labels{EN: "Emergence quadrant", ES: "Cuadrante de emergencia", EU: "Agerpen-koadrantea"},
			Definition: portfolio.Labels{
				EN: "Terms placed by mean visibility and visibility growth against the medians of their scheme: 1 weak signal, 2 strong signal, 3 latent, 4 well known.",
				ES: "Términos situados por visibilidad media y crecimiento de la visibilidad frente a las medianas de su esquema: 1 señal débil, 2 señal fuerte, 3 latente, 4 conocido.",
				EU: "Terminoak batez besteko ikusgarritasunaren eta haren hazkundearen arabera kokatuak, beren eskemaren medianekin alderatuta: 1 seinale ahula, 2 seinale indartsua, 3 ezkutukoa, 4 ezaguna.",
			},
			Compute: computeS4,
		},
		{
			Code:  "S5",
			Label: portfolio.Labels{EN: "Signal burst", ES: "Pico de señales", EU: "Seinaleen gorakada"},
			Definition: portfolio.Labels{
				EN: "How far a month's signals on a term stand above the 6 months before, z = (n − mean) / max(sd, 1); a burst when z ≥ 2.",
				ES: "Cuánto superan las señales de un mes sobre un término a las de los 6 meses anteriores, z = (n − media) / max(dt, 1); un pico cuando z ≥ 2.",
				EU: "Hilabete bateko seinaleak termino batean aurreko 6 hilabeteetakoen gainetik zenbat dauden, z = (n − batez bestekoa) / max(dd, 1); gorakada z ≥ 2 denean.",
			},
			Compute: computeS5,
		},
		{
			Code:  "S6",
			Label: portfolio.Labels{EN: "Signal novelty", ES: "Novedad de las señales", EU: "Seinaleen berritasuna"},
			Definition: portfolio.Labels{
				EN: "Mean novelty of the last 12 months' approved signals, the share scoring 4 or 5, and the terms first signalled in the last 180 days.",
				ES: "Novedad media de las señales aprobadas de los últimos 12 meses, la parte con 4 o 5, y los términos señalados por primera vez en los últimos 180 días.",
				EU: "Azken 12 hilabeteetako seinale onartuen batez besteko berritasuna, 4 edo 5 dutenen zatia, eta azken 180 egunetan lehen aldiz seinalatutako terminoak.",
			},
			Compute: computeS6,
		},
		{
			Code:  "S7",
			Label: portfolio.Labels{EN: "Signal persistence", ES: "Persistencia de las señales", EU: "Seinaleen iraunkortasuna"},
			Definition: portfolio.Labels{
				EN: "Number of the last 6 complete months with at least one approved signal on the term.",
				ES: "Número de los últimos 6 meses completos con al menos una señal aprobada sobre el término.",
				EU: "Terminoari buruzko seinale onartu bat gutxienez izan duten azken 6 hilabete osoen kopurua.",
			},
			Compute: computeS7,
		},
		{
			Code:  "S8",
			Label: portfolio.Labels{EN: "Convergence across levels", ES: "Convergencia entre niveles", EU: "Mailen arteko konbergentzia"},
			Definition: portfolio.Labels{
				EN: "Distinct levels of action at which a term's signals were observed in 12 months, their share of the levels, their evenness, and whether at least 3 levels see a growing term.",
				ES: "Niveles de acción distintos en que se observaron las señales de un término en 12 meses, su parte de los niveles, su uniformidad, y si al menos 3 niveles ven un término en crecimiento.",
				EU: "Termino baten seinaleak 12 hilabetetan behatu diren ekintza-maila desberdinak, mailen artean duten zatia, haien berdintasuna, eta gutxienez 3 mailak hazten ari den terminoa ikusten duten.",
			},
			Compute: computeS8,
		},
		{
			Code:  "S9",
			Label: portfolio.Labels{EN: "Convergence across actors and places", ES: "Convergencia entre actores y lugares", EU: "Eragileen eta tokien arteko konbergentzia"},
			Definition: portfolio.Labels{
				EN: "Distinct observer actor types and distinct comarcas among a term's approved signals of the last 12 months.",
				ES: "Tipos de actor observador distintos y comarcas distintas entre las señales aprobadas de un término en los últimos 12 meses.",
				EU: "Termino baten azken 12 hilabeteetako seinale onartuen artean dauden behatzaile-eragile mota eta eskualde desberdinak.",
			},
			Compute: computeS9,
		},
		{
			Code:  "S10",
			Label: portfolio.Labels{EN: "Blind spots", ES: "Puntos ciegos", EU: "Puntu itsuak"},
			Definition: portfolio.Labels{
				EN: "A term's share of the last 12 months' signals against its share of the portfolio; a blind spot when signals give it at least 5 % and no project carries it; and the share of signals linked to no project.",
				ES: "La parte de un término en las señales de los últimos 12 meses frente a su parte de la cartera; un punto ciego si las señales le dan al menos un 5 % y ningún proyecto lo lleva; y la parte de señales sin proyecto vinculado.",
				EU: "Termino batek azken 12 hilabeteetako seinaleetan duen zatia zorroan duenarekin alderatuta; puntu itsua seinaleek gutxienez % 5 ematen diotenean eta proiekturik ez duenean; eta proiekturik lotu gabeko seinaleen zatia.",
			},
			Compute: computeS10,
		},
		{
			Code:  "S11",
			Label: portfolio.Labels{EN: "Over-investment hint", ES: "Indicio de sobreinversión", EU: "Gehiegizko inbertsioaren zantzua"},
			Definition: portfolio.Labels{
				EN: "Terms holding at least 15 % of the portfolio with no approved signal in the last 12 months.",
				ES: "Términos con al menos el 15 % de la cartera y ninguna señal aprobada en los últimos 12 meses.",
				EU: "Zorroaren % 15 gutxienez duten eta azken 12 hilabeteetan seinale onarturik ez duten terminoak.",
			},
			Compute: computeS11,
		},
		{
			Code:  "S12",
			Label: portfolio.Labels{EN: "Signal staleness", ES: "Estancamiento de las señales", EU: "Seinaleen geldialdia"},
			Definition: portfolio.Labels{
				EN: "Days since a term's last approved signal, and the signals still awaiting review more than 14 days after they were observed.",
				ES: "Días desde la última señal aprobada de un término, y las señales que siguen pendientes de revisión más de 14 días después de observarse.",
				EU: "Termino baten azken seinale onartutik igarotako egunak, eta behatu eta 14 egun baino gehiagora oraindik berrikusteko dauden seinaleak.",
			},
			Compute: computeS12,
		},
		{
			Code:  "S13",
			Label: portfolio.Labels{EN: "Source diversity", ES: "Diversidad de fuentes", EU: "Iturrien aniztasuna"},
			Definition: portfolio.Labels{
				EN: "Concentration (HHI) of a term's approved signals of the last 12 months over source types; an echo chamber when one type gives more than 60 %.",
				ES: "Concentración (HHI) de las señales aprobadas de un término en los últimos 12 meses por tipo de fuente; una cámara de eco si un tipo aporta más del 60 %.",
				EU: "Termino baten azken 12 hilabeteetako seinale onartuen kontzentrazioa (HHI) iturri moten artean; oihartzun-ganbera mota batek % 60 baino gehiago ematen duenean.",
			},
			Compute: computeS13,
		},
	}
}
