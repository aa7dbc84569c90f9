package ferret_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/tmfcatalog/platform/libs/ferret"
)

func TestStartServesMongoDriverOperations(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	srv, err := ferret.Start(ctx, t.TempDir(), "127.0.0.1:0", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	defer srv.Stop()
	if !strings.HasPrefix(srv.URI(), "mongodb://127.0.0.1:") || strings.HasSuffix(srv.URI(), ":0/") {
		t.Fatalf("URI %q does not name the bound port", srv.URI())
	}
	client, err := mongo.Connect(ctx, options.Client().ApplyURI(srv.URI()))
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer client.Disconnect(context.Background())
	coll := client.Database("test").Collection("docs")

	tests := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"an upsert creates the document", func(t *testing.T) {
			_, err := coll.UpdateOne(ctx, bson.M{"_id": "a"}, bson.M{"$set": bson.M{"v": int64(2), "tags": []string{"x"}}}, options.Update().SetUpsert(true))
			if err != nil {
				t.Fatal(err)
			}
			n, err := coll.CountDocuments(ctx, bson.M{"_id": "a"})
			if err != nil || n != 1 {
				t.Fatalf("count = %d, %v", n, err)
			}
		}},
		{"a conditional update with an older version changes nothing", func(t *testing.T) {
			res, err := coll.UpdateOne(ctx, bson.M{"_id": "a", "v": bson.M{"$lt": int64(1)}}, bson.M{"$set": bson.M{"v": int64(1)}})
			if err != nil {
				t.Fatal(err)
			}
			if res.MatchedCount != 0 {
				t.Fatalf("matched %d", res.MatchedCount)
			}
		}},
		{"a nested array filter finds the document", func(t *testing.T) {
			n, err := coll.CountDocuments(ctx, bson.M{"tags": "x"})
			if err != nil || n != 1 {
				t.Fatalf("count = %d, %v", n, err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, tt.run)
	}
}

func TestStopWaitsForShutdown(t *testing.T) {
	srv, err := ferret.Start(context.Background(), t.TempDir(), "127.0.0.1:0", nil)
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	srv.Stop()
	select {
	case <-srv.Done():
	default:
		t.Fatal("Done not closed after Stop")
	}
	srv.Stop() // second call must not block or panic
}
