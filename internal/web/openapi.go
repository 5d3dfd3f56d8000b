package web

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"
)

// The OpenAPI 3.1 document of /api/v1, served at /api/v1/openapi.json. It
// is built from apiOps, a table beside routes.go: TestOpenAPICoversEveryRoute
// fails when a route of /api/v1 has no row here, and the HTTP scenario
// tests validate every JSON answer they receive against the document.

// apiOp documents one route of /api/v1.
type apiOp struct {
	method, path string // the Fiber pattern under /api/v1, e.g. /missions/:slug
	id, summary  string
	role         string // who may call it, as the route's policy says
	query        []string
	body         string // request body schema (a component name), "" for none
	bodyTypes    []string
	status       int    // success status
	schema       string // success body schema (a component name)
	media        string // success media type (application/json when "")
}

// Roles as the routes' policies have them.
const (
	roleAnyone    = "anyone (anonymous readers see only public missions)"
	roleViewer    = "viewer on the mission"
	roleAnalyst   = "analyst on the mission"
	roleLeader    = "leader on the mission"
	roleAdminOn   = "admin on the mission"
	roleSignedIn  = "any signed-in user or token"
	roleInstance  = "instance administrator"
	roleAdminOfQ  = "admin on the mission given by ?mission= (instance administrator without it)"
	rolePublicDoc = "anyone"
)

var listQuery = []string{"limit", "offset", "lang"}

// scopedListQuery are the parameters of a list in scope (the scope filters
// themselves are named per scheme and documented in the summary).
var scopedListQuery = []string{"limit", "offset", "lang", "snapshot", "status", "frac", "q", "sort", "format"}

// signalListQuery adds the signal list's own filters.
var signalListQuery = append(append([]string{}, scopedListQuery...), "signal_status", "level_observed", "answered", "observed_from", "observed_to")

var apiOps = []apiOp{
	{method: "GET", path: "/openapi.json", id: "openapi", summary: "This document.", role: rolePublicDoc, status: 200, schema: "Document"},
	{method: "GET", path: "/session", id: "getSession", summary: "Who is asking: kind, name, roles per mission.", role: roleAnyone, status: 200, schema: "Session"},
	{method: "GET", path: "/missions", id: "listMissions", summary: "Missions the caller may read.", role: roleAnyone, status: 200, schema: "MissionList"},
	{method: "GET", path: "/missions/:slug", id: "getMission", summary: "A mission document.", role: roleViewer, status: 200, schema: "Mission"},
	{method: "PUT", path: "/missions/:slug", id: "putMission", summary: "Create or replace a mission document (YAML or JSON); 201 when created.", role: roleAdminOn, body: "Mission", bodyTypes: []string{"application/yaml", "application/json"}, status: 200, schema: "Mission"},
	{method: "GET", path: "/missions/:slug/projects", id: "listProjects", summary: "Projects in scope (level, pillar, challenge, lever, stage, term=scheme:code for other schemes, untagged=scheme, status, comarca, municipality, from, to; default status planned and active, status=any for all), paginated, with what they add up to (fractionally over the ?frac= schemes), live or as of ?snapshot=. q searches reference, title, summary and organisations (case and accents ignored; total then counts the matches); sort=FIELD or -FIELD by ext_ref, title, status, budget, public_funding, instrument, lead, municipality, comarca, start, end, updated or a project scheme (level, stage …); ?format=csv|xlsx answers every row of the list as a file.", role: roleViewer, query: scopedListQuery, status: 200, schema: "ProjectPage"},
	{method: "GET", path: "/missions/:slug/projects/:ref", id: "getProject", summary: "One project by ext_ref, any status, live or as of ?snapshot=: every field, its place, linked signals, the import batches that wrote it and its state in every snapshot.", role: roleViewer, query: []string{"snapshot", "lang"}, status: 200, schema: "ProjectDetail"},
	{method: "GET", path: "/missions/:slug/links", id: "listLinks", summary: "The shared-partner links between projects of levels level_a and level_b (the same level for the links within it) in scope: the rows of a cell of the cross-level heatmap (C19), each with the number of organisations the two projects share; live or as of ?snapshot=.", role: roleViewer, query: append([]string{"level_a", "level_b"}, scopedListQuery...), status: 200, schema: "Page"},
	{method: "GET", path: "/missions/:slug/organisations", id: "listOrganisations", summary: "Organisations taking part in the projects in scope (q searches the name; sort by name, actor_type, size, founded, projects), paginated, or every row as ?format=csv|xlsx.", role: roleViewer, query: scopedListQuery, status: 200, schema: "Page"},
	{method: "GET", path: "/missions/:slug/organisations/:id", id: "getOrganisation", summary: "One organisation: its projects (any status, with its role), the levels of action of those in scope and its degree and rank in the network of the scope, live or as of ?snapshot=.", role: roleViewer, query: []string{"snapshot", "lang", "status"}, status: 200, schema: "OrganisationDetail"},
	{method: "GET", path: "/missions/:slug/signals", id: "listSignals", summary: "Signals in the scope's signal filters (level observed, pillar, challenge, lever, comarca) and the list's own (signal_status, answered=no for those no project answers; q searches reference, headline and description; sort by ext_ref, observed, headline, status, level, source, novelty, projects), paginated, or every row as ?format=csv|xlsx.", role: roleViewer, query: signalListQuery, status: 200, schema: "Page"},
	{method: "GET", path: "/missions/:slug/signals/:ref", id: "getSignal", summary: "One signal by ext_ref: its terms, linked projects and status in every version the imports wrote, live or as of ?snapshot=.", role: roleViewer, query: []string{"snapshot", "lang"}, status: 200, schema: "SignalDetail"},
	{method: "GET", path: "/missions/:slug/coverage", id: "getCoverage", summary: "Coverage matrix of scheme a × scheme b.", role: roleViewer, query: []string{"a", "b", "snapshot"}, status: 200, schema: "Coverage"},
	{method: "GET", path: "/missions/:slug/metrics", id: "getMetrics", summary: "Metric values (all, or ?codes=C1,C2) in scope, live or as of ?snapshot=.", role: roleViewer, query: []string{"codes", "snapshot", "lang"}, status: 200, schema: "Metrics"},
	{method: "GET", path: "/missions/:slug/snapshots", id: "listSnapshots", summary: "Snapshots of the mission, newest first.", role: roleViewer, status: 200, schema: "SnapshotList"},
	{method: "POST", path: "/missions/:slug/snapshots", id: "takeSnapshot", summary: "Take a snapshot now.", role: roleAnalyst, body: "SnapshotRequest", bodyTypes: []string{"application/json"}, status: 201, schema: "Snapshot"},
	{method: "GET", path: "/missions/:slug/decisions", id: "listDecisions", summary: "The mission's decision log.", role: roleViewer, status: 200, schema: "DecisionList"},
	{method: "GET", path: "/missions/:slug/digest", id: "getDigest", summary: "The weekly signal digest: the 7 days before today, or ISO week ?week=2026-W44 (Monday to Sunday).", role: roleViewer, query: []string{"week"}, status: 200, schema: "Digest"},
	{method: "GET", path: "/missions/:slug/imports", id: "listImports", summary: "Import batches of the mission.", role: roleAnalyst, status: 200, schema: "BatchList"},
	{method: "POST", path: "/missions/:slug/imports", id: "createImport", summary: "Upload a file (multipart: file, kind, mode, dry_run, …): a preview, or a commit.", role: roleAnalyst, body: "ImportUpload", bodyTypes: []string{"multipart/form-data"}, status: 201, schema: "Batch"},
	{method: "GET", path: "/missions/:slug/guest-links", id: "listGuestLinks", summary: "Guest links to the mission's snapshots.", role: roleLeader, status: 200, schema: "GuestLinkList"},
	{method: "POST", path: "/missions/:slug/guest-links", id: "createGuestLink", summary: "Create an expiring guest link to a snapshot pack.", role: roleLeader, body: "Object", bodyTypes: []string{"application/json"}, status: 201, schema: "GuestLink"},
	{method: "DELETE", path: "/guest-links/:id", id: "revokeGuestLink", summary: "Revoke a guest link.", role: roleLeader, status: 200, schema: "GuestLink"},
	{method: "GET", path: "/snapshots/:id", id: "getSnapshot", summary: "A snapshot.", role: roleViewer, status: 200, schema: "Snapshot"},
	{method: "DELETE", path: "/snapshots/:id", id: "deleteSnapshot", summary: "Delete a whole snapshot (figures, frozen tables, decisions; guest links revoked): ?confirm=yes is required; answers the snapshot deleted.", role: roleAdminOn, query: []string{"confirm"}, status: 200, schema: "Snapshot"},
	{method: "GET", path: "/snapshots/:id/diff", id: "diffSnapshots", summary: "What changed between ?against=ID and this snapshot, or from this snapshot to today with ?against=live.", role: roleViewer, query: []string{"against", "lang"}, status: 200, schema: "Diff"},
	{method: "POST", path: "/snapshots/:id/decisions", id: "createDecision", summary: "Record a decision on a snapshot.", role: roleLeader, body: "Object", bodyTypes: []string{"application/json"}, status: 201, schema: "Decision"},
	{method: "PATCH", path: "/decisions/:id", id: "updateDecision", summary: "Update a decision's status or owner.", role: roleLeader, body: "Object", bodyTypes: []string{"application/json"}, status: 200, schema: "Decision"},
	{method: "GET", path: "/imports/:id", id: "getImport", summary: "An import batch: status, counts, rejects.", role: roleAnalyst, status: 200, schema: "Batch"},
	{method: "GET", path: "/imports/:id/rejects.csv", id: "getImportRejects", summary: "The rejected rows with their reasons, as CSV.", role: roleAnalyst, status: 200, schema: "CSV", media: "text/csv"},
	{method: "POST", path: "/imports/:id/commit", id: "commitImport", summary: "Commit a previewed import; 422 with the counts when every row is rejected.", role: roleAnalyst, query: []string{"skip_invalid"}, status: 200, schema: "Batch"},
	{method: "POST", path: "/imports/:id/rollback", id: "rollbackImport", summary: "Roll back a committed import.", role: roleAnalyst, status: 200, schema: "Batch"},
	{method: "POST", path: "/imports/:id/discard", id: "discardImport", summary: "Discard a preview.", role: roleAnalyst, status: 200, schema: "Batch"},
	{method: "GET", path: "/jobs", id: "listJobs", summary: "Recent job runs and the scheduled jobs the caller may see.", role: roleSignedIn, status: 200, schema: "Jobs"},
	{method: "POST", path: "/jobs/:job/run", id: "runJob", summary: "Run a scheduled job now (?mission= for a mission's job).", role: roleAdminOfQ, query: []string{"mission"}, status: 200, schema: "JobRun"},
	{method: "POST", path: "/backups", id: "takeBackup", summary: "Back up the running database now (the backup job; detail.dir names the directory).", role: roleInstance, status: 201, schema: "JobRun"},
	{method: "GET", path: "/users", id: "listUsers", summary: "Users.", role: roleInstance, status: 200, schema: "ItemList"},
	{method: "POST", path: "/users", id: "createUser", summary: "Create a user.", role: roleInstance, body: "Object", bodyTypes: []string{"application/json"}, status: 201, schema: "Object"},
	{method: "PATCH", path: "/users/:id", id: "updateUser", summary: "Change a user's role, grants or password, or disable them.", role: roleInstance, body: "Object", bodyTypes: []string{"application/json"}, status: 200, schema: "Object"},
	{method: "GET", path: "/tokens", id: "listTokens", summary: "API tokens (never their secrets).", role: roleInstance, status: 200, schema: "ItemList"},
	{method: "POST", path: "/tokens", id: "createToken", summary: "Create an API token; the secret is shown once.", role: roleInstance, body: "Object", bodyTypes: []string{"application/json"}, status: 201, schema: "Object"},
	{method: "DELETE", path: "/tokens/:id", id: "revokeToken", summary: "Revoke an API token.", role: roleInstance, status: 200, schema: "Object"},
	{method: "GET", path: "/audit", id: "listAudit", summary: "The audit log (?format=csv for CSV).", role: roleAdminOfQ, query: []string{"mission", "format"}, status: 200, schema: "ItemList"},
}

// apiQuery describes the query parameters the table names.
var apiQuery = map[string]map[string]any{
	"limit":          {"description": "page size", "schema": map[string]any{"type": "integer", "minimum": 1}},
	"offset":         {"description": "rows to skip", "schema": map[string]any{"type": "integer", "minimum": 0}},
	"level_a":        {"description": "a level of action (term code)", "required": true, "schema": map[string]any{"type": "string"}},
	"level_b":        {"description": "the other level of action (the same for the links within one)", "required": true, "schema": map[string]any{"type": "string"}},
	"lang":           {"description": "language of labels: en, es or eu", "schema": map[string]any{"type": "string", "enum": []string{"en", "es", "eu"}}},
	"week":           {"description": "ISO week, YYYY-Www (2026-W44)", "schema": map[string]any{"type": "string"}},
	"a":              {"description": "scheme of the rows", "schema": map[string]any{"type": "string"}},
	"b":              {"description": "scheme of the columns", "schema": map[string]any{"type": "string"}},
	"snapshot":       {"description": "answer as of this snapshot id", "schema": map[string]any{"type": "integer"}},
	"codes":          {"description": "comma-separated metric codes", "schema": map[string]any{"type": "string"}},
	"against":        {"description": "the earlier snapshot's id, or live for today's data", "required": true, "schema": map[string]any{"type": "string", "pattern": "^([0-9]+|live)$"}},
	"status":         {"description": "statuses in scope: any, or a comma-separated list (default planned,active)", "schema": map[string]any{"type": "string"}},
	"frac":           {"description": "one or two schemes, comma-separated: add the projects up fractionally as a chart over them does", "schema": map[string]any{"type": "string"}},
	"skip_invalid":   {"description": "commit the valid rows and leave the rejected ones out", "schema": map[string]any{"type": "boolean"}},
	"mission":        {"description": "mission slug", "schema": map[string]any{"type": "string"}},
	"confirm":        {"description": "yes, to confirm a deletion", "schema": map[string]any{"type": "string", "enum": []string{"yes"}}},
	"format":         {"description": "csv (or xlsx, for lists) for a file of every row", "schema": map[string]any{"type": "string", "enum": []string{"csv", "xlsx"}}},
	"q":              {"description": "search: rows whose text contains it, case and accents ignored", "schema": map[string]any{"type": "string", "maxLength": 200}},
	"sort":           {"description": "column to sort by, descending with a leading -", "schema": map[string]any{"type": "string"}},
	"signal_status":  {"description": "a signal status: draft, new, approved or archived", "schema": map[string]any{"type": "string"}},
	"level_observed": {"description": "a term of the level scheme", "schema": map[string]any{"type": "string"}},
	"answered":       {"description": "yes: signals linked to a project; no: to none", "schema": map[string]any{"type": "string", "enum": []string{"yes", "no"}}},
	"observed_from":  {"description": "signals observed on or after this date (yyyy-mm-dd)", "schema": map[string]any{"type": "string", "format": "date"}},
	"observed_to":    {"description": "signals observed before this date (yyyy-mm-dd)", "schema": map[string]any{"type": "string", "format": "date"}},
}

// fiberParam matches a path parameter of a Fiber pattern.
var fiberParam = regexp.MustCompile(`:([a-z_]+)`)

// openAPIPath turns /missions/:slug into /missions/{slug}.
func openAPIPath(fiberPath string) string {
	return fiberParam.ReplaceAllString(fiberPath, "{$1}")
}

// openAPIDocument builds the document once.
var openAPIDocument = sync.OnceValue(func() []byte {
	obj := func(required []string, props map[string]any) map[string]any {
		s := map[string]any{"type": "object", "properties": props}
		if len(required) > 0 {
			s["required"] = required
		}
		return s
	}
	ref := func(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }
	str := map[string]any{"type": "string"}
	integer := map[string]any{"type": "integer"}
	arrayOf := func(items any) map[string]any { return map[string]any{"type": "array", "items": items} }
	anyObj := map[string]any{"type": "object"}

	schemas := map[string]any{
		"ErrorBody": map[string]any{
			"type": "object", "required": []string{"code", "message"}, "additionalProperties": false,
			"properties": map[string]any{
				"code":    map[string]any{"type": "string", "description": "ENOTFOUND, EINVALID, ECONFLICT, EUNAUTHORIZED, EFORBIDDEN, ETOOLARGE, EREJECTED, EINTERNAL, …"},
				"message": str,
				"details": arrayOf(str),
				"key":     map[string]any{"type": "string", "description": "the message's key in the catalogues (refusal.*), for a client that says it in another language"},
				"args": map[string]any{"type": "array", "description": "the key's arguments: text, or a fixed value as {kind, value}",
					"items": map[string]any{"type": []string{"string", "object"}}},
			}},
		"Error":    map[string]any{"type": "object", "required": []string{"error"}, "additionalProperties": false, "properties": map[string]any{"error": ref("ErrorBody")}},
		"Object":   anyObj,
		"Document": obj([]string{"openapi", "info", "paths"}, map[string]any{"openapi": str, "info": anyObj, "paths": anyObj}),
		"CSV":      str,
		"ItemList": obj([]string{"items"}, map[string]any{"items": arrayOf(anyObj)}),
		"Page":     obj([]string{"items", "total", "limit", "offset"}, map[string]any{"items": arrayOf(anyObj), "total": integer, "limit": integer, "offset": integer}),
		"ProjectPage": obj([]string{"items", "total", "limit", "offset", "budget_total_eur", "n_frac", "budget_frac_eur"}, map[string]any{"items": arrayOf(ref("Project")), "total": integer, "limit": integer, "offset": integer,
			"budget_total_eur": map[string]any{"type": "number"}, "budget_null": integer, "frac": map[string]any{"type": []string{"array", "null"}, "items": str},
			"n_frac": map[string]any{"type": "number"}, "budget_frac_eur": map[string]any{"type": "number"}}),
		"Project": obj([]string{"id", "ext_ref", "title"}, map[string]any{"id": integer, "ext_ref": str, "title": str}),
		"ProjectDetail": obj([]string{"id", "ext_ref", "title", "status", "terms", "signals", "batches", "snapshots"}, map[string]any{"id": integer, "ext_ref": str, "title": str,
			"status": str, "terms": anyObj, "place": obj([]string{"code", "name_eu", "name_es"}, map[string]any{"code": str, "name_eu": str, "name_es": str}),
			"signals":   arrayOf(obj([]string{"ext_ref", "headline", "relation"}, map[string]any{"ext_ref": str, "headline": str, "relation": str})),
			"batches":   arrayOf(obj([]string{"id", "filename", "created"}, map[string]any{"id": integer, "filename": str, "created": map[string]any{"type": "boolean"}})),
			"snapshots": arrayOf(obj([]string{"snapshot_id", "taken_at", "stage", "status"}, map[string]any{"snapshot_id": integer, "taken_at": str, "stage": str, "status": str}))}),
		"SignalDetail": obj([]string{"id", "ext_ref", "headline", "status", "terms", "linked_projects", "history"}, map[string]any{"id": integer, "ext_ref": str, "headline": str,
			"status": str, "terms": anyObj, "linked_projects": arrayOf(obj([]string{"ext_ref", "title", "relation"}, map[string]any{"ext_ref": str, "title": str, "relation": str})),
			"history": arrayOf(obj([]string{"id", "status", "created"}, map[string]any{"id": integer, "status": str, "created": map[string]any{"type": "boolean"}}))}),
		"OrganisationDetail": obj([]string{"id", "name", "projects", "all_projects", "levels", "degree", "rank", "connected"}, map[string]any{"id": integer, "name": str,
			"projects": integer, "all_projects": arrayOf(obj([]string{"ext_ref", "title", "relation"}, map[string]any{"ext_ref": str, "title": str, "relation": str})),
			"levels": map[string]any{"type": "object", "additionalProperties": integer}, "degree": integer, "rank": integer, "connected": integer}),
		"Session":     obj([]string{"kind", "roles", "instance_admin"}, map[string]any{"kind": str, "name": str, "roles": map[string]any{"type": "object", "additionalProperties": str}, "instance_admin": map[string]any{"type": "boolean"}}),
		"MissionList": obj([]string{"items"}, map[string]any{"items": arrayOf(obj([]string{"slug", "title"}, map[string]any{"slug": str, "title": anyObj}))}),
		"Mission":     obj([]string{"slug", "title", "schemes"}, map[string]any{"slug": str, "title": anyObj, "schemes": arrayOf(anyObj)}),
		"Coverage":    obj([]string{"a", "b", "cells"}, map[string]any{"a": str, "b": str, "cells": arrayOf(obj([]string{"a", "b", "n_full", "n_frac", "budget_frac"}, map[string]any{}))}),
		"Metrics":     obj([]string{"computed_at", "metrics"}, map[string]any{"computed_at": str, "scope": anyObj, "metrics": arrayOf(obj([]string{"code", "value", "n"}, map[string]any{"code": str, "label": str, "dims": anyObj, "value": map[string]any{"type": "number"}, "n": integer}))}),
		"Snapshot": obj([]string{"id", "mission", "taken_at", "trigger", "label", "projects", "organisations", "signals", "metrics"},
			map[string]any{"id": integer, "mission": str, "taken_at": str, "trigger": str, "label": str, "projects": integer,
				"organisations": integer, "signals": integer, "metrics": integer}),
		"SnapshotList": obj([]string{"items"}, map[string]any{"items": arrayOf(ref("Snapshot"))}),
		"Decision": obj([]string{"id", "mission", "snapshot_id", "type", "status"},
			map[string]any{"id": integer, "mission": str, "snapshot_id": integer, "type": str, "status": str, "owner": str,
				"overdue": map[string]any{"type": "boolean", "description": "due date passed (the mission's today) and neither done nor dropped"}}),
		"DecisionList": obj([]string{"items"}, map[string]any{"items": arrayOf(ref("Decision"))}),
		"Digest": obj([]string{"mission", "from", "to", "total", "groups"},
			map[string]any{"mission": str, "from": str, "to": str, "total": integer, "groups": map[string]any{"type": []string{"array", "null"}}}),
		"Diff": obj([]string{"from", "to", "projects_added", "projects_removed", "coverage_cells", "new_blind_spots", "kpi_deltas"},
			map[string]any{"from": ref("Snapshot"), "to": ref("Snapshot"), "coverage_cells": anyObj}),
		"GuestLink": obj([]string{"id", "mission", "snapshot_id", "expires_at"},
			map[string]any{"id": integer, "mission": str, "snapshot_id": integer, "expires_at": str, "url": str}),
		"GuestLinkList":   obj([]string{"items"}, map[string]any{"items": arrayOf(ref("GuestLink"))}),
		"BatchList":       obj([]string{"items"}, map[string]any{"items": map[string]any{"type": []string{"array", "null"}, "items": ref("Batch")}}),
		"SnapshotRequest": obj(nil, map[string]any{"label": str}),
		"Batch": obj([]string{"id", "mission", "kind", "mode", "status", "rows_total", "rows_ok", "rows_rejected"},
			map[string]any{"id": integer, "mission": str, "kind": str, "mode": str, "status": str, "rows_total": integer, "rows_ok": integer, "rows_rejected": integer}),
		"ImportUpload": obj([]string{"file", "kind"}, map[string]any{"file": map[string]any{"type": "string", "contentMediaType": "application/octet-stream"}, "kind": str, "mode": str, "dry_run": str}),
		"ImportRejected": obj([]string{"error", "id", "status", "rows_total", "rows_ok", "rows_rejected"}, map[string]any{
			"error": ref("ErrorBody"), "id": integer, "status": str, "rows_total": integer, "rows_ok": integer, "rows_rejected": integer, "rejects": map[string]any{"type": []string{"array", "null"}}}),
		"JobRun": obj([]string{"id", "job", "trigger", "started_at", "status"}, map[string]any{"id": integer, "job": str, "mission": str, "trigger": str,
			"started_at": str, "finished_at": map[string]any{"type": []string{"string", "null"}}, "status": str, "error": str}),
		"Jobs": obj(nil, map[string]any{"items": map[string]any{"type": []string{"array", "null"}, "items": ref("JobRun")}, "scheduled": map[string]any{"type": []string{"array", "null"}}}),
	}
	errorResponse := func(desc string) map[string]any {
		return map[string]any{"description": desc, "content": map[string]any{"application/json": map[string]any{"schema": ref("Error")}}}
	}
	paths := map[string]map[string]any{}
	for _, op := range apiOps {
		p := openAPIPath(op.path)
		var params []any
		for _, m := range fiberParam.FindAllStringSubmatch(op.path, -1) {
			schema := integer
			if m[1] == "slug" || m[1] == "job" {
				schema = str
			}
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": schema})
		}
		for _, q := range op.query {
			param := map[string]any{"name": q, "in": "query"}
			for k, v := range apiQuery[q] {
				param[k] = v
			}
			params = append(params, param)
		}
		media := op.media
		if media == "" {
			media = "application/json"
		}
		responses := map[string]any{
			itoa(op.status): map[string]any{"description": "success", "content": map[string]any{media: map[string]any{"schema": ref(op.schema)}}},
			"400":           errorResponse("bad input (EINVALID): the message says which parameter or field, and why"),
			"401":           errorResponse("no valid session or API token (EUNAUTHORIZED)"),
			"403":           errorResponse("the caller's role does not allow it (EFORBIDDEN)"),
			"404":           errorResponse("no such mission, snapshot, batch… (ENOTFOUND)"),
			"default":       errorResponse("any other error, same shape (ECONFLICT 409, ETOOLARGE 413, 429, EINTERNAL 500)"),
		}
		if op.method == "PUT" {
			responses["201"] = map[string]any{"description": "created", "content": map[string]any{media: map[string]any{"schema": ref(op.schema)}}}
		}
		if op.id == "commitImport" {
			responses["422"] = map[string]any{"description": "every row was rejected: nothing was committed",
				"content": map[string]any{"application/json": map[string]any{"schema": ref("ImportRejected")}}}
		}
		if op.role == rolePublicDoc {
			delete(responses, "401")
			delete(responses, "403")
		}
		o := map[string]any{"operationId": op.id, "summary": op.summary,
			"description": "Required role: " + op.role + ".", "x-begira-role": op.role, "responses": responses}
		if op.role != rolePublicDoc && op.role != roleAnyone {
			o["security"] = []any{map[string]any{"bearerToken": []string{}}, map[string]any{"sessionCookie": []string{}}}
		}
		if len(params) > 0 {
			o["parameters"] = params
		}
		if op.body != "" {
			content := map[string]any{}
			for _, t := range op.bodyTypes {
				content[t] = map[string]any{"schema": ref(op.body)}
			}
			o["requestBody"] = map[string]any{"required": true, "content": content}
		}
		if paths[p] == nil {
			paths[p] = map[string]any{}
		}
		paths[p][strings.ToLower(op.method)] = o
	}
	doc := map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "Begira API", "version": "1",
			"description": "The JSON API of Begira. Every error is {\"error\":{\"code\",\"message\",\"details\"}} with the matching HTTP status. " +
				"Authenticate with an API token (Authorization: Bearer …) or a browser session; writes from a session need the CSRF token."},
		"servers": []any{map[string]any{"url": "/api/v1"}},
		"paths":   paths,
		"components": map[string]any{
			"schemas": schemas,
			"securitySchemes": map[string]any{
				"bearerToken":   map[string]any{"type": "http", "scheme": "bearer", "description": "an API token (begira token create)"},
				"sessionCookie": map[string]any{"type": "apiKey", "in": "cookie", "name": "begira_session"},
			},
		},
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		panic("web: the OpenAPI document does not marshal: " + err.Error())
	}
	return b
})

func itoa(n int) string { return strconv.Itoa(n) }

func (s *Server) apiOpenAPI(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return c.Send(openAPIDocument())
}

// OpenAPI returns the OpenAPI 3.1 document of /api/v1 (JSON).
func OpenAPI() []byte { return openAPIDocument() }
