package metrics

import "github.com/begira/begira/internal/portfolio"

// portfolioMetrics: coverage and balance (C1–C8, C10–C13, C15, C20).
//
// Set logic lives in queries/c*.sql; the arithmetic (indices, distances,
// medians, Gini) is done here in Go, with the edge rules of docs/METRICS.md:
// an undefined figure is null with its n, never NaN or Inf. Counts and sums
// (C1's cells, C3's untagged, C8's counts) stay numbers even over an empty
// portfolio, because zero projects is a fact, not an undefined figure.
func portfolioMetrics() []Metric {
	return []Metric{
		{
			Code: "C1",
			Label: portfolio.Labels{
				EN: "Coverage matrix",
				ES: "Matriz de cobertura",
				EU: "Estaldura-matrizea",
			},
			Definition: portfolio.Labels{
				EN: "Number of projects (full and fractional count) and fractional budget in every pair of active terms of two schemes, empty cells included.",
				ES: "Número de proyectos (conteo completo y fraccionario) y presupuesto fraccionario en cada par de términos activos de dos esquemas, incluidas las celdas vacías.",
				EU: "Bi eskemaren termino aktiboen bikote bakoitzeko proiektu kopurua (zenbaketa osoa eta zatikakoa) eta aurrekontu zatikakoa, gelaxka hutsak barne.",
			},
			Compute: portfolioC1,
		},
		{
			Code: "C2",
			Label: portfolio.Labels{
				EN: "Gaps",
				ES: "Huecos",
				EU: "Hutsuneak",
			},
			Definition: portfolio.Labels{
				EN: "Cells of the coverage matrix with fewer than τ = 1 project (full count): their number, their share of all K_A·K_B cells and, where the committee marked relevant cells, their share of those.",
				ES: "Celdas de la matriz de cobertura con menos de τ = 1 proyecto (conteo completo): su número, su proporción sobre las K_A·K_B celdas y, si el comité marcó celdas relevantes, su proporción sobre estas.",
				EU: "Estaldura-matrizeko τ = 1 proiektu baino gutxiago dituzten gelaxkak (zenbaketa osoa): zenbat diren, K_A·K_B gelaxka guztien gaineko proportzioa eta, batzordeak gelaxka garrantzitsuak markatu baditu, horien gaineko proportzioa.",
			},
			Compute: portfolioC2,
		},
		{
			Code: "C3",
			Label: portfolio.Labels{
				EN: "Shares",
				ES: "Proporciones",
				EU: "Proportzioak",
			},
			Definition: portfolio.Labels{
				EN: "Share of each term by fractional project count or by budget among the projects tagged in the scheme (untagged projects and null budgets are left out and reported), and the average budget per project of each term.",
				ES: "Proporción de cada término por número fraccionario de proyectos o por presupuesto entre los proyectos etiquetados en el esquema (los proyectos sin etiqueta y los presupuestos nulos se excluyen y se informan), y el presupuesto medio por proyecto de cada término.",
				EU: "Termino bakoitzaren proportzioa, proiektu kopuru zatikakoaren edo aurrekontuaren arabera, eskeman etiketatutako proiektuen artean (etiketarik gabeko proiektuak eta aurrekontu hutsak kanpoan uzten eta jakinarazten dira), eta termino bakoitzeko proiektuko batez besteko aurrekontua.",
			},
			Compute: portfolioC3,
		},
		{
			Code: "C4",
			Label: portfolio.Labels{
				EN: "Evenness",
				ES: "Uniformidad",
				EU: "Uniformitatea",
			},
			Definition: portfolio.Labels{
				EN: "Shannon entropy H = −Σ p ln p of the term shares and Pielou's evenness J = H / ln K over the K active terms, empty ones included (null when K < 2).",
				ES: "Entropía de Shannon H = −Σ p ln p de las proporciones de los términos y uniformidad de Pielou J = H / ln K sobre los K términos activos, incluidos los vacíos (nula si K < 2).",
				EU: "Terminoen proportzioen Shannon entropia H = −Σ p ln p eta Pielou-ren uniformitatea J = H / ln K, K termino aktiboen gainean, hutsak barne (hutsa K < 2 denean).",
			},
			Compute: portfolioC4,
		},
		{
			Code: "C5",
			Label: portfolio.Labels{
				EN: "Concentration",
				ES: "Concentración",
				EU: "Kontzentrazioa",
			},
			Definition: portfolio.Labels{
				EN: "Herfindahl–Hirschman index HHI = Σ p² of the term shares, normalised HHI* = (HHI − 1/K)/(1 − 1/K) and effective number of terms N_eff = 1/HHI (null when K < 2).",
				ES: "Índice de Herfindahl–Hirschman HHI = Σ p² de las proporciones de los términos, HHI normalizado HHI* = (HHI − 1/K)/(1 − 1/K) y número efectivo de términos N_eff = 1/HHI (nulos si K < 2).",
				EU: "Terminoen proportzioen Herfindahl–Hirschman indizea HHI = Σ p², HHI normalizatua HHI* = (HHI − 1/K)/(1 − 1/K) eta termino kopuru eraginkorra N_eff = 1/HHI (hutsak K < 2 denean).",
			},
			Compute: portfolioC5,
		},
		{
			Code: "C6",
			Label: portfolio.Labels{
				EN: "Rao–Stirling diversity",
				ES: "Diversidad de Rao–Stirling",
				EU: "Rao–Stirling aniztasuna",
			},
			Definition: portfolio.Labels{
				EN: "D = Σ_{i≠j} d_ij p_i p_j, where d_ij is the distance between ordinals divided by K − 1 in ordered schemes and 1 − the cosine similarity of the terms' co-tag vectors (projects shared with each term of the other schemes) in nominal ones.",
				ES: "D = Σ_{i≠j} d_ij p_i p_j, donde d_ij es la distancia entre ordinales dividida por K − 1 en los esquemas ordenados y 1 − la similitud coseno de los vectores de coetiquetado de los términos (proyectos compartidos con cada término de los otros esquemas) en los nominales.",
				EU: "D = Σ_{i≠j} d_ij p_i p_j, non d_ij ordinalen arteko distantzia K − 1-ez zatituta den eskema ordenatuetan, eta 1 − terminoen baterako etiketatze-bektoreen kosinu-antzekotasuna (beste eskemetako termino bakoitzarekin partekatutako proiektuak) eskema nominaletan.",
			},
			Compute: portfolioC6,
		},
		{
			Code: "C7",
			Label: portfolio.Labels{
				EN: "Distance to target mix",
				ES: "Distancia a la combinación objetivo",
				EU: "Helburu-nahasketarako distantzia",
			},
			Definition: portfolio.Labels{
				EN: "Total variation distance TVD = ½ Σ |p_i − t_i| between a scheme's actual shares and the committee's target shares, with both profiles listed per term.",
				ES: "Distancia de variación total TVD = ½ Σ |p_i − t_i| entre las proporciones reales de un esquema y las proporciones objetivo del comité, con ambos perfiles por término.",
				EU: "Aldakuntza osoko distantzia TVD = ½ Σ |p_i − t_i| eskema baten benetako proportzioen eta batzordearen helburu-proportzioen artean, bi profilak terminoz termino.",
			},
			Compute: portfolioC7,
		},
		{
			Code: "C8",
			Label: portfolio.Labels{
				EN: "Stage pipeline",
				ES: "Cartera por fases",
				EU: "Faseen kanalizazioa",
			},
			Definition: portfolio.Labels{
				EN: "Projects and budget per lifecycle stage, the share of staged projects in stages with ordinal ≤ 2, and the median number of days projects have spent in their current stage.",
				ES: "Proyectos y presupuesto por fase del ciclo de vida, la proporción de proyectos con fase que están en fases de ordinal ≤ 2 y la mediana de días que los proyectos llevan en su fase actual.",
				EU: "Proiektuak eta aurrekontua bizi-zikloaren fase bakoitzeko, fasea duten proiektuetatik ordinala ≤ 2 duten faseetan daudenen proportzioa, eta proiektuek uneko fasean daramaten egun kopuruaren mediana.",
			},
			Compute: portfolioC8,
		},
		{
			Code: "C10",
			Label: portfolio.Labels{
				EN: "Facet and horizon mix",
				ES: "Combinación de facetas y horizontes",
				EU: "Alderdi eta horizonteen nahasketa",
			},
			Definition: portfolio.Labels{
				EN: "Shares (as in C3) of the innovation-facet and Three Horizons schemes.",
				ES: "Proporciones (como en C3) de los esquemas de faceta de innovación y de los tres horizontes.",
				EU: "Berrikuntza-alderdiaren eta hiru horizonteen eskemen proportzioak (C3n bezala).",
			},
			Compute: portfolioC10,
		},
		{
			Code: "C11",
			Label: portfolio.Labels{
				EN: "Level-of-action coverage",
				ES: "Cobertura por nivel de acción",
				EU: "Ekintza-mailako estaldura",
			},
			Definition: portfolio.Labels{
				EN: "Shares (as in C3) over the levels of action, and the coverage matrices (as in C1) of level × pillar and level × lever.",
				ES: "Proporciones (como en C3) por nivel de acción y matrices de cobertura (como en C1) de nivel × eje y nivel × palanca.",
				EU: "Ekintza-mailen araberako proportzioak (C3n bezala) eta maila × ardatza eta maila × palanka estaldura-matrizeak (C1en bezala).",
			},
			Compute: portfolioC11,
		},
		{
			Code: "C12",
			Label: portfolio.Labels{
				EN: "Territorial coverage",
				ES: "Cobertura territorial",
				EU: "Lurralde-estaldura",
			},
			Definition: portfolio.Labels{
				EN: "Share of comarcas and of municipalities with at least one project located there, projects and euros per 10,000 inhabitants of the territory, and the Gini coefficient over comarcas of euros per inhabitant.",
				ES: "Proporción de comarcas y de municipios con al menos un proyecto ubicado en ellos, proyectos y euros por cada 10.000 habitantes del territorio, y coeficiente de Gini entre comarcas de los euros por habitante.",
				EU: "Gutxienez proiektu bat kokatuta duten eskualde eta udalerrien proportzioa, lurraldeko 10.000 biztanleko proiektuak eta euroak, eta euro biztanleko eskualdeen arteko Gini koefizientea.",
			},
			Compute: portfolioC12,
		},
		{
			Code: "C13",
			Label: portfolio.Labels{
				EN: "Actor mix",
				ES: "Combinación de actores",
				EU: "Eragileen nahasketa",
			},
			Definition: portfolio.Labels{
				EN: "Share of each organisation actor type among distinct project–organisation participations, the share held by the five organisations with most participations, and the HHI over organisations.",
				ES: "Proporción de cada tipo de actor entre las participaciones distintas proyecto–organización, la proporción de las cinco organizaciones con más participaciones y el HHI sobre las organizaciones.",
				EU: "Eragile-mota bakoitzaren proportzioa proiektu–erakunde parte-hartze desberdinen artean, parte-hartze gehien dituzten bost erakundeen proportzioa eta erakundeen gaineko HHI-a.",
			},
			Compute: portfolioC13,
		},
		{
			Code: "C15",
			Label: portfolio.Labels{
				EN: "Leverage",
				ES: "Apalancamiento",
				EU: "Palanka-efektua",
			},
			Definition: portfolio.Labels{
				EN: "Budget of follow-on projects (leverage layers 2 and 3) divided by the budget of base projects (layer 1), null budgets ignored.",
				ES: "Presupuesto de los proyectos de continuación (capas 2 y 3) dividido por el presupuesto de los proyectos base (capa 1), sin contar los presupuestos nulos.",
				EU: "Jarraipen-proiektuen aurrekontua (2. eta 3. geruzak) oinarrizko proiektuen aurrekontuaz (1. geruza) zatituta, aurrekontu hutsak kontuan hartu gabe.",
			},
			Compute: portfolioC15,
		},
		{
			Code: "C20",
			Label: portfolio.Labels{
				EN: "Data health",
				ES: "Salud de los datos",
				EU: "Datuen osasuna",
			},
			Definition: portfolio.Labels{
				EN: "Share of projects updated in the last 180 days, and completeness: the mean share of required fields filled per project (title, level, stage, pillars, budget, municipality, lead organisation, start date; scheme fields only when the mission has the scheme).",
				ES: "Proporción de proyectos actualizados en los últimos 180 días, y completitud: la proporción media de campos obligatorios rellenados por proyecto (título, nivel, fase, ejes, presupuesto, municipio, organización líder, fecha de inicio; los campos de esquema solo si la misión tiene el esquema).",
				EU: "Azken 180 egunetan eguneratutako proiektuen proportzioa, eta osotasuna: proiektu bakoitzean betetako derrigorrezko eremuen batez besteko proportzioa (izenburua, maila, fasea, ardatzak, aurrekontua, udalerria, erakunde burua, hasiera-data; eskema-eremuak misioak eskema badu soilik).",
			},
			Compute: portfolioC20,
		},
	}
}
