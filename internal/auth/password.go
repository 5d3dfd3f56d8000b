package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"

	"github.com/begira/begira/internal/portfolio"
)

// Argon2id parameters: RFC 9106's second recommended option (64 MiB, 3
// passes) with 2 lanes for the 2-core hosts Begira targets. They are
// written into every hash, so raising them later keeps old hashes valid.
const (
	argonTime    = 3
	argonMemory  = 64 * 1024
	argonThreads = 2
	argonKeyLen  = 32
	saltLen      = 16
)

// MinPasswordLength is the shortest password accepted (NIST SP 800-63B
// asks for at least 8; we ask for more as there is no second factor).
const MinPasswordLength = 12

// CheckUsername refuses names that would be ambiguous in the audit log
// ("user:NAME") or in a URL.
func CheckUsername(name string) error {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 64 || strings.ContainsAny(name, " \t\r\n:/") {
		return portfolio.Errorf(portfolio.EINVALID, "a username has 1 to 64 characters, without spaces, colons or slashes")
	}
	return nil
}

// CheckPassword refuses passwords too short or too long to hash sensibly.
func CheckPassword(pw string) error {
	if n := len([]rune(pw)); n < MinPasswordLength {
		return portfolio.Errorf(portfolio.EINVALID, "the password must have at least %d characters", MinPasswordLength)
	}
	if len(pw) > 1024 {
		return portfolio.Errorf(portfolio.EINVALID, "the password must have at most 1024 bytes")
	}
	return nil
}

// HashPassword returns pw's argon2id hash as a PHC string.
func HashPassword(pw string) string {
	salt := make([]byte, saltLen)
	rand.Read(salt)
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// VerifyPassword says whether pw matches the PHC hash, in constant time.
func VerifyPassword(pw, hash string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var version int
	var mem, time uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &time, &threads); err != nil {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, time, mem, threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is verified against when the username is unknown, so a login
// for a user who does not exist costs as much as one for a user who does.
// It is made on first use: hashing costs 64 MiB and tens of milliseconds.
var dummyHash = sync.OnceValue(func() string { return HashPassword("begira-no-such-user") })

// BurnPasswordTime spends the time of one verification.
func BurnPasswordTime(pw string) { VerifyPassword(pw, dummyHash()) }
