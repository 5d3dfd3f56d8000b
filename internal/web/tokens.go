package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/internal/auth"
	"github.com/begira/begira/internal/portfolio"
)

// API tokens: created (the secret shown once), listed and revoked, through
// the API and the admin page.

// tokenRequest is the body of POST /tokens.
type tokenRequest struct {
	Name    string `json:"name"`
	Role    string `json:"role"`
	Mission string `json:"mission"` // "" or "*" for every mission
}

// createdToken is the only answer that ever shows a token.
type createdToken struct {
	portfolio.Token
	Secret string `json:"token"`
}

// createToken checks and stores a new token; the secret is returned once.
func (s *Server) createToken(c *fiber.Ctx, req tokenRequest) (*createdToken, error) {
	t, secret, err := auth.CreateToken(c.UserContext(), s.access, s.store, req.Name, req.Role, req.Mission)
	if err != nil {
		return nil, err
	}
	return &createdToken{Token: *t, Secret: secret}, nil
}

func (s *Server) apiTokens(c *fiber.Ctx) error {
	ts, err := s.access.Tokens(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": ts})
}

func (s *Server) apiCreateToken(c *fiber.Ctx) error {
	var req tokenRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	t, err := s.createToken(c, req)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(t)
}

func (s *Server) apiRevokeToken(c *fiber.Ctx) error {
	id, err := idParam(c, "id", "token")
	if err != nil {
		return err
	}
	t, err := s.access.RevokeToken(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(t)
}

// tokensView is the API tokens page; NewToken is a token just created,
// shown this once.
type tokensView struct {
	page
	Tokens   []portfolio.Token
	NewToken *createdToken
}

func (s *Server) tokensPage(c *fiber.Ctx) error { return s.renderTokens(c, "", nil) }

func (s *Server) renderTokens(c *fiber.Ctx, msg string, created *createdToken) error {
	ts, err := s.access.Tokens(c.UserContext())
	if err != nil {
		return err
	}
	p, err := s.adminPage(c, "tokens", msg)
	if err != nil {
		return err
	}
	return s.render(c, "tokens", &tokensView{page: *p, Tokens: ts, NewToken: created})
}

// createTokenForm shows the new token once, on the page that answers the
// form; it is never shown again.
func (s *Server) createTokenForm(c *fiber.Ctx) error {
	t, err := s.createToken(c, tokenRequest{Name: c.FormValue("name"), Role: c.FormValue("role"), Mission: c.FormValue("mission")})
	if err != nil {
		return s.formMessage(c, err, func(msg string) error { return s.renderTokens(c, msg, nil) })
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Status(fiber.StatusCreated)
	return s.renderTokens(c, "", t)
}

func (s *Server) revokeTokenForm(c *fiber.Ctx) error {
	id, err := idParam(c, "id", "token")
	if err != nil {
		return err
	}
	if _, err := s.access.RevokeToken(c.UserContext(), id); err != nil {
		return err
	}
	return c.Redirect("/admin/tokens", fiber.StatusSeeOther)
}
