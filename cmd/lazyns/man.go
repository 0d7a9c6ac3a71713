package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/lazyns/lazyns/tui"
	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// newManCmd writes the man pages from the same command definitions as
// --help (make man; make install). Hidden: it is for packagers.
func newManCmd(*app) *cobra.Command {
	return &cobra.Command{
		Use:   "man DIR",
		Short: "Write the man pages (lazyns.1, lazyns-COMMAND.1) into DIR",
		Long: `Write lazyns.1 and one page per command (lazyns-show.1, …) into DIR, from the
same definitions as --help. The date is SOURCE_DATE_EPOCH's when it is set, so
builds are reproducible.`,
		Example:     `  lazyns man /usr/local/share/man/man1`,
		Hidden:      true,
		Args:        cobra.ExactArgs(1),
		Annotations: map[string]string{skipConfig: "yes"},
		RunE: func(cmd *cobra.Command, args []string) error {
			return writeManPages(cmd.Root(), args[0])
		},
	}
}

func writeManPages(root *cobra.Command, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	header := &doc.GenManHeader{
		Section: "1",
		Source:  "lazyns " + version,
		Manual:  "lazyns manual",
	}
	if date, ok := sourceDate(); ok {
		header.Date = &date
	}
	if err := doc.GenManTree(root, header, dir); err != nil {
		return fmt.Errorf("man pages in %s: %w", dir, err)
	}
	if err := addManSections(filepath.Join(dir, "lazyns.1")); err != nil {
		return err
	}
	pages, err := filepath.Glob(filepath.Join(dir, "lazyns*.1"))
	if err != nil {
		return err
	}
	for _, p := range pages {
		if err := escapeNonASCII(p); err != nil {
			return err
		}
	}
	return nil
}

// escapeNonASCII writes every character beyond ASCII as a groff escape
// (\[u2014]), as preconv would: groff reads its input as Latin-1, so the
// em dashes of --help otherwise come out as "invalid input character".
func escapeNonASCII(path string) error {
	page, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var out strings.Builder
	for _, r := range string(page) {
		if r < 0x80 {
			out.WriteRune(r)
		} else {
			fmt.Fprintf(&out, `\[u%04X]`, r)
		}
	}
	return os.WriteFile(path, []byte(out.String()), 0o644)
}

// sourceDate honours SOURCE_DATE_EPOCH (reproducible-builds.org).
func sourceDate() (time.Time, bool) {
	var sec int64
	if _, err := fmt.Sscanf(os.Getenv("SOURCE_DATE_EPOCH"), "%d", &sec); err != nil {
		return time.Time{}, false
	}
	return time.Unix(sec, 0).UTC(), true
}

// manSections are what the main page needs beyond --help: where the config
// lives and which variables count. roff: a line starting with "." or "'" is
// a request, so none of the text does.
const manSections = `.SH ENVIRONMENT
.TP
.B LAZYNS_READ_ONLY
1 or true: refuse every change, as \fB\-\-read\-only\fP (0 or false: allow).
.TP
.B LAZYNS_NETNS_DIR
the directory of named namespaces, as \fB\-\-netns\-dir\fP.
.TP
.B LAZYNS_PROMPT
the shell prompt template, as \fB\-\-prompt\fP.
.TP
.B NO_COLOR
set and not empty: no colours, as \fB\-\-no\-color\fP.
.TP
.B XDG_CONFIG_HOME
where the config file is looked for (default \fI~/.config\fP).
.PP
Flags override the environment, which overrides the config file.
.SH FILES
.TP
.I $XDG_CONFIG_HOME/lazyns/config.toml
the config file (\fBlazyns config\fP prints the settings in effect and where
each came from; \fB\-\-config\fP names another file, \fB\-\-ignore\-config\fP
starts without it).
.TP
.I /run/netns
the named network namespaces, as made by \fBip netns add\fP.
.TP
.I /etc/netns/NAME/
files bind\-mounted over \fI/etc\fP inside namespace NAME by \fBshell\fP and
\fBexec\fP, as \fBip netns exec\fP does.
`

const seeAlso = `, \fBip\-netns(8)\fP, \fBip(8)\fP, \fBnsenter(1)\fP, \fBlsns(8)\fP`

// addManSections puts ENVIRONMENT and FILES before SEE ALSO in lazyns.1.
func addManSections(path string) error {
	page, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	at := bytes.Index(page, []byte(".SH SEE ALSO"))
	if at < 0 {
		at = len(page)
	}
	var out bytes.Buffer
	out.Write(page[:at])
	if !strings.HasSuffix(out.String(), "\n") {
		out.WriteByte('\n')
	}
	out.WriteString(manKeys())
	out.WriteString(manSections)
	rest := page[at:]
	if len(rest) > 0 {
		// The SEE ALSO line lists the subcommands; the tools lazyns stands
		// beside follow.
		heading := bytes.IndexByte(rest, '\n') + 1
		end := heading + bytes.IndexByte(rest[heading:], '\n')
		if end > heading {
			out.Write(rest[:end])
			out.WriteString(seeAlso)
			rest = rest[end:]
		}
	}
	out.Write(rest)
	return os.WriteFile(path, out.Bytes(), 0o644)
}

// manKeys is the KEYS section: the terminal UI's default bindings, from
// the same table as its help screen.
func manKeys() string {
	var b strings.Builder
	b.WriteString(".SH KEYS\nIn the terminal UI (\\fB?\\fP shows the same list; \\fB[keys]\\fP in the config file remaps them):\n")
	for _, g := range tui.KeyHelp(nil) {
		fmt.Fprintf(&b, ".SS %s\n", roffText(g.Title))
		for _, e := range g.Entries {
			fmt.Fprintf(&b, ".TP\n.B %s\n%s\n", roffText(e.Keys), roffText(e.Desc))
		}
	}
	return b.String()
}

// roffText makes s safe as roff text: backslashes and hyphens escaped, and
// no line starting with a request character.
func roffText(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	s = strings.ReplaceAll(s, "-", `\-`)
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		s = `\&` + s
	}
	return s
}
