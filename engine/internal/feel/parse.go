package feel

import (
	"strconv"
)

type parser struct {
	src  string
	toks []token
	i    int
}

const maxDepth = 64

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}
func (p *parser) fail(msg string) error {
	return &SyntaxError{Expr: p.src, Pos: p.peek().pos, Msg: msg}
}
func (p *parser) isKeyword(word string) bool {
	t := p.peek()
	return t.kind == tName && t.text == word
}
func (p *parser) isOp(op string) bool {
	t := p.peek()
	return t.kind == tOp && t.text == op
}

func (p *parser) expr(depth int) (node, error) {
	if depth > maxDepth {
		return nil, p.fail("expression nested too deeply")
	}
	if p.isKeyword("if") {
		p.next()
		cond, err := p.expr(depth + 1)
		if err != nil {
			return nil, err
		}
		if !p.isKeyword("then") {
			return nil, p.fail("expected then")
		}
		p.next()
		a, err := p.expr(depth + 1)
		if err != nil {
			return nil, err
		}
		if !p.isKeyword("else") {
			return nil, p.fail("expected else")
		}
		p.next()
		b, err := p.expr(depth + 1)
		if err != nil {
			return nil, err
		}
		return ifNode{cond, a, b}, nil
	}
	return p.or(depth)
}

func (p *parser) or(depth int) (node, error) {
	l, err := p.and(depth)
	if err != nil {
		return nil, err
	}
	for p.isKeyword("or") {
		p.next()
		r, err := p.and(depth)
		if err != nil {
			return nil, err
		}
		l = logicNode{"or", l, r}
	}
	return l, nil
}

func (p *parser) and(depth int) (node, error) {
	l, err := p.cmp(depth)
	if err != nil {
		return nil, err
	}
	for p.isKeyword("and") {
		p.next()
		r, err := p.cmp(depth)
		if err != nil {
			return nil, err
		}
		l = logicNode{"and", l, r}
	}
	return l, nil
}

func (p *parser) cmp(depth int) (node, error) {
	l, err := p.add(depth)
	if err != nil {
		return nil, err
	}
	for _, op := range []string{"=", "!=", "<", "<=", ">", ">="} {
		if p.isOp(op) {
			p.next()
			r, err := p.add(depth)
			if err != nil {
				return nil, err
			}
			return cmpNode{op, l, r}, nil
		}
	}
	return l, nil
}

func (p *parser) add(depth int) (node, error) {
	l, err := p.unary(depth)
	if err != nil {
		return nil, err
	}
	for p.isOp("+") || p.isOp("-") {
		op := p.next().text
		r, err := p.unary(depth)
		if err != nil {
			return nil, err
		}
		l = arithNode{op, l, r}
	}
	return l, nil
}

func (p *parser) unary(depth int) (node, error) {
	if p.isOp("-") {
		p.next()
		n, err := p.primary(depth)
		if err != nil {
			return nil, err
		}
		return arithNode{"-", litNode{0.0}, n}, nil
	}
	return p.primary(depth)
}

func (p *parser) primary(depth int) (node, error) {
	t := p.peek()
	switch t.kind {
	case tNum:
		p.next()
		f, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			return nil, &SyntaxError{Expr: p.src, Pos: t.pos, Msg: "bad number " + t.text}
		}
		return litNode{f}, nil
	case tStr:
		p.next()
		return litNode{t.text}, nil
	case tName:
		switch t.text {
		case "true":
			p.next()
			return litNode{true}, nil
		case "false":
			p.next()
			return litNode{false}, nil
		case "null":
			p.next()
			return litNode{nil}, nil
		case "not":
			p.next()
			if !p.isOp("(") {
				return nil, p.fail("expected ( after not")
			}
			p.next()
			n, err := p.expr(depth + 1)
			if err != nil {
				return nil, err
			}
			if !p.isOp(")") {
				return nil, p.fail("expected )")
			}
			p.next()
			return notNode{n}, nil
		case "if", "then", "else", "and", "or":
			return nil, p.fail("unexpected " + t.text)
		}
		p.next()
		path := []string{t.text}
		for p.isOp(".") {
			p.next()
			n := p.next()
			if n.kind != tName {
				return nil, &SyntaxError{Expr: p.src, Pos: n.pos, Msg: "expected a name after ."}
			}
			path = append(path, n.text)
		}
		return pathNode{path}, nil
	case tOp:
		if t.text == "(" {
			p.next()
			n, err := p.expr(depth + 1)
			if err != nil {
				return nil, err
			}
			if !p.isOp(")") {
				return nil, p.fail("expected )")
			}
			p.next()
			return n, nil
		}
	}
	return nil, p.fail("unexpected " + t.text)
}
