package deploy

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// dockerStage is one FROM ... stage of the Dockerfile, its instructions as
// "KEYWORD args" with line continuations joined.
type dockerStage struct {
	from   string
	instrs []string
	expose []string // "8085/tcp", ...
}

// parseDockerfile splits the Dockerfile into stages; it knows only what the
// tests below need (comments, `\` continuations, keywords).
func parseDockerfile(t *testing.T) []dockerStage {
	t.Helper()
	var stages []dockerStage
	var joined strings.Builder
	for _, line := range strings.Split(string(readRepoFile(t, "Dockerfile")), "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "#") || (trimmed == "" && joined.Len() == 0) {
			continue
		}
		if cont, ok := strings.CutSuffix(trimmed, `\`); ok {
			joined.WriteString(cont + " ")
			continue
		}
		joined.WriteString(trimmed)
		instr := strings.Join(strings.Fields(joined.String()), " ")
		joined.Reset()
		keyword, args, _ := strings.Cut(instr, " ")
		switch strings.ToUpper(keyword) {
		case "FROM":
			stages = append(stages, dockerStage{from: args})
		case "":
		default:
			if len(stages) == 0 {
				t.Fatalf("Dockerfile: %q before the first FROM", instr)
			}
			st := &stages[len(stages)-1]
			st.instrs = append(st.instrs, strings.ToUpper(keyword)+" "+args)
			if strings.EqualFold(keyword, "EXPOSE") {
				for _, p := range strings.Fields(args) {
					if !strings.Contains(p, "/") {
						p += "/tcp"
					}
					st.expose = append(st.expose, p)
				}
			}
		}
	}
	if len(stages) == 0 {
		t.Fatal("Dockerfile: no FROM")
	}
	return stages
}

func dockerfileFinal(t *testing.T) dockerStage {
	t.Helper()
	stages := parseDockerfile(t)
	return stages[len(stages)-1]
}

// instr returns the stage's instructions of one keyword.
func (s dockerStage) instr(keyword string) []string {
	var out []string
	for _, in := range s.instrs {
		if k, args, _ := strings.Cut(in, " "); k == keyword {
			out = append(out, args)
		}
	}
	return out
}

func TestDockerfile(t *testing.T) {
	stages := parseDockerfile(t)
	if len(stages) < 2 {
		t.Fatalf("Dockerfile has %d stage(s), want a build stage and a final one", len(stages))
	}
	final := stages[len(stages)-1]
	build, sdk := dockerStage{}, dockerStage{}
	for _, st := range stages[:len(stages)-1] {
		switch {
		case strings.HasPrefix(st.from, "golang:"):
			build = st
		case strings.HasPrefix(st.from, "node:"):
			sdk = st
		}
	}
	if !strings.HasPrefix(build.from, "golang:1.26 ") {
		t.Errorf("build stage FROM %q, want golang:1.26 AS ...", build.from)
	}
	// The player bundle comes from the lock file and is in the tree before
	// go build embeds it.
	sdkRuns := strings.Join(sdk.instr("RUN"), "\n")
	if !strings.Contains(sdkRuns, "npm ci") || !strings.Contains(sdkRuns, "npm run build") {
		t.Errorf("node stage RUN %q, want npm ci and npm run build of sdk/web", sdkRuns)
	}
	if copies := strings.Join(build.instr("COPY"), "\n"); !strings.Contains(copies, "sidecar/player/dist/") || !strings.Contains(copies, "--from=sdk") {
		t.Errorf("build stage COPY %q, want the player bundle from the sdk stage", copies)
	}
	runs := strings.Join(build.instr("RUN"), "\n")
	for _, want := range []string{"CGO_ENABLED=0", "-trimpath", "-X main.version=", "./sidecar"} {
		if !strings.Contains(runs, want) {
			t.Errorf("build stage RUN lacks %q:\n%s", want, runs)
		}
	}
	if strings.HasPrefix(final.from, "golang") {
		t.Errorf("final stage FROM %q: the image must not carry the Go toolchain", final.from)
	}

	users := final.instr("USER")
	if len(users) != 1 {
		t.Fatalf("final stage has USER %q, want exactly one", users)
	}
	uid, _, _ := strings.Cut(users[0], ":")
	if n, err := strconv.Atoi(uid); err != nil || n == 0 {
		t.Errorf("USER %q, want a numeric non-root uid", users[0])
	}

	hc := strings.Join(final.instr("HEALTHCHECK"), "\n")
	if !regexp.MustCompile(`CMD .*http://127\.0\.0\.1:` + hooksPort + `/healthz`).MatchString(hc) {
		t.Errorf("HEALTHCHECK %q, want a CMD probing http://127.0.0.1:%s/healthz", hc, hooksPort)
	}

	copies := strings.Join(final.instr("COPY"), "\n")
	if !strings.Contains(copies, "conf/srs-p2p.conf ") || !strings.Contains(copies, "--from=") {
		t.Errorf("final stage COPY %q, want the binary from the build stage and conf/srs-p2p.conf", copies)
	}
	readRepoFile(t, "conf/srs-p2p.conf") // the copied sample exists
	entry := strings.Join(append(final.instr("ENTRYPOINT"), final.instr("CMD")...), " ")
	if !strings.Contains(entry, "srs-p2p") || !strings.Contains(entry, "srs-p2p.conf") {
		t.Errorf("ENTRYPOINT/CMD %q, want srs-p2p run with the copied sample config", entry)
	}
}
