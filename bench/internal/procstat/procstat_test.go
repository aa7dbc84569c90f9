package procstat

import (
	"os"
	"testing"
	"time"
)

func TestParseVmRSS(t *testing.T) {
	tests := []struct {
		name    string
		status  string
		want    int
		wantErr bool
	}{
		{"the VmRSS line is read in KiB", "Name:\tgateway\nVmPeak:\t 9000 kB\nVmRSS:\t   23456 kB\nThreads: 7\n", 23456, false},
		{"a status without VmRSS is an error", "Name:\tzombie\n", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseVmRSS(tt.status)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Fatalf("ParseVmRSS = %d, %v; want %d, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestParseCPUTimeCopesWithSpacesInTheCommandName(t *testing.T) {
	line := "1234 (my (odd) cmd) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 8 0 100 1000 200 18446744073709551615"
	got, err := ParseCPUTime(line)
	if err != nil || got != 3*time.Second {
		t.Fatalf("ParseCPUTime = %v, %v; want 3s (250+50 ticks)", got, err)
	}
	if _, err := ParseCPUTime("garbage"); err == nil {
		t.Fatal("a line without ')' parsed")
	}
}

func TestOwnProcessHasMemoryAndCPU(t *testing.T) {
	rss, err := RSSKiB(os.Getpid())
	if err != nil || rss <= 0 {
		t.Fatalf("RSSKiB(self) = %d, %v", rss, err)
	}
	if _, err := CPUTime(os.Getpid()); err != nil {
		t.Fatal(err)
	}
}
