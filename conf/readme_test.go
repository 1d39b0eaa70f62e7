package conf

import (
	"os"
	"strings"
	"testing"
)

// TestReadmeDocumentsEveryKey keeps the README's configuration table in
// step with the schema: every key with its env var and reload behaviour.
func TestReadmeDocumentsEveryKey(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "| `") {
			key := strings.Trim(strings.Split(line, "|")[1], " `")
			rows[key] = line
		}
	}
	for _, key := range Keys() {
		row, ok := rows[key]
		if !ok {
			t.Errorf("README's configuration table lacks %s", key)
			continue
		}
		if !strings.Contains(row, "`"+EnvVar(key)+"`") {
			t.Errorf("README row of %s does not name %s", key, EnvVar(key))
		}
		want := "| live |"
		if NeedsRestart(key) {
			want = "| restart |"
		}
		if !strings.Contains(row, want) {
			t.Errorf("README row of %s should say %q", key, want)
		}
	}
}
