package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// TokenPrefix marks Begira API tokens, so secret scanners can find leaks.
const TokenPrefix = "bgr_"

// NewSecret returns 32 random bytes, URL-safe encoded: session ids, CSRF
// tokens, setup codes.
func NewSecret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// NewToken returns a new API token.
func NewToken() string { return TokenPrefix + NewSecret() }

// Hash is how session ids and API tokens are stored: their SHA-256. The
// secrets carry 256 random bits, so no slow hash or salt is needed.
func Hash(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// EqualSecrets compares two secrets in constant time.
func EqualSecrets(a, b string) bool {
	return a != "" && hmac.Equal([]byte(a), []byte(b))
}

// SignGuestLink returns the link token for guest link id expiring at exp:
// "id.exp.signature", the signature an HMAC-SHA256 over id and exp with the
// instance's key. The expiry is in the token, so an expired link is
// refused without a database read, and cannot be extended by editing it.
func SignGuestLink(key []byte, id int64, exp time.Time) string {
	payload := strconv.FormatInt(id, 10) + "." + strconv.FormatInt(exp.Unix(), 10)
	return payload + "." + guestMAC(key, payload)
}

func guestMAC(key []byte, payload string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// VerifyGuestLink checks a link token's signature and expiry against now
// and returns the link's id.
func VerifyGuestLink(key []byte, token string, now time.Time) (int64, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return 0, fmt.Errorf("malformed guest link")
	}
	payload := parts[0] + "." + parts[1]
	if !hmac.Equal([]byte(parts[2]), []byte(guestMAC(key, payload))) {
		return 0, fmt.Errorf("bad guest link signature")
	}
	id, err1 := strconv.ParseInt(parts[0], 10, 64)
	exp, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("malformed guest link")
	}
	if !now.Before(time.Unix(exp, 0)) {
		return 0, fmt.Errorf("guest link expired")
	}
	return id, nil
}
