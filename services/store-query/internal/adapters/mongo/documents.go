package mongo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/tmfcatalog/platform/services/store-query/internal/app"
	"github.com/tmfcatalog/platform/services/store-query/internal/domain"
)

type docRow struct {
	ID          string `bson:"_id"`
	Name        string `bson:"name"`
	Description string `bson:"description"`
	// Body holds the nested parts (specifications with their characteristics, prices, entity
	// versions) as one JSON string. FerretDB decodes and re-encodes every value of a document
	// it replaces, and these parts are most of them: packed, a re-build costs it ~35% less CPU.
	// Only the store reads them back; every query uses the flat fields below.
	Body          string     `bson:"body"`
	SalesChannels []string   `bson:"sales_channels"`
	PublishedAt   *time.Time `bson:"published_at"`
	Status        string     `bson:"lifecycle_status"`
	Visible       bool       `bson:"visible"`
	Revision      int64      `bson:"revision"`
	// Query helpers, derived from the fields above.
	SpecificationIDs  []string `bson:"specification_ids"`
	CharacteristicIDs []string `bson:"characteristic_ids"`
	PriceIDs          []string `bson:"price_ids"`
	PriceFrom         float64  `bson:"price_from"`
	CharacteristicKey []string `bson:"characteristic_keys"`
	SearchText        string   `bson:"search_text"`
	NameSort          string   `bson:"name_sort"`
	// Documents written before the body had the nested parts as fields of their own; they are
	// still read (a re-build writes them packed).
	Unpacked docBody `bson:",inline"`
}

// docBody is the nested part of a store document.
type docBody struct {
	Specifications []docSpecRow  `bson:"specifications,omitempty" json:"specifications"`
	Pricing        []docPriceRow `bson:"pricing,omitempty" json:"pricing"`
	Versions       *versionsRow  `bson:"versions,omitempty" json:"versions"`
}

type docSpecRow struct {
	ID              string       `bson:"id" json:"id"`
	Name            string       `bson:"name" json:"name"`
	Characteristics []docCharRow `bson:"characteristics" json:"characteristics"`
}

type docCharRow struct {
	ID    string `bson:"id" json:"id"`
	Name  string `bson:"name" json:"name"`
	Value string `bson:"value" json:"value"`
	Unit  string `bson:"unit" json:"unit"`
}

type docPriceRow struct {
	ID       string  `bson:"id" json:"id"`
	Name     string  `bson:"name" json:"name"`
	Value    float64 `bson:"value" json:"value"`
	Unit     string  `bson:"unit" json:"unit"`
	Currency string  `bson:"currency" json:"currency"`
}

type versionsRow struct {
	Offering        int64            `bson:"offering" json:"offering"`
	Specifications  map[string]int64 `bson:"specifications" json:"specifications"`
	Characteristics map[string]int64 `bson:"characteristics" json:"characteristics"`
	Prices          map[string]int64 `bson:"prices" json:"prices"`
}

func toRow(d domain.Document, revision int64) (docRow, error) {
	r := docRow{
		ID: d.ID, Name: d.Name, Description: d.Description, SalesChannels: nonNil(d.SalesChannels),
		PublishedAt: d.PublishedAt, Status: string(d.Status), Visible: d.Visible, Revision: revision,
		SpecificationIDs: d.SpecificationIDs(), CharacteristicIDs: d.CharacteristicIDs(), PriceIDs: d.PriceIDs(),
		PriceFrom: d.PriceFrom(), NameSort: strings.ToLower(d.Name),
		SearchText: strings.ToLower(d.Name + " " + d.Description + " " + d.CharacteristicText()),
	}
	body := docBody{Versions: &versionsRow{
		Offering: d.Versions.Offering, Specifications: d.Versions.Specifications,
		Characteristics: d.Versions.Characteristics, Prices: d.Versions.Prices,
	}}
	for _, s := range d.Specifications {
		rs := docSpecRow{ID: s.ID, Name: s.Name, Characteristics: []docCharRow{}}
		for _, c := range s.Characteristics {
			rs.Characteristics = append(rs.Characteristics, docCharRow(c))
		}
		body.Specifications = append(body.Specifications, rs)
	}
	for _, p := range d.Pricing {
		body.Pricing = append(body.Pricing, docPriceRow(p))
	}
	body.Specifications, body.Pricing = nonNil(body.Specifications), nonNil(body.Pricing)
	packed, err := json.Marshal(body)
	if err != nil {
		return docRow{}, fmt.Errorf("encode store document %s: %w", d.ID, err)
	}
	r.Body = string(packed)
	for _, p := range d.CharacteristicPairs() {
		r.CharacteristicKey = append(r.CharacteristicKey, domain.PairKey(p))
	}
	r.CharacteristicKey = nonNil(r.CharacteristicKey)
	return r, nil
}

func fromRow(r docRow) (domain.Document, error) {
	body := r.Unpacked
	if r.Body != "" {
		body = docBody{}
		if err := json.Unmarshal([]byte(r.Body), &body); err != nil {
			return domain.Document{}, fmt.Errorf("decode store document %s: %w", r.ID, err)
		}
	}
	d := domain.Document{
		ID: r.ID, Name: r.Name, Description: r.Description, SalesChannels: nonNil(r.SalesChannels),
		PublishedAt: utcPtr(r.PublishedAt), Status: domain.LifecycleStatus(r.Status), Visible: r.Visible,
		Revision: r.Revision, Specifications: []domain.DocSpecification{}, Pricing: []domain.DocPrice{},
	}
	if v := body.Versions; v != nil {
		d.Versions = domain.Versions{Offering: v.Offering, Specifications: v.Specifications,
			Characteristics: v.Characteristics, Prices: v.Prices}
	}
	for _, s := range body.Specifications {
		ds := domain.DocSpecification{ID: s.ID, Name: s.Name, Characteristics: []domain.DocCharacteristic{}}
		for _, c := range s.Characteristics {
			ds.Characteristics = append(ds.Characteristics, domain.DocCharacteristic(c))
		}
		d.Specifications = append(d.Specifications, ds)
	}
	for _, p := range body.Pricing {
		d.Pricing = append(d.Pricing, domain.DocPrice(p))
	}
	return d, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// Get implements app.Documents.
func (s *Store) Get(ctx context.Context, id string) (domain.Document, error) {
	return s.getDoc(ctx, id)
}

// Revision implements app.Documents.
func (s *Store) Revision(ctx context.Context, id string) (int64, error) {
	if s.writes == WritesByID {
		r, found, err := s.docRefs(ctx, id)
		if err != nil {
			return 0, fmt.Errorf("read store document %s revision: %w", id, err)
		}
		if !found {
			return 0, domain.ErrNotFound
		}
		return r.Revision, nil
	}
	var r struct {
		Revision int64 `bson:"revision"`
	}
	err := s.db.Collection(collDocuments).FindOne(ctx, bson.M{"_id": id}, options.FindOne().SetProjection(bson.M{"revision": 1})).Decode(&r)
	if notFound(err) {
		return 0, domain.ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("read store document %s revision: %w", id, err)
	}
	return r.Revision, nil
}

// GetVisible implements app.VisibleReader. Visibility is checked here rather than in the filter:
// an _id-only filter is an index lookup on every server (see WritesByID).
func (s *Store) GetVisible(ctx context.Context, id string) (domain.Document, error) {
	d, err := s.getDoc(ctx, id)
	if err == nil && !d.Visible {
		return domain.Document{}, domain.ErrNotFound
	}
	return d, err
}

func (s *Store) getDoc(ctx context.Context, id string) (domain.Document, error) {
	var r docRow
	err := s.db.Collection(collDocuments).FindOne(ctx, bson.M{"_id": id}).Decode(&r)
	if notFound(err) {
		return domain.Document{}, domain.ErrNotFound
	}
	if err != nil {
		return domain.Document{}, fmt.Errorf("read store document %s: %w", id, err)
	}
	return fromRow(r)
}

// Put implements app.Documents (compare-and-swap on the revision).
func (s *Store) Put(ctx context.Context, d domain.Document, expected int64) error {
	if s.writes == WritesByID {
		return s.putByID(ctx, d, expected)
	}
	c := s.db.Collection(collDocuments)
	row, err := toRow(d, expected+1)
	if err != nil {
		return err
	}
	// References first: if the document write then fails, they only cause a harmless extra
	// re-build.
	if err := s.addRefs(ctx, d.ID, refsOf(row)); err != nil {
		return err
	}
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

// putByID is Put for WritesByID: the stored revision (from the mirror, read by _id on a miss)
// is compared here, under the document's lock. It records only the references the stored
// document lacks, so a price change re-building a document writes no reference at all.
func (s *Store) putByID(ctx context.Context, d domain.Document, expected int64) error {
	unlock := s.records.Lock(collDocuments + "/" + d.ID)
	defer unlock()
	stored, found, err := lookupLocked(ctx, &s.mirror.docs, d.ID, s.docRefsLoader(d.ID))
	if err != nil {
		return fmt.Errorf("read store document %s revision: %w", d.ID, err)
	}
	if stored.Revision != expected { // an absent document reads as revision 0
		return app.ErrRevisionConflict
	}
	row, err := toRow(d, expected+1)
	if err != nil {
		return err
	}
	if err := s.addRefs(ctx, d.ID, refsOf(row).minus(stored.refs())); err != nil {
		return err
	}
	// The documents of a batch are written side by side: they share a write.
	var m mongo.WriteModel = mongo.NewInsertOneModel().SetDocument(row)
	if found {
		m = mongo.NewReplaceOneModel().SetFilter(bson.M{"_id": d.ID}).SetReplacement(row)
	}
	err = s.docWrites.do(ctx, m)
	if errors.Is(err, errNotMatched) {
		s.mirror.docs.drop(d.ID) // maybe deleted behind this process's back: read it again
		return app.ErrRevisionConflict
	}
	if err != nil {
		s.mirror.docs.drop(d.ID) // the write may or may not have happened
		return fmt.Errorf("write store document %s: %w", d.ID, err)
	}
	s.mirror.docs.set(d.ID, docRefsRow{Revision: row.Revision, SpecificationIDs: row.SpecificationIDs,
		CharacteristicIDs: row.CharacteristicIDs, PriceIDs: row.PriceIDs}, true)
	return nil
}

// docRefsRow is the part of a stored document putByID reads.
type docRefsRow struct {
	Revision          int64    `bson:"revision"`
	SpecificationIDs  []string `bson:"specification_ids"`
	CharacteristicIDs []string `bson:"characteristic_ids"`
	PriceIDs          []string `bson:"price_ids"`
}

func (r docRefsRow) refs() refSet {
	return refSet{domain.KindSpecification: r.SpecificationIDs, domain.KindCharacteristic: r.CharacteristicIDs, domain.KindPrice: r.PriceIDs}
}

// refSet lists entity ids per kind.
type refSet map[domain.EntityKind][]string

func refsOf(r docRow) refSet {
	return docRefsRow{SpecificationIDs: r.SpecificationIDs, CharacteristicIDs: r.CharacteristicIDs, PriceIDs: r.PriceIDs}.refs()
}

// minus returns the ids of rs that other lacks.
func (rs refSet) minus(other refSet) refSet {
	out := refSet{}
	for kind, ids := range rs {
		for _, id := range ids {
			if !slices.Contains(other[kind], id) {
				out[kind] = append(out[kind], id)
			}
		}
	}
	return out
}

// Delete implements app.Documents.
func (s *Store) Delete(ctx context.Context, id string) (bool, error) {
	if s.writes == WritesByID {
		unlock := s.records.Lock(collDocuments + "/" + id)
		defer unlock()
	}
	res, err := s.db.Collection(collDocuments).DeleteOne(ctx, bson.M{"_id": id})
	if err != nil {
		s.mirror.docs.drop(id)
		return false, fmt.Errorf("delete store document %s: %w", id, err)
	}
	if s.writes == WritesByID {
		s.mirror.docs.set(id, docRefsRow{}, false)
	}
	return res.DeletedCount > 0, nil
}
