package httpapi

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/tmfcatalog/platform/libs/chassis/apierror"
)

func TestClientIP(t *testing.T) {
	t.Parallel()
	trusted := []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("10.1.0.0/16")}
	tests := []struct {
		name, remote, xff, want string
	}{
		{"a direct client is keyed by its address", "198.51.100.4:5000", "", "198.51.100.4"},
		{"an untrusted peer cannot choose its address", "198.51.100.4:5000", "1.2.3.4", "198.51.100.4"},
		{"behind the gateway the forwarded address counts", "127.0.0.1:5000", "203.0.113.9", "203.0.113.9"},
		{"forged left-most entries are skipped", "127.0.0.1:5000", "1.1.1.1, 203.0.113.9", "203.0.113.9"},
		{"trusted hops are walked over from the right", "127.0.0.1:5000", "203.0.113.9, 10.1.2.3", "203.0.113.9"},
		{"a garbage hop stops the walk at the proxy", "127.0.0.1:5000", "garbage", "127.0.0.1"},
		{"a trusted peer without header is itself", "127.0.0.1:5000", "", "127.0.0.1"},
		{"IPv4-mapped IPv6 is normalised", "[::ffff:198.51.100.4]:1", "", "198.51.100.4"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/", nil)
			r.RemoteAddr = tc.remote
			if tc.xff != "" {
				r.Header.Set("X-Forwarded-For", tc.xff)
			}
			if got := clientIP(r, trusted); got != tc.want {
				t.Fatalf("clientIP = %q, want %q", got, tc.want)
			}
		})
	}
}

// FuzzDecodeLogin feeds arbitrary bodies and content types to the login decoder: it must not
// panic, must fail only with a validation, media-type or size error, and must never accept a
// login without username and password.
func FuzzDecodeLogin(f *testing.F) {
	f.Add("application/x-www-form-urlencoded", "username=admin&password=admin")
	f.Add("application/json", `{"username":"admin","password":"admin"}`)
	f.Add("multipart/form-data; boundary=xx", "--xx\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\nadmin\r\n--xx--\r\n")
	f.Fuzz(func(t *testing.T, contentType, body string) {
		r := httptest.NewRequest(http.MethodPost, "/api/v1/auth/login", strings.NewReader(body))
		r.Header.Set("Content-Type", contentType)
		w := httptest.NewRecorder()
		r.Body = http.MaxBytesReader(w, r.Body, BodyLimit)
		req, err := decodeTokenRequest(r)
		if err == nil {
			var username, password string
			username, password, err = req.loginInput()
			if err == nil && (username == "" || password == "") {
				t.Fatalf("accepted empty credentials from %q", body)
			}
		}
		if err == nil {
			return
		}
		var (
			verr *apierror.ValidationError
			herr *apierror.Error
			big  *http.MaxBytesError
		)
		if !errors.As(err, &verr) && !errors.As(err, &herr) && !errors.As(err, &big) {
			t.Fatalf("unexpected error type %T: %v", err, err)
		}
	})
}
