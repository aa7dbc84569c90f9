package seed_test

import (
	"testing"

	"github.com/tmfcatalog/platform/deploy/devstack/seed"
)

func TestDemoCatalogRefersOnlyToNamesItDefines(t *testing.T) {
	t.Parallel()
	if err := seed.Demo().Validate(); err != nil {
		t.Fatal(err)
	}
	broken := seed.Demo()
	broken.Offerings[0].Prices = append(broken.Offerings[0].Prices, "No such price")
	if err := broken.Validate(); err == nil {
		t.Fatal("a catalog naming an unknown price validates")
	}
}
