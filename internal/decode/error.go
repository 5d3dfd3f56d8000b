package decode

import "fmt"

// Error is a file that cannot be read as sent: Message says why in the
// analyst's terms (a line, a column, a sheet), Details lists the choices
// when there are some (the sheets of a workbook). The import pipeline
// reports it as invalid input.
type Error struct {
	Message string
	Details []string
}

func (e *Error) Error() string { return "EINVALID: " + e.Message }

// invalid returns an *Error with a formatted message.
func invalid(format string, args ...any) *Error {
	return &Error{Message: fmt.Sprintf(format, args...)}
}
