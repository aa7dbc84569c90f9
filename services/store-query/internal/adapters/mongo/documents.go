package mongo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/tmfcatalog/platform/services/store-query/internal/app"
	"github.com/tmfcatalog/platform/services/store-query/internal/domain"
)

type docRow struct {
	ID             string        `bson:"_id"`
	Name           string        `bson:"name"`
	Description    string        `bson:"description"`
	Specifications []docSpecRow  `bson:"specifications"`
	Pricing        []docPriceRow `bson:"pricing"`
	SalesChannels  []string      `bson:"sales_channels"`
	PublishedAt    *time.Time    `bson:"published_at"`
	Status         string        `bson:"lifecycle_status"`
	Visible        bool          `bson:"visible"`
	Versions       versionsRow   `bson:"versions"`
	Revision       int64         `bson:"revision"`
	IndexPending   bool          `bson:"index_pending"`
	// Query helpers, derived from the fields above.
	SpecificationIDs  []string `bson:"specification_ids"`
	CharacteristicIDs []string `bson:"characteristic_ids"`
	PriceIDs          []string `bson:"price_ids"`
	PriceFrom         float64  `bson:"price_from"`
	CharacteristicKey []string `bson:"characteristic_keys"`
	SearchText        string   `bson:"search_text"`
	NameSort          string   `bson:"name_sort"`
}

type docSpecRow struct {
	ID              string       `bson:"id"`
	Name            string       `bson:"name"`
	Characteristics []docCharRow `bson:"characteristics"`
}

type docCharRow struct {
	ID    string `bson:"id"`
	Name  string `bson:"name"`
	Value string `bson:"value"`
	Unit  string `bson:"unit"`
}

type docPriceRow struct {
	ID       string  `bson:"id"`
	Name     string  `bson:"name"`
	Value    float64 `bson:"value"`
	Unit     string  `bson:"unit"`
	Currency string  `bson:"currency"`
}

type versionsRow struct {
	Offering        int64            `bson:"offering"`
	Specifications  map[string]int64 `bson:"specifications"`
	Characteristics map[string]int64 `bson:"characteristics"`
	Prices          map[string]int64 `bson:"prices"`
}

func toRow(d domain.Document, revision int64) docRow {
	r := docRow{
		ID: d.ID, Name: d.Name, Description: d.Description, SalesChannels: nonNil(d.SalesChannels),
		PublishedAt: d.PublishedAt, Status: string(d.Status), Visible: d.Visible, Revision: revision,
		IndexPending: true,
		Versions: versionsRow{
			Offering: d.Versions.Offering, Specifications: d.Versions.Specifications,
			Characteristics: d.Versions.Characteristics, Prices: d.Versions.Prices,
		},
		SpecificationIDs: d.SpecificationIDs(), CharacteristicIDs: d.CharacteristicIDs(), PriceIDs: d.PriceIDs(),
		PriceFrom: d.PriceFrom(), NameSort: strings.ToLower(d.Name),
		SearchText: strings.ToLower(d.Name + " " + d.Description + " " + d.CharacteristicText()),
	}
	for _, s := range d.Specifications {
		rs := docSpecRow{ID: s.ID, Name: s.Name, Characteristics: []docCharRow{}}
		for _, c := range s.Characteristics {
			rs.Characteristics = append(rs.Characteristics, docCharRow(c))
		}
		r.Specifications = append(r.Specifications, rs)
	}
	for _, p := range d.Pricing {
		r.Pricing = append(r.Pricing, docPriceRow(p))
	}
	for _, p := range d.CharacteristicPairs() {
		r.CharacteristicKey = append(r.CharacteristicKey, domain.PairKey(p))
	}
	r.Specifications, r.Pricing, r.CharacteristicKey = nonNil(r.Specifications), nonNil(r.Pricing), nonNil(r.CharacteristicKey)
	return r
}

func fromRow(r docRow) domain.Document {
	d := domain.Document{
		ID: r.ID, Name: r.Name, Description: r.Description, SalesChannels: nonNil(r.SalesChannels),
		PublishedAt: utcPtr(r.PublishedAt), Status: domain.LifecycleStatus(r.Status), Visible: r.Visible,
		Revision: r.Revision, Specifications: []domain.DocSpecification{}, Pricing: []domain.DocPrice{},
		Versions: domain.Versions{
			Offering: r.Versions.Offering, Specifications: r.Versions.Specifications,
			Characteristics: r.Versions.Characteristics, Prices: r.Versions.Prices,
		},
	}
	for _, s := range r.Specifications {
		ds := domain.DocSpecification{ID: s.ID, Name: s.Name, Characteristics: []domain.DocCharacteristic{}}
		for _, c := range s.Characteristics {
			ds.Characteristics = append(ds.Characteristics, domain.DocCharacteristic(c))
		}
		d.Specifications = append(d.Specifications, ds)
	}
	for _, p := range r.Pricing {
		d.Pricing = append(d.Pricing, domain.DocPrice(p))
	}
	return d
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// Get implements app.Documents.
func (s *Store) Get(ctx context.Context, id string) (domain.Document, error) {
	return s.getDoc(ctx, bson.M{"_id": id})
}

// GetVisible implements app.VisibleReader.
func (s *Store) GetVisible(ctx context.Context, id string) (domain.Document, error) {
	return s.getDoc(ctx, bson.M{"_id": id, "visible": true})
}

func (s *Store) getDoc(ctx context.Context, filter bson.M) (domain.Document, error) {
	var r docRow
	err := s.db.Collection(collDocuments).FindOne(ctx, filter).Decode(&r)
	if notFound(err) {
		return domain.Document{}, domain.ErrNotFound
	}
	if err != nil {
		return domain.Document{}, fmt.Errorf("read store document: %w", err)
	}
	return fromRow(r), nil
}

// Put implements app.Documents (compare-and-swap on the revision).
func (s *Store) Put(ctx context.Context, d domain.Document, expected int64) error {
	c := s.db.Collection(collDocuments)
	row := toRow(d, expected+1)
	if expected == 0 {
		_, err := c.InsertOne(ctx, row)
		if isDuplicate(err) {
			return app.ErrRevisionConflict
		}
		if err != nil {
			return fmt.Errorf("insert store document %s: %w", d.ID, err)
		}
		return nil
	}
	res, err := c.ReplaceOne(ctx, bson.M{"_id": d.ID, "revision": expected}, row)
	if err != nil {
		return fmt.Errorf("replace store document %s: %w", d.ID, err)
	}
	if res.MatchedCount == 0 {
		return app.ErrRevisionConflict
	}
	return nil
}

// Delete implements app.Documents.
func (s *Store) Delete(ctx context.Context, id string) (bool, error) {
	res, err := s.db.Collection(collDocuments).DeleteOne(ctx, bson.M{"_id": id})
	if err != nil {
		return false, fmt.Errorf("delete store document %s: %w", id, err)
	}
	return res.DeletedCount > 0, nil
}

// IDsUsing implements app.Documents.
func (s *Store) IDsUsing(ctx context.Context, kind domain.EntityKind, id string) ([]string, error) {
	field := map[domain.EntityKind]string{
		domain.KindCharacteristic: "characteristic_ids", domain.KindSpecification: "specification_ids",
		domain.KindPrice: "price_ids", domain.KindOffering: "_id",
	}[kind]
	if field == "" {
		return nil, fmt.Errorf("unknown entity kind %q", kind)
	}
	cur, err := s.db.Collection(collDocuments).Find(ctx, bson.M{field: id}, options.Find().SetProjection(bson.M{"_id": 1}))
	if err != nil {
		return nil, fmt.Errorf("find documents using %s %s: %w", kind, id, err)
	}
	var rows []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &rows); err != nil {
		return nil, fmt.Errorf("decode document ids: %w", err)
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	return ids, nil
}

// MarkIndexed implements app.IndexQueue.
func (s *Store) MarkIndexed(ctx context.Context, id string, revision int64) error {
	_, err := s.db.Collection(collDocuments).UpdateOne(ctx,
		bson.M{"_id": id, "revision": revision}, bson.M{"$set": bson.M{"index_pending": false}})
	if err != nil {
		return fmt.Errorf("mark %s indexed: %w", id, err)
	}
	return nil
}

// PendingIndex implements app.IndexQueue.
func (s *Store) PendingIndex(ctx context.Context, limit int) ([]domain.Document, error) {
	cur, err := s.db.Collection(collDocuments).Find(ctx, bson.M{"index_pending": true},
		options.Find().SetLimit(int64(limit)))
	if err != nil {
		return nil, fmt.Errorf("find pending documents: %w", err)
	}
	var rows []docRow
	if err := cur.All(ctx, &rows); err != nil {
		return nil, fmt.Errorf("decode pending documents: %w", err)
	}
	out := make([]domain.Document, len(rows))
	for i, r := range rows {
		out[i] = fromRow(r)
	}
	return out, nil
}

// AddRemoval implements app.IndexQueue.
func (s *Store) AddRemoval(ctx context.Context, id string) error {
	_, err := s.db.Collection(collRemovals).InsertOne(ctx, bson.M{"_id": id})
	if err != nil && !isDuplicate(err) {
		return fmt.Errorf("queue removal %s: %w", id, err)
	}
	return nil
}

// PendingRemovals implements app.IndexQueue.
func (s *Store) PendingRemovals(ctx context.Context, limit int) ([]string, error) {
	cur, err := s.db.Collection(collRemovals).Find(ctx, bson.M{}, options.Find().SetLimit(int64(limit)))
	if err != nil {
		return nil, fmt.Errorf("find pending removals: %w", err)
	}
	var rows []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &rows); err != nil {
		return nil, fmt.Errorf("decode pending removals: %w", err)
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	return ids, nil
}

// ClearRemoval implements app.IndexQueue.
func (s *Store) ClearRemoval(ctx context.Context, id string) error {
	if _, err := s.db.Collection(collRemovals).DeleteOne(ctx, bson.M{"_id": id}); err != nil {
		return fmt.Errorf("clear removal %s: %w", id, err)
	}
	return nil
}
