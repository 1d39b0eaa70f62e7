# srs-p2p: a static binary on a small Alpine image, running as a non-root user.
#
#   docker build -t srs-p2p --build-arg VERSION=$(git describe --tags --always) .

# The web SDK and the player page's bundle (hls.js + p2p-media-loader),
# built from the npm lock file and embedded in the binary.
FROM node:20-bookworm-slim AS sdk
WORKDIR /src/sdk/web
COPY sdk/web/package.json sdk/web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY sdk/web/ ./
RUN npm run build

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=sdk /src/sidecar/player/dist/ sidecar/player/dist/
ARG VERSION=0.0.0-docker
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" \
        -o /out/srs-p2p ./sidecar

# Alpine rather than distroless: busybox wget is the HEALTHCHECK's client.
FROM alpine:3.22
COPY --from=build /out/srs-p2p /usr/local/bin/srs-p2p
COPY conf/srs-p2p.conf /etc/srs-p2p/srs-p2p.conf
# Numeric ids so Kubernetes' runAsNonRoot can verify them; group 0 lets it
# write into HLS dirs that SRS (root, umask 0002) creates group-writable.
USER 10001:0
# HTTP (hooks, API, manifests, metrics), STUN, second STUN port.
EXPOSE 8085/tcp 3478/udp 3478/tcp 3479/udp
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
    CMD wget -q -O /dev/null http://127.0.0.1:8085/healthz || exit 1
ENTRYPOINT ["/usr/local/bin/srs-p2p"]
CMD ["-c", "/etc/srs-p2p/srs-p2p.conf"]
