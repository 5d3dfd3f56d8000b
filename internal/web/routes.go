package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/internal/auth"
	"github.com/begira/begira/internal/portfolio"
)

// routes registers every route with its policy. A route cannot be added
// without one, and TestRouteAccess fails for a route missing from its
// table of expected statuses per role.
func (s *Server) routes(app *fiber.App) {
	// Before authentication: nothing here depends on who asks, and static
	// files should not cost a session lookup.
	app.Get("/healthz", s.healthz)
	app.Get("/readyz", s.readyz)
	app.Use("/static", staticFiles())
	app.Get("/geo/map.json", s.geoJSONFile)
	app.Get("/geo/gipuzkoa.geojson", s.builtinBoundaries)
	app.Get("/metrics", s.metricsEndpoint) // its own token, not a user's

	app.Use(s.authenticate, s.checkCSRF)
	h := func(r fiber.Router, method, path string, pol policy, handler fiber.Handler) {
		r.Add(method, path, s.guard(pol), handler)
	}
	const get, post, put, patch, del = fiber.MethodGet, fiber.MethodPost, fiber.MethodPut, fiber.MethodPatch, fiber.MethodDelete

	api := app.Group("/api/v1")
	h(api, get, "/openapi.json", public, s.apiOpenAPI)

	// Sessions and guests (session.go, guest.go).
	h(api, get, "/session", public, s.apiSession)
	h(app, get, "/login", public, s.loginPage)
	h(app, post, "/login", public, s.login)
	h(app, post, "/logout", public, s.logout)
	h(app, get, "/setup", public, s.setupPage)
	h(app, post, "/setup", public, s.setup)
	h(app, get, "/g/:token", public, s.guestPack)
	h(app, get, "/g/:token/diff", public, s.guestDiff)
	h(api, get, "/missions/:slug/guest-links", onMission(auth.Leader), s.apiGuestLinks)
	h(api, post, "/missions/:slug/guest-links", onMission(auth.Leader), s.apiCreateGuestLink)
	h(api, del, "/guest-links/:id", onGuest(auth.Leader), s.apiRevokeGuestLink)
	h(app, post, "/m/:slug/guest-links", onMission(auth.Leader), s.createGuestLinkForm)
	h(app, post, "/m/:slug/guest-links/:id/revoke", onMission(auth.Leader), s.revokeGuestLinkForm)

	// Missions (missions.go, firstrun.go).
	h(app, get, "/", public, s.home)
	h(api, get, "/missions", public, s.apiMissions)
	h(api, get, "/missions/:slug", onMission(auth.Viewer), s.apiMission)
	h(api, put, "/missions/:slug", onMission(auth.Admin), s.apiPutMission)
	h(app, get, "/missions/new", instanceAdmin, s.newMissionPage)
	h(app, post, "/missions/new", instanceAdmin, s.createMission)

	// Dashboards and the metric catalogue (dashboards.go, boundaries.go,
	// metrics_page.go).
	h(app, get, "/m/:slug", onMission(auth.Viewer), s.overview)
	h(app, get, "/m/:slug/d/:dashboard", onMission(auth.Viewer), s.dashboardPage)
	h(app, get, "/m/:slug/d/:dashboard/csv/:panel", onMission(auth.Viewer), s.panelCSV)
	h(app, get, "/m/:slug/boundaries.geojson", onMission(auth.Viewer), s.missionBoundaries)
	h(app, get, "/m/:slug/metrics", onMission(auth.Viewer), s.metricsPage)
	h(api, get, "/missions/:slug/metrics", onMission(auth.Viewer), s.apiMetrics)
	h(api, get, "/missions/:slug/coverage", onMission(auth.Viewer), s.apiCoverage)

	// Lists and details (lists.go, links.go, detail.go).
	h(app, get, "/m/:slug/projects", onMission(auth.Viewer), s.projectsPage)
	h(app, get, "/m/:slug/projects/:ref", onMission(auth.Viewer), s.projectPage)
	h(app, get, "/m/:slug/organisations", onMission(auth.Viewer), s.organisationsPage)
	h(app, get, "/m/:slug/organisations/:id", onMission(auth.Viewer), s.organisationPage)
	h(app, get, "/m/:slug/signals", onMission(auth.Viewer), s.signalsPage)
	h(app, get, "/m/:slug/signals/:ref", onMission(auth.Viewer), s.signalPage)
	h(app, get, "/m/:slug/links", onMission(auth.Viewer), s.linksPage)
	h(api, get, "/missions/:slug/projects", onMission(auth.Viewer), s.apiProjects)
	h(api, get, "/missions/:slug/projects/:ref", onMission(auth.Viewer), s.apiProject)
	h(api, get, "/missions/:slug/organisations", onMission(auth.Viewer), s.apiOrganisations)
	h(api, get, "/missions/:slug/organisations/:id", onMission(auth.Viewer), s.apiOrganisation)
	h(api, get, "/missions/:slug/signals", onMission(auth.Viewer), s.apiSignals)
	h(api, get, "/missions/:slug/signals/:ref", onMission(auth.Viewer), s.apiSignal)
	h(api, get, "/missions/:slug/links", onMission(auth.Viewer), s.apiLinks)

	// Imports (imports.go).
	h(app, get, "/m/:slug/imports", onMission(auth.Analyst), s.importsPage)
	h(api, get, "/missions/:slug/imports", onMission(auth.Analyst), s.apiImports)
	h(api, post, "/missions/:slug/imports", onMission(auth.Analyst), s.apiCreateImport)
	h(api, get, "/imports/:id", onImport(auth.Analyst), s.apiImport)
	h(api, get, "/imports/:id/rejects.csv", onImport(auth.Analyst), s.apiImportRejects)
	h(api, post, "/imports/:id/commit", onImport(auth.Analyst), s.apiCommitImport)
	h(api, post, "/imports/:id/rollback", onImport(auth.Analyst), s.apiRollbackImport)
	h(api, post, "/imports/:id/discard", onImport(auth.Analyst), s.apiDiscardImport)

	// Snapshots, the pack and the digest (snapshots.go, snapshot_pages.go,
	// snapshot_delete.go, pack.go, digest.go).
	h(app, get, "/m/:slug/snapshots", onMission(auth.Viewer), s.snapshotsPage)
	h(app, get, "/m/:slug/snapshots/:id/diff", onMission(auth.Viewer), s.snapshotDiffPage)
	h(app, get, "/m/:slug/snapshots/:id/pack", onMission(auth.Viewer), s.snapshotPackPage)
	h(app, post, "/m/:slug/snapshots/:id/delete", onMission(auth.Admin), s.deleteSnapshotForm)
	h(app, get, "/m/:slug/digest", onMission(auth.Viewer), s.digestPage)
	h(api, get, "/missions/:slug/snapshots", onMission(auth.Viewer), s.apiSnapshots)
	h(api, post, "/missions/:slug/snapshots", onMission(auth.Analyst), s.apiTakeSnapshot)
	h(api, get, "/snapshots/:id", onSnapshot(auth.Viewer), s.apiSnapshot)
	h(api, del, "/snapshots/:id", onSnapshot(auth.Admin), s.apiDeleteSnapshot)
	h(api, get, "/snapshots/:id/diff", onSnapshot(auth.Viewer), s.apiSnapshotDiff)
	h(api, get, "/missions/:slug/digest", onMission(auth.Viewer), s.apiDigest)

	// Decisions (decisions.go).
	h(app, get, "/m/:slug/decisions", onMission(auth.Viewer), s.decisionsPage)
	h(api, get, "/missions/:slug/decisions", onMission(auth.Viewer), s.apiDecisions)
	h(api, post, "/snapshots/:id/decisions", onSnapshot(auth.Leader), s.apiCreateDecision)
	h(api, patch, "/decisions/:id", onDecision(auth.Leader), s.apiUpdateDecision)

	// Jobs and backups (jobs.go, backups.go).
	h(app, get, "/jobs", signedIn, s.jobsPage)
	h(api, get, "/jobs", signedIn, s.apiJobs)
	h(api, post, "/jobs/:job/run", onQuery(auth.Admin), s.apiRunJob)
	h(api, post, "/backups", instanceAdmin, s.apiBackup)

	// Administration: users, tokens, the audit log (admin.go, users.go,
	// tokens.go, audit.go).
	h(app, get, "/admin/users", instanceAdmin, s.usersPage)
	h(app, post, "/admin/users", instanceAdmin, s.createUserForm)
	h(app, post, "/admin/users/:id", instanceAdmin, s.updateUserForm)
	h(api, get, "/users", instanceAdmin, s.apiUsers)
	h(api, post, "/users", instanceAdmin, s.apiCreateUser)
	h(api, patch, "/users/:id", instanceAdmin, s.apiUpdateUser)
	h(app, get, "/admin/tokens", instanceAdmin, s.tokensPage)
	h(app, post, "/admin/tokens", instanceAdmin, s.createTokenForm)
	h(app, post, "/admin/tokens/:id/revoke", instanceAdmin, s.revokeTokenForm)
	h(api, get, "/tokens", instanceAdmin, s.apiTokens)
	h(api, post, "/tokens", instanceAdmin, s.apiCreateToken)
	h(api, del, "/tokens/:id", instanceAdmin, s.apiRevokeToken)
	h(app, get, "/admin/audit", onQuery(auth.Admin), s.auditPage)
	h(api, get, "/audit", onQuery(auth.Admin), s.apiAudit)

	// Last: any other API path is a JSON 404, not a page.
	api.Use(func(c *fiber.Ctx) error {
		return portfolio.Errorf(portfolio.ENOTFOUND, "no API route %s %s", c.Method(), c.Path())
	})
}
