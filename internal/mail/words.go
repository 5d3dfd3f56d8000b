package mail

import "github.com/begira/begira/internal/i18n"

// word returns the mail's own string key in lang (falling back to
// English): the catalogue's "mail.<key>", in the locale files translators
// edit with the pages' strings.
func word(lang, key string) string { return i18n.T(lang, "mail."+key) }
