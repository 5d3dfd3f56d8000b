// Package auth says who is asking and what they may do: roles per mission,
// argon2id passwords, session and API token secrets, signed guest links and
// the login rate limit. It holds no HTTP; internal/web applies it to routes.
package auth
