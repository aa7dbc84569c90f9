package feel

type node interface {
	eval(vars map[string]any) (any, error)
}

type litNode struct{ v any }

func (n litNode) eval(map[string]any) (any, error) { return n.v, nil }

type pathNode struct{ path []string }

func (n pathNode) eval(vars map[string]any) (any, error) {
	var cur any = vars
	for _, name := range n.path {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, nil
		}
		cur = m[name]
	}
	return normalize(cur), nil
}

type ifNode struct{ cond, a, b node }

func (n ifNode) eval(vars map[string]any) (any, error) {
	c, err := n.cond.eval(vars)
	if err != nil {
		return nil, err
	}
	if b, ok := c.(bool); ok && b {
		return n.a.eval(vars)
	}
	return n.b.eval(vars)
}

type logicNode struct {
	op   string
	l, r node
}

func (n logicNode) eval(vars map[string]any) (any, error) {
	l, err := n.l.eval(vars)
	if err != nil {
		return nil, err
	}
	r, err := n.r.eval(vars)
	if err != nil {
		return nil, err
	}
	lb, lok := l.(bool)
	rb, rok := r.(bool)
	if n.op == "and" {
		if lok && !lb || rok && !rb {
			return false, nil
		}
		if lok && rok {
			return true, nil
		}
		return nil, nil
	}
	if lok && lb || rok && rb {
		return true, nil
	}
	if lok && rok {
		return false, nil
	}
	return nil, nil
}

type notNode struct{ n node }

func (n notNode) eval(vars map[string]any) (any, error) {
	v, err := n.n.eval(vars)
	if err != nil {
		return nil, err
	}
	if b, ok := v.(bool); ok {
		return !b, nil
	}
	return nil, nil
}

type cmpNode struct {
	op   string
	l, r node
}

func (n cmpNode) eval(vars map[string]any) (any, error) {
	l, err := n.l.eval(vars)
	if err != nil {
		return nil, err
	}
	r, err := n.r.eval(vars)
	if err != nil {
		return nil, err
	}
	switch n.op {
	case "=":
		return equal(l, r), nil
	case "!=":
		eq := equal(l, r)
		if b, ok := eq.(bool); ok {
			return !b, nil
		}
		return nil, nil
	}
	c, ok := order(l, r)
	if !ok {
		return nil, nil
	}
	switch n.op {
	case "<":
		return c < 0, nil
	case "<=":
		return c <= 0, nil
	case ">":
		return c > 0, nil
	default:
		return c >= 0, nil
	}
}

func equal(l, r any) any {
	if l == nil || r == nil {
		return l == nil && r == nil
	}
	switch a := l.(type) {
	case float64:
		if b, ok := r.(float64); ok {
			return a == b
		}
	case string:
		if b, ok := r.(string); ok {
			return a == b
		}
	case bool:
		if b, ok := r.(bool); ok {
			return a == b
		}
	}
	return nil
}

func order(l, r any) (int, bool) {
	switch a := l.(type) {
	case float64:
		b, ok := r.(float64)
		if !ok {
			return 0, false
		}
		switch {
		case a < b:
			return -1, true
		case a > b:
			return 1, true
		}
		return 0, true
	case string:
		b, ok := r.(string)
		if !ok {
			return 0, false
		}
		switch {
		case a < b:
			return -1, true
		case a > b:
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

type arithNode struct {
	op   string
	l, r node
}

func (n arithNode) eval(vars map[string]any) (any, error) {
	l, err := n.l.eval(vars)
	if err != nil {
		return nil, err
	}
	r, err := n.r.eval(vars)
	if err != nil {
		return nil, err
	}
	if a, ok := l.(float64); ok {
		if b, ok := r.(float64); ok {
			if n.op == "+" {
				return a + b, nil
			}
			return a - b, nil
		}
	}
	if a, ok := l.(string); ok && n.op == "+" {
		if b, ok := r.(string); ok {
			return a + b, nil
		}
	}
	return nil, nil
}
