package indexer

import (
	"testing"
	"time"
)

func TestRegistryRefusesMismatchedPlaylists(t *testing.T) {
	r := newRegistry(10)
	if !r.hls("v", "live", "livestream", "vid-1", "live/livestream.m3u8") {
		t.Fatal("SRS's default layout refused")
	}
	if !r.hls("v", "live", "cam", "vid-2", "live/cam/index.m3u8") {
		t.Fatal("[app]/[stream]/index.m3u8 refused")
	}
	if r.hls("v", "live", "livestream", "vid-1", "live/linked.m3u8") {
		t.Fatal("a playlist not named after the stream was learned")
	}
	if r.hls("v", "live", "other", "vid-3", "live/livestream/../x.m3u8") {
		t.Fatal("mismatched stream accepted")
	}
	if id, _ := r.lookup("live/linked.m3u8"); id.name != "linked" {
		t.Fatalf("identity of an unclaimed playlist = %+v", id)
	}
}

func TestRegistryEndedSessionsStayEnded(t *testing.T) {
	r := newRegistry(10)
	now := time.Now()
	r.publish("v", "live", "s", "vid-a", now)
	r.unpublish("live", "s", "vid-a", now)
	r.hls("v", "live", "s", "vid-a", "live/s.m3u8") // late on_hls of the ended session
	if _, s := r.lookup("live/s.m3u8"); s != nil {
		t.Fatalf("ended session came back: %+v", s)
	}
	r.hls("v", "live", "s", "vid-b", "live/s.m3u8") // we started after vid-b's on_publish
	if _, s := r.lookup("live/s.m3u8"); s == nil || s.epoch != "vid-b" || s.fromPublish {
		t.Fatalf("session from on_hls = %+v", s)
	}
	r.publish("v", "live", "s", "vid-c", now)
	r.hls("v", "live", "s", "vid-b", "live/s.m3u8") // late hook of the previous publish
	if _, s := r.lookup("live/s.m3u8"); s == nil || s.epoch != "vid-c" {
		t.Fatalf("a late on_hls replaced on_publish's session: %+v", s)
	}
}
