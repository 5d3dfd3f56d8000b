package metrics

import (
	"cmp"
	"context"
	"fmt"
	"slices"
)

// OrgGraph is the organisation network of a scope, the other face of the
// shared-partner network: organisations linked when they take part in the
// same projects (weight = projects they share). Hubs, which link no
// projects in the project network, are ordinary nodes here — usually the
// largest. It holds the limit organisations with most projects in scope.
type OrgGraph struct {
	Nodes      []OrgNode `json:"nodes"`
	Edges      []OrgEdge `json:"edges"`
	TotalNodes int       `json:"total_nodes"` // organisations with a project in scope
}

// OrgNode is one organisation.
type OrgNode struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Projects int    `json:"projects"` // in scope
	Hub      bool   `json:"hub"`      // more than NetworkHubProjects projects
}

// OrgEdge links two organisations (indices into Nodes) sharing projects.
type OrgEdge struct {
	Source, Target int
	Weight         int // projects they share
}

// OrganisationGraph returns the organisation network of e's scope: its
// limit organisations with most projects (ties by id), by id, and the links
// among them. It reads the memberships C16 loads (one memo).
func OrganisationGraph(ctx context.Context, e *Env, limit int) (*OrgGraph, error) {
	pg, err := partnerGraphOf(ctx, e)
	if err != nil {
		return nil, err
	}
	m := pg.all.rows()
	order := make([]int, m)
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		if c := cmp.Compare(len(pg.all.row(b)), len(pg.all.row(a))); c != 0 {
			return c
		}
		return cmp.Compare(pg.orgs[a], pg.orgs[b])
	})
	order = order[:min(limit, m)]
	slices.Sort(order) // by id: pg.orgs is ascending
	out := &OrgGraph{TotalNodes: m, Nodes: make([]OrgNode, len(order))}
	if len(order) == 0 {
		return out, nil
	}
	at := make([]int32, m) // organisation → index in Nodes + 1
	ids := make([]int64, len(order))
	for k, o := range order {
		at[o] = int32(k + 1)
		ids[k] = pg.orgs[o]
		n := len(pg.all.row(o))
		out.Nodes[k] = OrgNode{ID: pg.orgs[o], Projects: n, Hub: n > NetworkHubProjects}
	}
	names, err := orgNames(ctx, e, ids)
	if err != nil {
		return nil, err
	}
	for k := range out.Nodes {
		out.Nodes[k].Name = names[out.Nodes[k].ID]
	}
	// Each kept organisation's partners through its projects, counted with
	// a marker array as the project network's links are.
	orgsOf := csrTranspose(pg.all, len(pg.nodes))
	count := make([]int, len(order))
	var touched []int32
	for k, o := range order {
		touched = touched[:0]
		for _, v := range pg.all.row(o) {
			for _, o2 := range orgsOf.row(int(v)) {
				if j := at[o2] - 1; j > int32(k) {
					if count[j] == 0 {
						touched = append(touched, j)
					}
					count[j]++
				}
			}
		}
		slices.Sort(touched)
		for _, j := range touched {
			out.Edges = append(out.Edges, OrgEdge{Source: k, Target: int(j), Weight: count[j]})
			count[j] = 0
		}
	}
	return out, nil
}

// orgNames reads the names of the organisations ids (queries/c16_orgs.sql).
func orgNames(ctx context.Context, e *Env, ids []int64) (map[int64]string, error) {
	rows, err := e.Query(ctx, "c16_orgs", ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make(map[int64]string, len(ids))
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, fmt.Errorf("metrics: scan c16_orgs: %w", err)
		}
		out[id] = name
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("metrics: c16_orgs: %w", err)
	}
	return out, nil
}
