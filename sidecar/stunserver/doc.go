// Package stunserver is srs-p2p's STUN rendezvous: an RFC 8489 Binding
// server, built on pion/stun v3, that tells a viewer's WebRTC stack the
// public address its packets come from, and that cannot be turned into a
// reflection weapon.
//
// # What it answers
//
// A Binding request gets a Binding success response carrying
// XOR-MAPPED-ADDRESS (an IPv4-mapped IPv6 source is answered as IPv4),
// plus FINGERPRINT only when the request carried one, plus SOFTWARE only
// when configured (it is off by default) and the bound below leaves room.
// A Binding request with a comprehension-required attribute the server
// does not know gets a 420 error response with UNKNOWN-ATTRIBUTES. The
// server knows RFC 8489's and ICE's attributes and ignores their values:
// it does no authentication. It deliberately does not know RFC 5780's
// CHANGE-REQUEST, RESPONSE-PORT and PADDING, so a client probing for RFC
// 5780 learns from the 420 that it is not offered.
//
// Everything else is dropped without a reply and counted by reason: not
// STUN (RFC 3489 "classic" requests without the magic cookie included),
// malformed, too big, a bad or misplaced FINGERPRINT, not a request, not
// Binding, a source no reply can go to, over the amplification bound, or
// over the source's rate. A bad packet is never logged, so nobody can
// flood the log either.
//
// The server listens on UDP on two ports (Config.Listen and
// Config.AltListen) and on TCP on the main port, as RFC 8489 requires.
// An empty host listens on IPv4 and IPv6 at once.
//
// # Abuse resistance
//
// A reflection attack sends requests with a victim's address as source.
// Two bounds make that pointless:
//
//   - A UDP reply is never more than 1.6 times the bytes of its request. A
//     bare 20-byte request gets the 32-byte IPv4 reply (exactly 1.6x).
//     Optional parts (SOFTWARE, the 420 reason phrase) are left out when
//     they would not fit. An IPv6 reply is at least 44 bytes, so an IPv6
//     UDP request under 28 bytes (36 with FINGERPRINT) is dropped: see the
//     note for SDK authors below. TCP replies are not bounded: the
//     handshake proves the source, so TCP cannot reflect onto a victim,
//     and IPv6 clients get their answer there.
//   - Every source (an IPv4 address, or an IPv6 /64) has a token bucket
//     shared by all sockets and both ports (Config.Rate, Config.Burst). The
//     table of buckets has a fixed size (Config.MaxSources); when a slot
//     group is full the source seen least recently is forgotten.
//
// # Speed
//
// Each UDP port is served by several sockets sharing it with SO_REUSEPORT
// (Config.Sockets), each with its own goroutine moving up to 32 datagrams
// per recvmmsg and sendmmsg call (golang.org/x/net's batch API). The
// request handler allocates nothing; x/net allocates the source address
// of each datagram it reads.
//
// # The NAT mapping check, for SDK authors
//
// P2P between two viewers usually fails when a NAT maps each destination
// to a different public port ("address and port dependent mapping", RFC
// 4787; often called symmetric NAT): the port a peer learns from STUN is
// not the port the NAT will use towards that peer. A client can detect
// this with the two ports listed in the manifest's p2p.stun, using nothing
// but ordinary Binding requests (which browsers can send, unlike RFC
// 5780's CHANGE-REQUEST):
//
//  1. From ONE local socket, send a Binding request to each port. In a
//     browser: one RTCPeerConnection whose iceServers lists both URLs,
//     e.g. "stun:origin.example:3478" and "stun:origin.example:3479";
//     each srflx candidate arrives in an icecandidate event whose url
//     names the server that produced it, and whose relatedPort names the
//     local socket.
//  2. For each local socket, compare the mapped addresses (srflx address
//     and port) the two server ports returned.
//  3. Same IP and port: the NAT maps endpoint-independently and P2P is
//     likely to work. Different ports (or IPs): the NAT maps per
//     destination; P2P will mostly fail, so prefer the CDN and say so in
//     the pingback. Only one answer: inconclusive (loss, a firewall, or
//     a browser that merged two identical srflx candidates into one);
//     treat it as "probably the same", never as "per destination".
//
// Both ports share one rate limit, so the check costs a client two of its
// tokens. Clients that want IPv6 answers must send at least 28 bytes (36
// with FINGERPRINT): add a SOFTWARE attribute, which every server may
// ignore. Browsers cannot: the captures in pion/stun's test data show
// Chrome sending bare 20-byte requests and Firefox 28-byte ones with
// FINGERPRINT, so over IPv6 they get no srflx candidate from this server
// (their IPv6 host candidates usually need none).
//
// # Metrics
//
// Server.Metrics is a set of srs_p2p_stun_* metrics: requests_total by
// listener and transport; responses_total by result; drops_total by
// reason; received_bytes_total and sent_bytes_total (their ratio is the
// amplification factor actually seen); ratelimited_sources_total (a source
// went over its rate, counted once per episode);
// ratelimit_evictions_total (a source was forgotten before its bucket
// refilled: MaxSources is too small for the traffic); read_batches_total
// (UDP requests over read batches is the mean batch: how busy the sockets
// are); socket_errors_total by operation; tcp_connections and
// tcp_rejected_total.
package stunserver
