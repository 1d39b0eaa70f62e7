// Package deploy holds no code, only tests of the deployment files at the
// repository root: docker-compose.yml, Dockerfile, conf/srs.conf and
// conf/nginx-cdn.conf. They check that the pieces agree with each other (the
// shared HLS path, hook URLs, service names, ports), since no Docker engine
// runs in CI to find out the hard way.
package deploy
