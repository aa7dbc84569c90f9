package feel

import (
	"strings"
	"unicode"
)

type tokKind int

const (
	tEOF tokKind = iota
	tNum
	tStr
	tName
	tOp
)

type token struct {
	kind tokKind
	text string
	pos  int
}

func lex(s string) ([]token, error) {
	var out []token
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '"':
			j := i + 1
			var b strings.Builder
			for ; j < len(s) && s[j] != '"'; j++ {
				if s[j] == '\\' && j+1 < len(s) {
					j++
					switch s[j] {
					case 'n':
						b.WriteByte('\n')
					case 't':
						b.WriteByte('\t')
					default:
						b.WriteByte(s[j])
					}
					continue
				}
				b.WriteByte(s[j])
			}
			if j >= len(s) {
				return nil, &SyntaxError{Pos: i, Msg: "unterminated string"}
			}
			out = append(out, token{tStr, b.String(), i})
			i = j + 1
		case c >= '0' && c <= '9' || c == '.' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9':
			j := i
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.') {
				j++
			}
			out = append(out, token{tNum, s[i:j], i})
			i = j
		case c == '_' || c < 0x80 && unicode.IsLetter(rune(c)):
			j := i
			for j < len(s) && (s[j] == '_' || s[j] < 0x80 && (unicode.IsLetter(rune(s[j])) || unicode.IsDigit(rune(s[j])))) {
				j++
			}
			out = append(out, token{tName, s[i:j], i})
			i = j
		default:
			if i+1 < len(s) {
				two := s[i : i+2]
				if two == "!=" || two == "<=" || two == ">=" {
					out = append(out, token{tOp, two, i})
					i += 2
					continue
				}
			}
			if strings.IndexByte("=<>+-().", c) >= 0 {
				out = append(out, token{tOp, string(c), i})
				i++
				continue
			}
			return nil, &SyntaxError{Pos: i, Msg: "unexpected character " + string(rune(c))}
		}
	}
	return append(out, token{tEOF, "end of expression", len(s)}), nil
}
