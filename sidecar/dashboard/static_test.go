package dashboard

import (
	"regexp"
	"strings"
	"testing"
)

// The page must run under its Content-Security-Policy and load nothing from
// elsewhere; these checks catch a regression before a browser does.

func TestIndexHasNoInlineScriptOrStyle(t *testing.T) {
	d, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	index := string(d.index.body)
	forbidden := map[string]*regexp.Regexp{
		"inline script":  regexp.MustCompile(`<script(?:\s[^>]*)?>\s*[^<\s]`),
		"style element":  regexp.MustCompile(`<style`),
		"style attr":     regexp.MustCompile(`\sstyle=`),
		"event handler":  regexp.MustCompile(`\son[a-z]+=`),
		"javascript url": regexp.MustCompile(`javascript:`),
	}
	for what, re := range forbidden {
		if m := re.FindString(index); m != "" {
			t.Errorf("index.html has: %s %q", what, m)
		}
	}
	tags := regexp.MustCompile(`<script[^>]*>`).FindAllString(index, -1)
	if len(tags) == 0 {
		t.Fatal("index.html loads no script")
	}
	for _, tag := range tags {
		if !strings.Contains(tag, ` src="/dashboard/assets/`) {
			t.Errorf("script not loaded from the assets: %q", tag)
		}
	}
}

func TestScriptsAvoidWhatCSPBlocksOrHTMLInjects(t *testing.T) {
	d, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	forbidden := []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function",
		`setAttribute("style"`, ".style.cssText", "setAttribute(\"on"}
	for name, a := range d.assets {
		if !strings.HasSuffix(name, ".js") {
			continue
		}
		for _, f := range forbidden {
			if strings.Contains(string(a.body), f) {
				t.Errorf("%s uses %s", name, f)
			}
		}
	}
}

// TestNothingFromTheInternet allows only the SVG namespace name, which is
// an identifier, not something fetched.
func TestNothingFromTheInternet(t *testing.T) {
	d, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	all := map[string][]byte{indexName: d.index.body}
	for name, a := range d.assets {
		all[name] = a.body
	}
	url := regexp.MustCompile(`(?i:(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}[^\s"'<>)]*)|@import|\burl\(`)
	for name, body := range all {
		for _, m := range url.FindAllString(string(body), -1) {
			if m == "http://www.w3.org/2000/svg" {
				continue
			}
			t.Errorf("%s references %q", name, m)
		}
	}
}
