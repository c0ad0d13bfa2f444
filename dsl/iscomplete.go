package dsl

import (
	"go/scanner"
	"go/token"
	"strings"
)

// IsComplete says whether code is ready to run ("complete"), needs more lines
// ("incomplete", with the indent to use) or cannot become valid ("invalid"). Code
// is incomplete with an open bracket, an open raw string or block comment, or a
// last token that needs an operand or a body (`x := 1 +`, `a &&`, `else`, `func`);
// invalid with a mismatched bracket or an unterminated interpreted string or rune
// literal (they cannot span lines). Magic and shell lines (% or ! in column 0) are
// not Go: they are complete as they are.
func IsComplete(code string) (status, indent string) {
	if strings.HasPrefix(code, "%%") {
		return "complete", ""
	}
	code = blankMagicLines(code)
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(code))
	var errs []string
	var sc scanner.Scanner
	sc.Init(file, []byte(code), func(_ token.Position, msg string) { errs = append(errs, msg) }, 0)
	var stack []token.Token
	last := token.ILLEGAL
	mismatch := false
	for {
		_, t, lit := sc.Scan()
		if t == token.EOF {
			break
		}
		if t == token.SEMICOLON && lit == "\n" {
			continue // inserted at a line end
		}
		last = t
		switch t {
		case token.LPAREN, token.LBRACE, token.LBRACK:
			stack = append(stack, t)
		case token.RPAREN, token.RBRACE, token.RBRACK:
			if len(stack) == 0 || closer(stack[len(stack)-1]) != t {
				mismatch = true
				continue
			}
			stack = stack[:len(stack)-1]
		}
	}
	open := false
	for _, e := range errs {
		switch {
		case strings.Contains(e, "raw string literal not terminated"), strings.Contains(e, "comment not terminated"):
			open = true
		case strings.Contains(e, "not terminated"):
			return "invalid", ""
		}
	}
	switch {
	case mismatch:
		return "invalid", ""
	case open:
		return "incomplete", ""
	case len(stack) > 0:
		return "incomplete", strings.Repeat("\t", len(stack))
	case len(errs) > 0:
		return "invalid", ""
	case needsMore[last]:
		return "incomplete", "\t"
	}
	return "complete", ""
}

// closer is the bracket that closes open.
func closer(open token.Token) token.Token {
	switch open {
	case token.LPAREN:
		return token.RPAREN
	case token.LBRACE:
		return token.RBRACE
	}
	return token.RBRACK
}

// needsMore lists the tokens that cannot end a statement: binary and assignment
// operators, separators, and keywords that a body or an operand must follow.
var needsMore = func() map[token.Token]bool {
	m := map[token.Token]bool{}
	for t := token.ADD; t <= token.ELLIPSIS; t++ {
		m[t] = true // operators and delimiters
	}
	for _, t := range []token.Token{token.INC, token.DEC, token.RPAREN, token.RBRACK, token.RBRACE, token.SEMICOLON, token.ELLIPSIS} {
		delete(m, t)
	}
	m[token.COMMA], m[token.PERIOD] = true, true
	for _, t := range []token.Token{token.CASE, token.CHAN, token.CONST, token.DEFER, token.ELSE, token.FOR, token.FUNC,
		token.GO, token.GOTO, token.IF, token.IMPORT, token.INTERFACE, token.MAP, token.PACKAGE, token.RANGE,
		token.SELECT, token.STRUCT, token.SWITCH, token.TYPE, token.VAR} {
		m[t] = true
	}
	return m
}()

// blankMagicLines replaces lines starting with % or ! by empty lines.
func blankMagicLines(code string) string {
	lines := strings.SplitAfter(code, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "%") || strings.HasPrefix(l, "!") {
			lines[i] = strings.Repeat(" ", len(strings.TrimRight(l, "\n"))) + l[len(strings.TrimRight(l, "\n")):]
		}
	}
	return strings.Join(lines, "")
}
