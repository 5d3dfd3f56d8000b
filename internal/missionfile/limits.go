package missionfile

import (
	"errors"
	"fmt"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/scanner"
	"github.com/goccy/go-yaml/token"

	"github.com/begira/begira/internal/portfolio"
)

// Limits. A mission document is a few kilobytes of taxonomy (the demo's is
// 8 KB, six levels deep). The decoder is not made for hostile documents: a
// document nested 200,000 levels deep took the server out of memory while
// its error was formatted, and a 20 KB alias fan-out took 513 MB. So a
// document is checked on its tokens first, in time and memory linear in
// its size, and only then decoded.
const (
	// MaxBytes bounds a document's size: the decoder holds some 300 bytes
	// per token, so this also bounds its memory.
	MaxBytes = 512 << 10
	// MaxDepth bounds how deep mappings and sequences nest.
	MaxDepth = 32
	// maxMessage bounds an error message taken from the decoder.
	maxMessage = 200
)

// check refuses a document over the limits: too large, nested too deep,
// or using anchors and aliases (a mission document has no use for them,
// and they are how a small document expands into a huge one).
func check(doc []byte) error {
	if len(doc) > MaxBytes {
		return portfolio.Errorf(portfolio.ETOOLARGE, "mission document: %d bytes, over the limit of %d", len(doc), MaxBytes)
	}
	if err := checkBrackets(doc); err != nil {
		return err
	}
	var (
		sc     scanner.Scanner
		flow   int   // open [ and {
		blocks []int // columns of the open block levels
		line   = -1
	)
	sc.Init(string(doc))
	for {
		tokens, err := sc.Scan()
		if err != nil {
			// The end, or a syntax error that the decoder words.
			return nil
		}
		for _, t := range tokens {
			switch t.Type {
			case token.AnchorType, token.AliasType:
				return invalidAt(t, "anchors and aliases (&, *) are not allowed in a mission document")
			case token.CommentType:
				continue
			case token.SequenceStartType, token.MappingStartType:
				flow++
			case token.SequenceEndType, token.MappingEndType:
				flow = max(0, flow-1)
			}
			if t.Position.Line != line || t.Type == token.SequenceEntryType {
				// A token that starts a line, or a "- ", opens a block
				// level at its column, closing those at or right of it.
				for len(blocks) > 0 && blocks[len(blocks)-1] >= t.Position.Column {
					blocks = blocks[:len(blocks)-1]
				}
				blocks = append(blocks, t.Position.Column)
				line = t.Position.Line
			}
			if flow+len(blocks) > MaxDepth+1 {
				return invalidAt(t, fmt.Sprintf("nested deeper than %d levels", MaxDepth))
			}
		}
	}
}

// checkBrackets refuses flow collections nested too deep before the
// scanner sees them: it reads a whole flow collection at once, a token a
// byte. Quotes are not followed, so brackets inside strings count too: a
// document would need more than MaxDepth unclosed ones in its text to be
// refused wrongly.
func checkBrackets(doc []byte) error {
	depth, line, comment := 0, 1, false
	for i, b := range doc {
		switch {
		case b == '\n':
			line++
			comment = false
		case comment:
		case b == '#' && (i == 0 || doc[i-1] == ' ' || doc[i-1] == '\t' || doc[i-1] == '\n'):
			comment = true
		case b == '[' || b == '{':
			if depth++; depth > MaxDepth {
				return portfolio.Errorf(portfolio.EINVALID, "mission document, line %d: brackets nested deeper than %d levels", line, MaxDepth)
			}
		case b == ']' || b == '}':
			depth = max(0, depth-1)
		}
	}
	return nil
}

func invalidAt(t *token.Token, msg string) error {
	return portfolio.Errorf(portfolio.EINVALID, "mission document, line %d, column %d: %s", t.Position.Line, t.Position.Column, msg)
}

// decodeError words a decoding error with its position and the decoder's
// message, cut short, never with the document's source around it (the
// decoder's own formatter grows with the square of a line's tokens).
func decodeError(err error) error {
	var ye yaml.Error
	if !errors.As(err, &ye) {
		return portfolio.Errorf(portfolio.EINVALID, "mission document: not valid YAML or JSON")
	}
	msg := ye.GetMessage()
	if r := []rune(msg); len(r) > maxMessage {
		msg = string(r[:maxMessage]) + "…"
	}
	if t := ye.GetToken(); t != nil && t.Position != nil {
		return invalidAt(t, msg)
	}
	return portfolio.Errorf(portfolio.EINVALID, "mission document: %s", msg)
}
