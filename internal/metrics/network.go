package metrics

import (
	"cmp"
	"context"
	"slices"
	"strconv"

	"github.com/begira/begira/internal/portfolio"
)

// networkMetrics: the shared-partner network (C16–C19).
//
// The networks are built in Go from what DuckDB returns — the
// project–organisation memberships (C16, graph.go) and the projects' term
// sets (C18, network_cluster.go) — as flat slices indexed by node, not as
// pairs generated in SQL: a portfolio of 100,000 projects has millions of
// linked pairs, which took seconds to cross the driver and to store in
// maps. The algorithms are written here for that layout: Brandes'
// betweenness over the memberships (graph_betweenness.go) and Louvain with
// self-loops (network_louvain.go); the tests check both against gonum's
// network.Betweenness and community.Q and Modularize.
func networkMetrics() []Metric {
	hubCap := strconv.Itoa(NetworkHubProjects)
	return []Metric{
		{
			Code: "C16",
			Label: portfolio.Labels{
				EN: "Shared-partner network",
				ES: "Red de socios compartidos",
				EU: "Bazkide partekatuen sarea",
			},
			Definition: portfolio.Labels{
				EN: "Projects linked when they share at least one organisation (weight = organisations shared): nodes, links, density 2E/(n(n−1)), share of isolated projects, share in the largest connected component and mean degree 2E/n. An organisation in more than " + hubCap + " projects of the scope is a hub: it links no projects (one hub would link every pair of its projects) and is counted instead, with the share of projects that have a hub among their organisations.",
				ES: "Proyectos unidos cuando comparten al menos una organización (peso = organizaciones compartidas): nodos, enlaces, densidad 2E/(n(n−1)), proporción de proyectos aislados, proporción en el mayor componente conexo y grado medio 2E/n. Una organización en más de " + hubCap + " proyectos del ámbito es un nodo central (hub): no enlaza proyectos (uno solo enlazaría cada par de sus proyectos) y se cuenta aparte, con la proporción de proyectos que tienen un hub entre sus organizaciones.",
				EU: "Gutxienez erakunde bat partekatzen duten proiektuak lotuta (pisua = partekatutako erakundeak): nodoak, loturak, dentsitatea 2E/(n(n−1)), proiektu isolatuen proportzioa, osagai konexu handienaren proportzioa eta batez besteko gradua 2E/n. Esparruko " + hubCap + " proiektu baino gehiagotan dagoen erakundea gune bat (hub) da: ez ditu proiektuak lotzen (bakar batek bere proiektu-bikote guztiak lotuko lituzke) eta bereiz zenbatzen da, gune bat erakundeen artean duten proiektuen proportzioarekin.",
			},
			Compute: networkC16,
		},
		{
			Code: "C17",
			Label: portfolio.Labels{
				EN: "Anchor projects",
				ES: "Proyectos ancla",
				EU: "Aingura-proiektuak",
			},
			Definition: portfolio.Labels{
				EN: "The ten projects with the highest betweenness centrality in the shared-partner network: the share of shortest paths between other projects that pass through them, normalised by (n−1)(n−2)/2 (estimated from 200 sampled pivots above 20,000 projects).",
				ES: "Los diez proyectos con mayor centralidad de intermediación en la red de socios compartidos: la proporción de caminos más cortos entre otros proyectos que pasan por ellos, normalizada por (n−1)(n−2)/2 (estimada con 200 pivotes muestreados por encima de 20.000 proyectos).",
				EU: "Bazkide partekatuen sarean bitartekotasun-zentralitate handiena duten hamar proiektuak: beste proiektuen arteko bide laburrenetatik haietatik igarotzen direnen proportzioa, (n−1)(n−2)/2-z normalizatua (20.000 proiektutik gora, 200 pibote laginduz estimatua).",
			},
			Compute: networkC17,
		},
		{
			Code: "C18",
			Label: portfolio.Labels{
				EN: "Thematic clusters",
				ES: "Clústeres temáticos",
				EU: "Multzo tematikoak",
			},
			Definition: portfolio.Labels{
				EN: "Projects linked when the Jaccard similarity of their challenge and lever terms is at least 0.5, grouped into communities with the Louvain method (projects with identical term sets always share a community): number of clusters of two or more projects, modularity Q, the largest cluster's share of projects, and each cluster's size and most frequent terms.",
				ES: "Proyectos unidos cuando la similitud de Jaccard de sus retos y palancas es al menos 0,5, agrupados en comunidades con el método de Louvain (los proyectos con los mismos términos siempre comparten comunidad): número de clústeres de dos o más proyectos, modularidad Q, proporción de proyectos del mayor clúster, y tamaño y términos más frecuentes de cada clúster.",
				EU: "Erronka eta palanken Jaccard antzekotasuna gutxienez 0,5 denean lotutako proiektuak, Louvain metodoaz komunitateetan bilduta (termino berberak dituzten proiektuak beti komunitate berean): bi proiektu edo gehiagoko multzo kopurua, Q modularitatea, multzo handienaren proiektu-proportzioa, eta multzo bakoitzaren tamaina eta termino ohikoenak.",
			},
			Compute: networkC18,
		},
		{
			Code: "C19",
			Label: portfolio.Labels{
				EN: "Cross-level connectivity",
				ES: "Conectividad entre niveles",
				EU: "Mailen arteko konektibitatea",
			},
			Definition: portfolio.Labels{
				EN: "Share of shared-partner links that join projects at different levels of action, and the level × level matrix of links; projects without a level are left out and counted.",
				ES: "Proporción de enlaces de socios compartidos que unen proyectos de distintos niveles de acción, y matriz nivel × nivel de enlaces; los proyectos sin nivel se excluyen y se cuentan.",
				EU: "Ekintza-maila desberdinetako proiektuak lotzen dituzten bazkide partekatuen loturen proportzioa, eta loturen maila × maila matrizea; mailarik gabeko proiektuak kanpoan utzi eta zenbatzen dira.",
			},
			Compute: networkC19,
		},
	}
}

// networkC16 reports the shape of the shared-partner network. Counts (nodes,
// edges) are 0 on an empty portfolio; ratios are null when their
// denominator is 0 (density also when n < 2). Every row's n is the number
// of projects.
func networkC16(ctx context.Context, e *Env) ([]Value, error) {
	pg, err := partnerGraphOf(ctx, e)
	if err != nil {
		return nil, err
	}
	n := len(pg.nodes)
	nn := int64(n)
	edges := float64(pg.edges)
	isolated := 0
	for i := range n {
		if pg.degree[i] == 0 {
			isolated++
		}
	}
	giant := pg.largestComponent()
	ratio := func(measure string, num, den float64) Value {
		if den == 0 {
			return null("C16", nn, "measure", measure)
		}
		return val("C16", num/den, nn, "measure", measure)
	}
	return []Value{
		val("C16", float64(n), nn, "measure", "nodes"),
		val("C16", edges, nn, "measure", "edges"),
		ratio("density", 2*edges, float64(n)*float64(n-1)), // 0 when n < 2
		ratio("isolated_share", float64(isolated), float64(n)),
		ratio("giant_share", float64(giant), float64(n)),
		ratio("mean_degree", 2*edges, float64(n)),
		val("C16", float64(pg.hubs), nn, "measure", "hubs"),
		ratio("hub_share", float64(pg.hubProjects), float64(n)),
	}, nil
}

// networkAnchorTop is how many anchor projects C17 reports.
const networkAnchorTop = 10

// networkC17 reports the networkAnchorTop projects of highest betweenness,
// ranked by betweenness then ext_ref (so ties rank the same on every run).
// With fewer than three projects betweenness is undefined: one null row
// without a project.
func networkC17(ctx context.Context, e *Env) ([]Value, error) {
	pg, err := partnerGraphOf(ctx, e)
	if err != nil {
		return nil, err
	}
	n := len(pg.nodes)
	if n < 3 {
		return []Value{null("C17", int64(n))}, nil
	}
	bc, err := betweennessOf(ctx, e)
	if err != nil {
		return nil, err
	}
	order := pg.byBetweenness(bc)[:min(networkAnchorTop, n)]
	top := make([]int32, len(order))
	for k, i := range order {
		top[k] = int32(i)
	}
	titles, err := pg.titles(ctx, e, top)
	if err != nil {
		return nil, err
	}
	var out []Value
	for r, i := range order {
		out = append(out, val("C17", bc.values[i], int64(n),
			"project", pg.nodes[i].ref, "rank", strconv.Itoa(r+1), "title", titles[pg.nodes[i].ref]))
	}
	return out, nil
}

// networkC19 reports how many shared-partner links cross levels of action.
// Links with an endpoint without a level are left out of cross_share (its n
// is the links kept) and counted as excluded_edges; the projects without a
// level are counted as untagged. The matrix lists every pair of active level
// terms (a ≤ b by ordinal), empty cells included; a link between levels no
// longer active counts in cross_share only.
func networkC19(ctx context.Context, e *Env) ([]Value, error) {
	pg, err := partnerGraphOf(ctx, e)
	if err != nil {
		return nil, err
	}
	scheme := e.Mission.Scheme("level")
	if scheme == nil {
		return []Value{null("C19", 0, "measure", "cross_share")}, nil
	}
	levels := scheme.ActiveTerms()
	slices.SortStableFunc(levels, func(a, b portfolio.Term) int { return cmp.Compare(a.Ordinal, b.Ordinal) })
	pos := map[string]int{}
	for i, t := range levels {
		pos[t.Code] = i
	}
	untagged := 0
	for _, nd := range pg.nodes {
		if nd.level == "" {
			untagged++
		}
	}
	cells := make([][]int, len(levels))
	for i := range cells {
		cells[i] = make([]int, len(levels))
	}
	// Levels as small integers: −1 none, len(levels)+k for the k-th level
	// no longer active (it counts in cross_share only).
	lv := make([]int, len(pg.nodes))
	retired := map[string]int{}
	for i, nd := range pg.nodes {
		p, ok := pos[nd.level]
		switch {
		case nd.level == "":
			p = -1
		case !ok:
			if _, seen := retired[nd.level]; !seen {
				retired[nd.level] = len(levels) + len(retired)
			}
			p = retired[nd.level]
		}
		lv[i] = p
	}
	kept, cross, excluded := 0, 0, 0
	ls := pg.newLinker()
	for a := range pg.nodes {
		for _, l := range ls.neighbours(a) {
			b := l.to
			if int(b) < a {
				continue // each link once
			}
			i, j := lv[a], lv[b]
			if i < 0 || j < 0 {
				excluded++
				continue
			}
			kept++
			if i != j {
				cross++
			}
			if i < len(levels) && j < len(levels) {
				cells[min(i, j)][max(i, j)]++
			}
		}
	}
	out := []Value{}
	if kept == 0 {
		out = append(out, null("C19", 0, "measure", "cross_share"))
	} else {
		out = append(out, val("C19", float64(cross)/float64(kept), int64(kept), "measure", "cross_share"))
	}
	out = append(out,
		val("C19", float64(untagged), int64(len(pg.nodes)), "measure", "untagged"),
		val("C19", float64(excluded), int64(pg.edges), "measure", "excluded_edges"))
	for i := range levels {
		for j := i; j < len(levels); j++ {
			out = append(out, val("C19", float64(cells[i][j]), int64(kept),
				"level_a", levels[i].Code, "level_b", levels[j].Code, "measure", "edges"))
		}
	}
	return out, nil
}
