package clientip

import (
	"net/netip"
	"testing"
)

func TestClientIP(t *testing.T) {
	t.Parallel()
	r, err := NewResolver([]string{"10.0.0.0/8", "192.168.1.5", "::1"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		remote string
		xff    []string
		want   string
	}{
		{"an untrusted peer is the client even with a forwarded header", "203.0.113.9:5000", []string{"1.2.3.4"}, "203.0.113.9"},
		{"a trusted peer without a forwarded header is the client", "10.1.2.3:5000", nil, "10.1.2.3"},
		{"a trusted peer's forwarded client is believed", "10.1.2.3:5000", []string{"198.51.100.7"}, "198.51.100.7"},
		{"the rightmost untrusted hop wins over spoofed ones to its left", "10.1.2.3:5000", []string{"6.6.6.6, 198.51.100.7, 10.9.9.9"}, "198.51.100.7"},
		{"several header lines are read as one chain", "192.168.1.5:80", []string{"6.6.6.6", "198.51.100.7"}, "198.51.100.7"},
		{"an unparsable hop stops the walk", "10.1.2.3:5000", []string{"6.6.6.6, garbage"}, "10.1.2.3"},
		{"an all-trusted chain yields the leftmost hop", "10.1.2.3:5000", []string{"10.5.5.5, 10.6.6.6"}, "10.5.5.5"},
		{"ipv6 loopback proxy is trusted", "[::1]:4000", []string{"2001:db8::1"}, "2001:db8::1"},
		{"a hop with a port is accepted", "10.1.2.3:5000", []string{"198.51.100.7:1234"}, "198.51.100.7"},
		{"an ipv4-mapped peer is unmapped", "[::ffff:10.1.2.3]:5000", []string{"198.51.100.7"}, "198.51.100.7"},
		{"an unparsable remote address is returned as is", "pipe", []string{"198.51.100.7"}, "pipe"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := r.ClientIP(tt.remote, tt.xff); got != tt.want {
				t.Fatalf("ClientIP(%q, %q) = %q, want %q", tt.remote, tt.xff, got, tt.want)
			}
		})
	}
}

func TestResolverWithoutTrustedProxiesIgnoresForwardedFor(t *testing.T) {
	t.Parallel()
	r, err := NewResolver(nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := r.ClientIP("127.0.0.1:9", []string{"1.2.3.4"}); got != "127.0.0.1" {
		t.Fatalf("got %q, want the peer", got)
	}
}

func TestNewResolverRejectsBadEntries(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"10.0.0.0/33", "not-an-ip", "10.0.0.1/x"} {
		if _, err := NewResolver([]string{bad}); err == nil {
			t.Errorf("NewResolver(%q) accepted it", bad)
		}
	}
}

// FuzzClientIP: whatever the headers say, the answer is the peer or a parsable address, and
// an untrusted peer is never overridden.
func FuzzClientIP(f *testing.F) {
	for _, s := range []string{"1.2.3.4", "6.6.6.6, 10.0.0.1", "", ",,,", "[::1]:80, 2001:db8::1", "fe80::1%eth0", " , 1.1.1.1 "} {
		f.Add("10.0.0.2:80", s)
		f.Add("203.0.113.1:80", s)
	}
	r, err := NewResolver([]string{"10.0.0.0/8"})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, remote, xff string) {
		got := r.ClientIP(remote, []string{xff})
		peer, ok := parseHost(remote)
		if !ok {
			if got != remote {
				t.Fatalf("unparsable remote %q gave %q", remote, got)
			}
			return
		}
		if !r.Trusted(peer) && got != peer.String() {
			t.Fatalf("untrusted peer %q overridden by %q", remote, got)
		}
		if _, err := netip.ParseAddr(got); err != nil {
			t.Fatalf("ClientIP returned %q, not an address", got)
		}
	})
}
