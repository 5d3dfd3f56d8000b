package web

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/internal/portfolio"
)

// The API's own plumbing: the paginated list shape, JSON bodies and ids in
// paths. The handlers live with the pages of their area.

// list answers the paginated {items, total, limit, offset} shape.
func list[T any](c *fiber.Ctx, items []T, total int64, pg portfolio.Page) error {
	return c.JSON(fiber.Map{"items": items, "total": total, "limit": pg.Limit, "offset": pg.Offset})
}

// decodeJSON reads a JSON body into v, refusing unknown fields (a typo in
// a script should fail, not be ignored).
func decodeJSON(c *fiber.Ctx, v any) error {
	d := json.NewDecoder(bytes.NewReader(c.Body()))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return portfolio.Errorf(portfolio.EINVALID, "the body must be a JSON object: %v", err)
	}
	return nil
}

func idParam(c *fiber.Ctx, name, what string) (int64, error) {
	id, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || id < 1 {
		return 0, portfolio.Errorf(portfolio.ENOTFOUND, "no %s %q", what, c.Params(name))
	}
	return id, nil
}
