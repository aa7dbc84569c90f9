package mongo

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/tmfcatalog/platform/services/store-query/internal/app"
	"github.com/tmfcatalog/platform/services/store-query/internal/domain"
)

type characteristicRow struct {
	ID      string `bson:"_id"`
	Name    string `bson:"name"`
	Value   string `bson:"value"`
	Unit    string `bson:"unit"`
	Version int64  `bson:"version"`
	Deleted bool   `bson:"deleted"`
}

type specificationRow struct {
	ID                string   `bson:"_id"`
	Name              string   `bson:"name"`
	CharacteristicIDs []string `bson:"characteristic_ids"`
	Version           int64    `bson:"version"`
	Deleted           bool     `bson:"deleted"`
}

type priceRow struct {
	ID       string  `bson:"_id"`
	Name     string  `bson:"name"`
	Value    float64 `bson:"value"`
	Unit     string  `bson:"unit"`
	Currency string  `bson:"currency"`
	Version  int64   `bson:"version"`
	Deleted  bool    `bson:"deleted"`
}

type offeringRow struct {
	ID               string     `bson:"_id"`
	Name             string     `bson:"name"`
	Description      string     `bson:"description"`
	SpecificationIDs []string   `bson:"specification_ids"`
	PricingIDs       []string   `bson:"pricing_ids"`
	SalesChannels    []string   `bson:"sales_channels"`
	Status           string     `bson:"lifecycle_status"`
	PublishedAt      *time.Time `bson:"published_at"`
	Version          int64      `bson:"version"`
	Deleted          bool       `bson:"deleted"`
}

// upsert replaces the replica id in coll with row when version is newer than the stored one.
// The filter {_id, version < v} with upsert inserts a missing replica; when a replica with
// version >= v exists the insert collides on _id, which tells Same from Stale.
func (s *Store) upsert(ctx context.Context, coll, id string, version int64, row any) (app.Outcome, error) {
	c := s.db.Collection(coll)
	_, err := c.ReplaceOne(ctx, bson.M{"_id": id, "version": bson.M{"$lt": version}}, row, options.Replace().SetUpsert(true))
	if err == nil {
		return app.Applied, nil
	}
	if !isDuplicate(err) {
		return 0, fmt.Errorf("upsert %s %s: %w", coll, id, err)
	}
	var cur struct {
		Version int64 `bson:"version"`
	}
	if err := c.FindOne(ctx, bson.M{"_id": id}).Decode(&cur); err != nil {
		return 0, fmt.Errorf("read %s %s version: %w", coll, id, err)
	}
	if cur.Version == version {
		return app.Same, nil
	}
	return app.Stale, nil
}

// UpsertCharacteristic implements app.Replicas.
func (s *Store) UpsertCharacteristic(ctx context.Context, c domain.Characteristic) (app.Outcome, error) {
	return s.upsert(ctx, collCharacteristics, c.ID, c.Version, characteristicRow(c))
}

// UpsertSpecification implements app.Replicas.
func (s *Store) UpsertSpecification(ctx context.Context, sp domain.Specification) (app.Outcome, error) {
	return s.upsert(ctx, collSpecifications, sp.ID, sp.Version, specificationRow(sp))
}

// UpsertPrice implements app.Replicas.
func (s *Store) UpsertPrice(ctx context.Context, p domain.Price) (app.Outcome, error) {
	return s.upsert(ctx, collPrices, p.ID, p.Version, priceRow(p))
}

// UpsertOffering implements app.Replicas.
func (s *Store) UpsertOffering(ctx context.Context, o domain.Offering) (app.Outcome, error) {
	row := offeringRow{
		ID: o.ID, Name: o.Name, Description: o.Description, SpecificationIDs: o.SpecificationIDs,
		PricingIDs: o.PricingIDs, SalesChannels: o.SalesChannels, Status: string(o.Status),
		PublishedAt: o.PublishedAt, Version: o.Version, Deleted: o.Deleted,
	}
	return s.upsert(ctx, collOfferings, o.ID, o.Version, row)
}

// Offering implements app.Replicas.
func (s *Store) Offering(ctx context.Context, id string) (domain.Offering, error) {
	var r offeringRow
	err := s.db.Collection(collOfferings).FindOne(ctx, bson.M{"_id": id}).Decode(&r)
	if notFound(err) {
		return domain.Offering{}, domain.ErrNotFound
	}
	if err != nil {
		return domain.Offering{}, fmt.Errorf("read offering %s: %w", id, err)
	}
	return domain.Offering{
		ID: r.ID, Name: r.Name, Description: r.Description, SpecificationIDs: r.SpecificationIDs,
		PricingIDs: r.PricingIDs, SalesChannels: r.SalesChannels, Status: domain.LifecycleStatus(r.Status),
		PublishedAt: utcPtr(r.PublishedAt), Version: r.Version, Deleted: r.Deleted,
	}, nil
}

// Sources implements app.Replicas.
func (s *Store) Sources(ctx context.Context, specIDs, priceIDs []string) (domain.Sources, error) {
	src := domain.Sources{
		Specifications:  map[string]domain.Specification{},
		Characteristics: map[string]domain.Characteristic{},
		Prices:          map[string]domain.Price{},
	}
	var specs []specificationRow
	if err := s.findIn(ctx, collSpecifications, specIDs, &specs); err != nil {
		return src, err
	}
	var charIDs []string
	for _, r := range specs {
		src.Specifications[r.ID] = domain.Specification(r)
		charIDs = append(charIDs, r.CharacteristicIDs...)
	}
	var chars []characteristicRow
	if err := s.findIn(ctx, collCharacteristics, charIDs, &chars); err != nil {
		return src, err
	}
	for _, r := range chars {
		src.Characteristics[r.ID] = domain.Characteristic(r)
	}
	var prices []priceRow
	if err := s.findIn(ctx, collPrices, priceIDs, &prices); err != nil {
		return src, err
	}
	for _, r := range prices {
		src.Prices[r.ID] = domain.Price(r)
	}
	return src, nil
}

// findIn loads the rows of coll with the given ids, one lookup per id (an _id equality is the
// query FerretDB answers fastest).
func (s *Store) findIn(ctx context.Context, coll string, ids []string, out any) error {
	if len(ids) == 0 {
		return nil
	}
	var filter bson.M
	if len(ids) == 1 {
		filter = bson.M{"_id": ids[0]}
	} else {
		filter = bson.M{"_id": bson.M{"$in": ids}}
	}
	cur, err := s.db.Collection(coll).Find(ctx, filter)
	if err != nil {
		return fmt.Errorf("read %s: %w", coll, err)
	}
	if err := cur.All(ctx, out); err != nil {
		return fmt.Errorf("decode %s: %w", coll, err)
	}
	return nil
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
