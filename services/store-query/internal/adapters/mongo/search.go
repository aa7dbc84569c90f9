package mongo

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/tmfcatalog/platform/services/store-query/internal/domain"
)

// Search answers a store query from MongoDB alone: the degraded path when the search engine
// is down. Text matching is a case-insensitive substring match of every word over name,
// description and characteristic values; relevance order falls back to newest first.
func (s *Store) Search(ctx context.Context, q domain.Query) (domain.Result, error) {
	filter := filterFor(q)
	c := s.db.Collection(collDocuments)
	total, err := c.CountDocuments(ctx, filter)
	if err != nil {
		return domain.Result{}, fmt.Errorf("count matches: %w", err)
	}
	opts := options.Find().SetSort(sortFor(q.EffectiveSort())).SetSkip(int64(q.Skip)).SetLimit(int64(q.Limit))
	cur, err := c.Find(ctx, filter, opts)
	if err != nil {
		return domain.Result{}, fmt.Errorf("find matches: %w", err)
	}
	var rows []docRow
	if err := cur.All(ctx, &rows); err != nil {
		return domain.Result{}, fmt.Errorf("decode matches: %w", err)
	}
	res := domain.Result{Total: int(total), Items: make([]domain.Document, len(rows))}
	for i, r := range rows {
		if res.Items[i], err = fromRow(r); err != nil {
			return domain.Result{}, err
		}
	}
	if res.Facets, err = s.facets(ctx, filter); err != nil {
		return domain.Result{}, err
	}
	return res, nil
}

func filterFor(q domain.Query) bson.M {
	and := bson.A{bson.M{"visible": true}}
	for _, w := range strings.Fields(strings.ToLower(q.Text)) {
		and = append(and, bson.M{"search_text": bson.M{"$regex": regexp.QuoteMeta(w)}})
	}
	if q.MinPrice != nil {
		and = append(and, bson.M{"price_from": bson.M{"$gte": *q.MinPrice}})
	}
	if q.MaxPrice != nil {
		and = append(and, bson.M{"price_from": bson.M{"$lte": *q.MaxPrice}})
	}
	if q.Channel != "" {
		and = append(and, bson.M{"sales_channels": q.Channel})
	}
	for _, cf := range q.Characteristics {
		and = append(and, bson.M{"characteristic_keys": domain.PairKey(cf)})
	}
	return bson.M{"$and": and}
}

func sortFor(s domain.Sort) bson.D {
	switch s {
	case domain.SortPriceAsc:
		return bson.D{{Key: "price_from", Value: 1}, {Key: "_id", Value: 1}}
	case domain.SortPriceDesc:
		return bson.D{{Key: "price_from", Value: -1}, {Key: "_id", Value: 1}}
	case domain.SortName:
		return bson.D{{Key: "name_sort", Value: 1}, {Key: "_id", Value: 1}}
	default:
		return bson.D{{Key: "published_at", Value: -1}, {Key: "_id", Value: 1}}
	}
}

// facets counts channels and characteristic pairs with $unwind/$group and price ranges with
// one count per bucket.
func (s *Store) facets(ctx context.Context, filter bson.M) (domain.Facets, error) {
	f := domain.Facets{PriceRanges: []domain.RangeCount{}}
	var err error
	if f.Channels, err = s.groupCount(ctx, filter, "sales_channels"); err != nil {
		return f, err
	}
	pairs, err := s.groupCount(ctx, filter, "characteristic_keys")
	if err != nil {
		return f, err
	}
	f.Characteristics = domain.GroupCharacteristicFacets(pairs)
	c := s.db.Collection(collDocuments)
	for _, r := range domain.PriceRanges {
		cond := bson.M{"$gte": r.From}
		if r.To != nil {
			cond["$lt"] = *r.To
		}
		n, err := c.CountDocuments(ctx, bson.M{"$and": bson.A{filter, bson.M{"price_from": cond}}})
		if err != nil {
			return f, fmt.Errorf("count price range %s: %w", r.Key, err)
		}
		if n > 0 {
			f.PriceRanges = append(f.PriceRanges, domain.RangeCount{Key: r.Key, From: r.From, To: r.To, Count: int(n)})
		}
	}
	return f, nil
}

func (s *Store) groupCount(ctx context.Context, filter bson.M, field string) ([]domain.ValueCount, error) {
	pipeline := bson.A{
		bson.M{"$match": filter},
		bson.M{"$unwind": "$" + field},
		bson.M{"$group": bson.M{"_id": "$" + field, "count": bson.M{"$sum": 1}}},
	}
	cur, err := s.db.Collection(collDocuments).Aggregate(ctx, pipeline)
	if err != nil {
		return nil, fmt.Errorf("facet %s: %w", field, err)
	}
	var rows []struct {
		ID    string `bson:"_id"`
		Count int    `bson:"count"`
	}
	if err := cur.All(ctx, &rows); err != nil {
		return nil, fmt.Errorf("decode facet %s: %w", field, err)
	}
	out := make([]domain.ValueCount, 0, len(rows))
	for _, r := range rows {
		out = append(out, domain.ValueCount{Value: r.ID, Count: r.Count})
	}
	domain.SortValueCounts(out)
	if len(out) > domain.FacetSize {
		out = out[:domain.FacetSize]
	}
	return out, nil
}
