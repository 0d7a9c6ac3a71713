// Package docs holds lazyns's user documentation; its test keeps the links
// between README.md and these pages from rotting as files and headings move.
package docs

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/russross/blackfriday/v2"
)

// pages are the Markdown files whose links are checked, relative to the
// repository root: README.md and every page under docs/.
func pages(t *testing.T, root string) []string {
	t.Helper()
	found, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	out := []string{"README.md"}
	for _, f := range found {
		rel, err := filepath.Rel(root, f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, rel)
	}
	return out
}

// TestLinksResolve: every relative link in README.md and docs/*.md names a
// file that exists and, with a #fragment, a heading of that file.
func TestLinksResolve(t *testing.T) {
	for _, problem := range brokenLinks(t, "..", pages(t, "..")) {
		t.Error(problem)
	}
}

// TestEveryPageIsLinkedFromREADME: a page nobody can reach from the README
// is a page nobody reads.
func TestEveryPageIsLinkedFromREADME(t *testing.T) {
	linked := map[string]bool{}
	for _, l := range parse(t, "..", "README.md").links {
		if path, _, ok := relative(l); ok {
			linked[filepath.Clean(path)] = true
		}
	}
	for _, p := range pages(t, "..") {
		if p != "README.md" && !linked[p] {
			t.Errorf("README.md links nowhere to %s", p)
		}
	}
}

// TestBrokenLinksAreFound: the checker itself reports a missing file, a
// missing heading in another page and in the same page, and passes good
// links, links inside code and links to the web.
func TestBrokenLinksAreFound(t *testing.T) {
	root := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		path := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("README.md", "# Top\n\n"+
		"[good](docs/a.md), [good heading](docs/a.md#the-first-step-ip-netns-add), [here](#top),\n"+
		"[gone](docs/missing.md), [no heading](docs/a.md#nowhere), [no heading here](#bottom),\n"+
		"[web](https://example.com/x.md) and `[code](docs/nope.md)`.\n\n"+
		"```\n[fenced](docs/nope2.md)\n```\n")
	write("docs/a.md", "# A page\n\n## The first step: `ip netns add`\n\nBack [up](../README.md#top), [twice](#the-first-step-ip-netns-add).\n")
	got := brokenLinks(t, root, []string{"README.md", "docs/a.md"})
	want := []string{
		`README.md: link "docs/missing.md": no file docs/missing.md`,
		`README.md: link "docs/a.md#nowhere": docs/a.md has no heading #nowhere`,
		`README.md: link "#bottom": README.md has no heading #bottom`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("broken links found:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestAnchor follows GitHub's rule: lower case, punctuation other than
// '-' and '_' dropped, spaces to hyphens, repeats numbered.
func TestAnchor(t *testing.T) {
	seen := map[string]int{}
	for _, c := range []struct{ heading, want string }{
		{"Read-only mode is enforced where the kernel is touched", "read-only-mode-is-enforced-where-the-kernel-is-touched"},
		{"Topology: lazyns topo [--dot]", "topology-lazyns-topo---dot"},
		{"The x key", "the-x-key"},
		{"The x key", "the-x-key-1"},
		{"Names are data, never code", "names-are-data-never-code"},
	} {
		if got := anchor(c.heading, seen); got != c.want {
			t.Errorf("anchor(%q) = %q, want %q", c.heading, got, c.want)
		}
	}
}

// doc is what the checker needs of one Markdown file.
type doc struct {
	links    []string
	headings map[string]bool
}

// parse reads a Markdown file (relative to root) the way a renderer does,
// so text inside code spans and code blocks is never taken for a link.
func parse(t *testing.T, root, name string) doc {
	t.Helper()
	text, err := os.ReadFile(filepath.Join(root, name))
	if err != nil {
		t.Fatal(err)
	}
	md := blackfriday.New(blackfriday.WithExtensions(blackfriday.CommonExtensions))
	d := doc{headings: map[string]bool{}}
	seen := map[string]int{}
	md.Parse(text).Walk(func(n *blackfriday.Node, entering bool) blackfriday.WalkStatus {
		if !entering {
			return blackfriday.GoToNext
		}
		switch n.Type {
		case blackfriday.Link:
			d.links = append(d.links, string(n.Destination))
		case blackfriday.Heading:
			d.headings[anchor(plainText(n), seen)] = true
			return blackfriday.SkipChildren
		}
		return blackfriday.GoToNext
	})
	return d
}

// plainText is a node's text as a reader sees it: literals of text and
// code spans, without the markup around them.
func plainText(n *blackfriday.Node) string {
	var b strings.Builder
	n.Walk(func(c *blackfriday.Node, entering bool) blackfriday.WalkStatus {
		if entering && (c.Type == blackfriday.Text || c.Type == blackfriday.Code) {
			b.Write(c.Literal)
		}
		return blackfriday.GoToNext
	})
	return b.String()
}

// anchor is the fragment GitHub gives a heading; seen numbers repeats.
func anchor(heading string, seen map[string]int) string {
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r):
			b.WriteRune(r)
		}
	}
	a := b.String()
	if n := seen[a]; n > 0 {
		seen[a] = n + 1
		return fmt.Sprintf("%s-%d", a, n)
	}
	seen[a] = 1
	return a
}

// relative splits a link into the path it names and its fragment; ok is
// false for links that leave the repository (a scheme, or mailto:).
func relative(link string) (path, fragment string, ok bool) {
	u, err := url.Parse(link)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return "", "", false
	}
	return u.Path, u.Fragment, true
}

// brokenLinks checks every relative link of files (paths relative to root)
// and says, one line each, which do not resolve.
func brokenLinks(t *testing.T, root string, files []string) []string {
	t.Helper()
	docs := map[string]doc{}
	load := func(name string) doc {
		if d, ok := docs[name]; ok {
			return d
		}
		d := parse(t, root, name)
		docs[name] = d
		return d
	}
	var problems []string
	for _, file := range files {
		for _, link := range load(file).links {
			path, fragment, ok := relative(link)
			if !ok {
				continue
			}
			target := file
			if path != "" {
				target = filepath.Join(filepath.Dir(file), path)
			}
			info, err := os.Stat(filepath.Join(root, target))
			if err != nil {
				problems = append(problems, fmt.Sprintf("%s: link %q: no file %s", file, link, target))
				continue
			}
			if fragment == "" {
				continue
			}
			if info.IsDir() || filepath.Ext(target) != ".md" {
				problems = append(problems, fmt.Sprintf("%s: link %q: a #fragment on %s, which is not a Markdown page", file, link, target))
				continue
			}
			if !load(target).headings[fragment] {
				problems = append(problems, fmt.Sprintf("%s: link %q: %s has no heading #%s", file, link, target, fragment))
			}
		}
	}
	return problems
}
