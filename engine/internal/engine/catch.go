package engine

import (
	"context"

	"github.com/tmfcatalog/platform/engine/internal/model"
)

// findCatch walks from the throwing element instance outwards and returns the first error
// boundary event that catches code (an exact code match beats a catch-all on the same
// activity) together with the activity instance it is attached to.
func (t *txn) findCatch(ctx context.Context, from elemInst, code string) (*model.Element, elemInst, bool, error) {
	cur := from
	for {
		el := t.def.Element(cur.elementID)
		var catchAll *model.Element
		for _, bid := range el.Boundaries {
			b := t.def.Element(bid)
			if b.Error == nil || !b.Error.Catches(code) {
				continue
			}
			if b.Error.Code == code {
				return b, cur, true, nil
			}
			if catchAll == nil {
				catchAll = b
			}
		}
		if catchAll != nil {
			return catchAll, cur, true, nil
		}
		if cur.scopeKey == t.inst.key {
			return nil, elemInst{}, false, nil
		}
		next, err := t.loadElemInst(ctx, cur.scopeKey)
		if err != nil {
			return nil, elemInst{}, false, err
		}
		cur = next
	}
}
