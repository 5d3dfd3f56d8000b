package portfolio

import (
	"errors"
	"fmt"
)

// Error codes. The web layer maps each code to one HTTP status; nothing else
// needs to know about HTTP.
const (
	ECONFLICT     = "ECONFLICT"
	EINTERNAL     = "EINTERNAL"
	EINVALID      = "EINVALID"
	ENOTFOUND     = "ENOTFOUND"
	EUNAUTHORIZED = "EUNAUTHORIZED"
	EFORBIDDEN    = "EFORBIDDEN"
	ETOOLARGE     = "ETOOLARGE"
	// ETOOMANY is a client over a rate limit or locked out for a while.
	ETOOMANY = "ETOOMANY"
)

// Error is a failure meant for the user: its Message is safe to show.
// Details carry structured, user-facing specifics (e.g. which field).
type Error struct {
	Code    string
	Message string
	Details []string
	// Key names the message in the catalogues (refusal.*) and Args are its
	// arguments, when the error was made by Refusef: a page says the
	// refusal in its reader's language, specifics included (which field,
	// which limit, which status), while Message stays the English one.
	Key  string
	Args []any
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Errorf returns an *Error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Refusef is Errorf whose message has a key in the catalogues: format is
// the English message (the key's English text, word for word: a test
// compares them) and args may hold Coded values that pages name in their
// language.
func Refusef(code, key, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Key: key, Args: args}
}

// Coded is an argument of a refusal that is a fixed value (an import's
// status): the English message and the API write Value, a page the name
// of Value in its language (the i18n enum Kind).
type Coded struct{ Kind, Value string }

func (c Coded) String() string { return c.Value }

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err. Internal errors get a
// generic message so that details never leak to clients.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

// ErrorDetails returns the details of the first *Error in err's chain.
func ErrorDetails(err error) []string {
	var e *Error
	if errors.As(err, &e) {
		return e.Details
	}
	return nil
}
