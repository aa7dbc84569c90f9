package ferret

import (
	"context"
	"testing"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

func TestScratchIndexesTwice(t *testing.T) {
	ctx := context.Background()
	srv, err := Start(ctx, t.TempDir(), "127.0.0.1:0", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	for i := 0; i < 3; i++ {
		c, err := mongo.Connect(ctx, options.Client().ApplyURI(srv.URI()))
		if err != nil {
			t.Fatal(err)
		}
		coll := c.Database("store_x").Collection("store_offerings")
		_, err = coll.Indexes().CreateMany(ctx, []mongo.IndexModel{{Keys: bson.D{{Key: "visible", Value: 1}}}, {Keys: bson.D{{Key: "published_at", Value: 1}}}})
		t.Logf("round %d: %v", i, err)
		c.Disconnect(ctx)
	}
}
