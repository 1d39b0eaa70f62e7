package tracker

import (
	"time"

	"github.com/webp2p/srs-p2p/internal/streamtoken"
)

// NewToken returns the ?token= value that lets a viewer announce in the
// swarms of the stream with this swarm_id until expiry (the same token
// admits its pingback reports). See package streamtoken.
func NewToken(secret []byte, swarmID string, expiry time.Time) string {
	return streamtoken.New(secret, swarmID, expiry)
}
