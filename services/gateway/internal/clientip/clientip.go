// Package clientip works out the address of the client behind a request, trusting
// X-Forwarded-For only when the request came through one of the configured proxies.
package clientip

import (
	"fmt"
	"net/netip"
	"strings"
)

// Resolver finds client addresses; its zero value trusts no proxy.
type Resolver struct {
	trusted []netip.Prefix
}

// NewResolver parses trusted proxies given as addresses ("10.0.0.7") or CIDR prefixes
// ("10.0.0.0/8"). An empty list trusts nobody: X-Forwarded-For is then ignored.
func NewResolver(trusted []string) (*Resolver, error) {
	r := &Resolver{}
	for _, s := range trusted {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if strings.Contains(s, "/") {
			p, err := netip.ParsePrefix(s)
			if err != nil {
				return nil, fmt.Errorf("trusted proxy %q: %w", s, err)
			}
			r.trusted = append(r.trusted, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q: %w", s, err)
		}
		a = a.Unmap()
		r.trusted = append(r.trusted, netip.PrefixFrom(a, a.BitLen()))
	}
	return r, nil
}

// Trusted reports whether a is one of the configured proxies.
func (r *Resolver) Trusted(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range r.trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// TrustedPeer reports whether remoteAddr ("ip:port") is one of the configured proxies, i.e.
// whether the X-Forwarded-For chain it sent may be passed on.
func (r *Resolver) TrustedPeer(remoteAddr string) bool {
	if len(r.trusted) == 0 {
		return false
	}
	peer, ok := parseHost(remoteAddr)
	return ok && r.Trusted(peer)
}

// PeerIP returns the address part of remoteAddr, or remoteAddr itself when it does not parse.
func PeerIP(remoteAddr string) string {
	if peer, ok := parseHost(remoteAddr); ok {
		return peer.String()
	}
	return remoteAddr
}

// ClientIP returns the client address of a request that arrived from remoteAddr ("ip:port" as in
// http.Request.RemoteAddr) carrying the given X-Forwarded-For header values.
//
// When the peer is a trusted proxy, the forwarded chain is walked from the right (the hop
// nearest to us) and the first address that is not a trusted proxy is the client; if every
// hop is trusted, the leftmost valid one is. An unparsable hop stops the walk: nothing to its
// left can be believed. Without a trusted peer the header is ignored.
func (r *Resolver) ClientIP(remoteAddr string, xff []string) string {
	peer, ok := parseHost(remoteAddr)
	if !ok {
		return remoteAddr
	}
	if len(r.trusted) == 0 || len(xff) == 0 || !r.Trusted(peer) {
		return peer.String()
	}
	client := peer
	for i := len(xff) - 1; i >= 0; i-- {
		hops := xff[i]
		for hops != "" {
			var hop string
			if j := strings.LastIndexByte(hops, ','); j >= 0 {
				hop, hops = hops[j+1:], hops[:j]
			} else {
				hop, hops = hops, ""
			}
			a, ok := parseHop(strings.TrimSpace(hop))
			if !ok {
				return client.String()
			}
			client = a
			if !r.Trusted(a) {
				return a.String()
			}
		}
	}
	return client.String()
}

// parseHost parses "ip:port", "[v6]:port" or a bare address.
func parseHost(s string) (netip.Addr, bool) {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap(), true
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap(), true
	}
	return netip.Addr{}, false
}

// parseHop parses one X-Forwarded-For element: a bare address, "ip:port" or "[v6]:port".
func parseHop(s string) (netip.Addr, bool) {
	if s == "" {
		return netip.Addr{}, false
	}
	a, ok := parseHost(s)
	if !ok || a.Zone() != "" {
		return netip.Addr{}, false
	}
	return a, true
}
