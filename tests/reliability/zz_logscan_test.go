package reliability

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestLogsHoldNoSecrets runs last (file order): it scans every log the stack wrote during the
// suites for bearer tokens, client secrets and passwords in clear.
func TestLogsHoldNoSecrets(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(run.Dir, "logs", "*.log"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no log files to scan")
	}
	patterns := []struct {
		what string
		re   *regexp.Regexp
	}{
		{"a JWT", regexp.MustCompile(`eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}`)},
		{"a client secret", regexp.MustCompile(`dev-secret-`)},
		{"a password sent by the tests", regexp.MustCompile(regexp.QuoteMeta(canaryPassword))},
		{"a password field with a value", regexp.MustCompile(`(?i)"?password"?\s*[=:]\s*"?(admin|user|[^"\s,}*]{3,})`)},
		{"the ADMIN token", regexp.MustCompile(regexp.QuoteMeta(adminToken[len(adminToken)-20:]))},
	}
	lines := 0
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
		n := 0
		for sc.Scan() {
			n++
			line := sc.Text()
			for _, p := range patterns {
				if loc := p.re.FindStringIndex(line); loc != nil {
					t.Errorf("%s:%d holds %s: …%s…", filepath.Base(f), n, p.what, excerpt(line, loc))
				}
			}
		}
		if err := sc.Err(); err != nil {
			t.Errorf("read %s: %v", f, err)
		}
		fh.Close()
		lines += n
	}
	if lines == 0 {
		t.Fatal("the logs are empty: nothing was scanned")
	}
	t.Logf("scanned %d lines in %d files", lines, len(files))
}

func excerpt(line string, loc []int) string {
	from, to := max(loc[0]-60, 0), min(loc[1]+20, len(line))
	return strings.ReplaceAll(fmt.Sprint(line[from:to]), "\n", " ")
}
