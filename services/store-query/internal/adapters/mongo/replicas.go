package mongo

import (
	"context"
	"fmt"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
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
func (s *Store) upsert(ctx context.Context, coll, id string, version int64, row any) (app.Outcome, error) {
	if s.writes == WritesByID {
		return s.upsertByID(ctx, coll, id, version, row)
	}
	// The filter {_id, version < v} with upsert inserts a missing replica; when a replica with
	// version >= v exists the insert collides on _id, which tells Same from Stale.
	c := s.db.Collection(coll)
	_, err := c.ReplaceOne(ctx, bson.M{"_id": id, "version": bson.M{"$lt": version}}, row, options.Replace().SetUpsert(true))
	if err == nil {
		return app.Applied, nil
	}
	if !isDuplicate(err) {
		return 0, fmt.Errorf("upsert %s %s: %w", coll, id, err)
	}
	cur, _, err := s.storedVersion(ctx, coll, id)
	if err != nil {
		return 0, err
	}
	return compareVersions(cur, version), nil
}

// upsertByID is upsert for WritesByID: compare with the stored version (from the mirror, read
// by _id on a miss) and write by _id, all under the record's lock.
func (s *Store) upsertByID(ctx context.Context, coll, id string, version int64, row any) (app.Outcome, error) {
	key := coll + "/" + id
	unlock := s.records.Lock(key)
	defer unlock()
	stored, found, err := lookupLocked(ctx, &s.mirror.replicas, key, s.replicaLoader(coll, id))
	if err != nil {
		return 0, err
	}
	if found && stored.rowVersion() >= version {
		return compareVersions(stored.rowVersion(), version), nil
	}
	// The entities of a batch are written side by side: they share a write.
	var m mongo.WriteModel = mongo.NewInsertOneModel().SetDocument(row)
	if found {
		m = mongo.NewReplaceOneModel().SetFilter(bson.M{"_id": id}).SetReplacement(row)
	}
	if err := s.replicaWrites[coll].do(ctx, m); err != nil {
		s.mirror.replicas.drop(key) // the write may or may not have happened
		return 0, fmt.Errorf("write %s %s: %w", coll, id, err)
	}
	s.mirror.replicas.set(key, detached(row), true)
	return app.Applied, nil
}

// storedVersion reads the version of replica id in coll.
func (s *Store) storedVersion(ctx context.Context, coll, id string) (version int64, found bool, err error) {
	var cur struct {
		Version int64 `bson:"version"`
	}
	err = s.db.Collection(coll).FindOne(ctx, bson.M{"_id": id}, options.FindOne().SetProjection(bson.M{"version": 1})).Decode(&cur)
	if notFound(err) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("read %s %s version: %w", coll, id, err)
	}
	return cur.Version, true, nil
}

// compareVersions tells a redelivery (Same) from an older event (Stale) once the stored
// replica is known to be at least as new as the incoming one.
func compareVersions(stored, incoming int64) app.Outcome {
	if stored == incoming {
		return app.Same
	}
	return app.Stale
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
	var found bool
	var err error
	if s.writes == WritesByID {
		var row versionedRow
		row, found, err = s.replica(ctx, collOfferings, id)
		if found {
			r = row.(offeringRow)
		}
	} else {
		r, found, err = findRow[offeringRow](ctx, s, collOfferings, id)
	}
	if err != nil {
		return domain.Offering{}, err
	}
	if !found {
		return domain.Offering{}, domain.ErrNotFound
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
	specs, err := findIn[specificationRow](ctx, s, collSpecifications, specIDs)
	if err != nil {
		return src, err
	}
	var charIDs []string
	for _, r := range specs {
		src.Specifications[r.ID] = domain.Specification(r)
		charIDs = append(charIDs, r.CharacteristicIDs...)
	}
	chars, err := findIn[characteristicRow](ctx, s, collCharacteristics, charIDs)
	if err != nil {
		return src, err
	}
	for _, r := range chars {
		src.Characteristics[r.ID] = domain.Characteristic(r)
	}
	prices, err := findIn[priceRow](ctx, s, collPrices, priceIDs)
	if err != nil {
		return src, err
	}
	for _, r := range prices {
		src.Prices[r.ID] = domain.Price(r)
	}
	return src, nil
}

// findIn loads the rows of coll with the given ids (absent ones are skipped): one $in query on
// MongoDB, the mirror (one _id lookup per id it misses) on FerretDB (see WritesByID: it would
// scan for the $in).
func findIn[T versionedRow](ctx context.Context, s *Store, coll string, ids []string) ([]T, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	c := s.db.Collection(coll)
	if s.writes == WritesByID {
		var out []T
		for _, id := range slices.Compact(slices.Sorted(slices.Values(ids))) {
			row, found, err := s.replica(ctx, coll, id)
			if err != nil {
				return nil, err
			}
			if found {
				out = append(out, row.(T))
			}
		}
		return out, nil
	}
	if len(ids) == 1 {
		row, found, err := findRow[T](ctx, s, coll, ids[0])
		if err != nil || !found {
			return nil, err
		}
		return []T{row}, nil
	}
	cur, err := c.Find(ctx, bson.M{"_id": bson.M{"$in": ids}})
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", coll, err)
	}
	var out []T
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("decode %s: %w", coll, err)
	}
	return out, nil
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
