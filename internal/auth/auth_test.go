package auth

import (
	"strings"
	"testing"
	"time"
)

func TestPasswordHash(t *testing.T) {
	h := HashPassword("correct horse battery")
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Errorf("hash %q is not an argon2id PHC string with our parameters", h)
	}
	if h == HashPassword("correct horse battery") {
		t.Error("two hashes of one password are equal: no salt")
	}
	if !VerifyPassword("correct horse battery", h) {
		t.Error("the right password does not verify")
	}
	for _, bad := range []string{"correct horse batterY", "", "correct horse battery "} {
		if VerifyPassword(bad, h) {
			t.Errorf("%q verifies", bad)
		}
	}
	for _, broken := range []string{"", "$argon2i$v=19$m=65536,t=3,p=2$c2FsdA$a2V5", strings.Replace(h, "t=3", "t=x", 1), h[:len(h)-8] + "!!!!!!!!"} {
		if VerifyPassword("correct horse battery", broken) {
			t.Errorf("malformed hash %q verifies", broken)
		}
	}
	if CheckPassword("elevenchars") == nil || CheckPassword("twelve chars") != nil {
		t.Error("the minimum length is not 12 characters")
	}
}

func TestGuestLinkSignature(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tok := SignGuestLink(key, 7, now.Add(time.Hour))
	if id, err := VerifyGuestLink(key, tok, now); err != nil || id != 7 {
		t.Fatalf("verify = %d, %v; want 7", id, err)
	}
	if _, err := VerifyGuestLink(key, tok, now.Add(time.Hour)); err == nil || !strings.Contains(err.Error(), "expired") {
		t.Errorf("at expiry: %v, want expired", err)
	}
	if _, err := VerifyGuestLink([]byte("another key of thirty-two bytes!"), tok, now); err == nil {
		t.Error("a link verifies under another key")
	}
	parts := strings.Split(tok, ".")
	for _, forged := range []string{"8." + parts[1] + "." + parts[2], parts[0] + ".9999999999." + parts[2], parts[0] + "." + parts[1], ""} {
		if _, err := VerifyGuestLink(key, forged, now); err == nil {
			t.Errorf("forged link %q verifies", forged)
		}
	}
}

func TestLimiter(t *testing.T) {
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := NewLimiter(2, 10*time.Second, func() time.Time { return at })
	for i := range 2 {
		if ok, _ := l.Allow("a"); !ok {
			t.Fatalf("attempt %d refused within the burst", i+1)
		}
	}
	ok, wait := l.Allow("a")
	if ok || wait != 10*time.Second {
		t.Fatalf("third attempt: %v, wait %s; want refused, 10s", ok, wait)
	}
	if ok, _ := l.Allow("b"); !ok {
		t.Error("another address is limited too")
	}
	at = at.Add(5 * time.Second)
	if ok, wait := l.Allow("a"); ok || wait != 5*time.Second {
		t.Errorf("after 5s: %v, wait %s; want refused, 5s", ok, wait)
	}
	at = at.Add(5 * time.Second)
	if ok, _ := l.Allow("a"); !ok {
		t.Error("after 10s one attempt should be back")
	}
}

func TestRoles(t *testing.T) {
	p := &Principal{Kind: UserKind, Name: "ane", Grants: map[string]Role{"tiny": Analyst, All: Viewer}}
	if p.Role("tiny") != Analyst || p.Role("other") != Viewer || p.InstanceAdmin() {
		t.Errorf("roles: tiny %s, other %s, instance %v", p.Role("tiny"), p.Role("other"), p.InstanceAdmin())
	}
	if !p.Can("tiny", Leader) || p.Can("tiny", Admin) || p.Can("other", Leader) {
		t.Error("Can does not follow viewer < leader < analyst < admin")
	}
	if _, err := ParseRole("owner"); err == nil {
		t.Error("unknown role parsed")
	}
	if p.Actor() != "user:ane" || (&Principal{Kind: TokenKind, ID: 3, Name: "ci"}).Actor() != "token:3 (ci)" {
		t.Error("actor names")
	}
}
