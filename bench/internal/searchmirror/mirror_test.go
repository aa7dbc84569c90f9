package searchmirror

import (
	"context"
	"path/filepath"
	"testing"
)

func TestGenerateIsDeterministicAndVaried(t *testing.T) {
	a, b := Generate(7), Generate(7)
	if a.ID != b.ID || a.Name != b.Name || a.Price != b.Price {
		t.Fatalf("Generate(7) differs between calls: %+v vs %+v", a, b)
	}
	if Generate(8).ID == a.ID || len(a.Channels) == 0 {
		t.Fatalf("ids repeat or no channels: %+v", a)
	}
}

func TestMixedQueriesFindTheGeneratedOfferings(t *testing.T) {
	idx, err := Build(filepath.Join(t.TempDir(), "idx"), 300)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	all, err := Search(context.Background(), idx, Mixed(3))
	if err != nil || all != 300 {
		t.Fatalf("browse-all query = %d, %v; want 300", all, err)
	}
	hits := 0
	for i := range 8 {
		n, err := Search(context.Background(), idx, Mixed(i))
		if err != nil {
			t.Fatalf("query %d: %v", i, err)
		}
		if n > 300 {
			t.Fatalf("query %d found %d of 300", i, n)
		}
		hits += n
	}
	if hits == 0 {
		t.Fatal("no mixed query found anything")
	}
}
