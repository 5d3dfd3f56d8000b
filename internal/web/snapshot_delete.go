package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/internal/portfolio"
)

// Deleting a snapshot. A mission admin may remove a whole snapshot (its
// figures, frozen tables, decisions; its guest links are revoked), audited
// as snapshot.delete. Nothing edits a snapshot: it exists unchanged, or
// not at all.

// apiDeleteSnapshot answers DELETE /api/v1/snapshots/:id?confirm=yes
// with the snapshot that was removed.
func (s *Server) apiDeleteSnapshot(c *fiber.Ctx) error {
	svc, err := s.snapshotService()
	if err != nil {
		return err
	}
	id, err := snapshotID(c, "id")
	if err != nil {
		return err
	}
	if c.Query("confirm") != "yes" {
		return portfolio.Errorf(portfolio.EINVALID, "deleting snapshot %d removes its figures, decisions and guest links for good: add ?confirm=yes", id)
	}
	sn, err := svc.Delete(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(sn)
}

// deleteSnapshotForm is the snapshots page's delete button; the form's
// required checkbox is the confirmation.
func (s *Server) deleteSnapshotForm(c *fiber.Ctx) error {
	svc, err := s.snapshotService()
	if err != nil {
		return err
	}
	id, err := snapshotID(c, "id")
	if err != nil {
		return err
	}
	slug := c.Params("slug")
	if sn, err := svc.Get(c.UserContext(), id); err != nil || sn.Mission != slug {
		return portfolio.Errorf(portfolio.ENOTFOUND, "no snapshot %d on this mission", id)
	}
	if c.FormValue("confirm") != "yes" {
		return portfolio.Errorf(portfolio.EINVALID, "tick the box to confirm that the snapshot, its decisions and guest links go")
	}
	if _, err := svc.Delete(c.UserContext(), id); err != nil {
		return err
	}
	return c.Redirect("/m/"+slug+"/snapshots", fiber.StatusSeeOther)
}
