package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"

	"github.com/lazyns/lazyns/model"
	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
)

// configFile is the config file as written; a nil pointer is a setting the
// file leaves alone. [colors] and [keys] are maps checked here rather than by
// the decoder, so an unknown colour or action is reported with its line and
// the list of known names.
type configFile struct {
	ReadOnly *bool             `toml:"read_only"`
	NetnsDir *string           `toml:"netns_dir"`
	Prompt   *string           `toml:"prompt"`
	Theme    *string           `toml:"theme"`
	NoColor  *bool             `toml:"no_color"`
	Refresh  *string           `toml:"refresh"`
	Colors   map[string]string `toml:"colors"`
	Keys     map[string]any    `toml:"keys"`

	path  string
	lines map[string]int // dotted key → line, for messages and lazyns config
}

// configError is a bad config file: where, and what is wrong.
type configError struct {
	file string
	line int
	msg  string
}

func (e *configError) Error() string {
	if e.line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.file, e.line, e.msg)
	}
	return fmt.Sprintf("%s: %s", e.file, e.msg)
}

// at reports a problem with the setting at key (dotted).
func (f *configFile) errorf(key, format string, args ...any) error {
	return &configError{file: f.path, line: f.line(key), msg: fmt.Sprintf(format, args...)}
}

// line is where key was set, or where its closest enclosing table was (keys
// inside an inline table have no line of their own).
func (f *configFile) line(key string) int {
	for k := key; k != ""; {
		if n, ok := f.lines[k]; ok {
			return n
		}
		i := strings.LastIndexByte(k, '.')
		if i < 0 {
			break
		}
		k = k[:i]
	}
	return 0
}

// source names the file and line a setting came from.
func (f *configFile) source(key string) string {
	if n := f.line(key); n > 0 {
		return fmt.Sprintf("%s:%d", f.path, n)
	}
	return f.path
}

// readConfigFile reads and checks the config file at path. A file that does
// not exist returns an error satisfying errors.Is(err, fs.ErrNotExist).
func readConfigFile(path string) (*configFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	f := &configFile{path: path}
	dec := toml.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(f); err != nil {
		return nil, decodeError(path, err)
	}
	f.lines = keyLines(data)
	if err := f.check(); err != nil {
		return nil, err
	}
	return f, nil
}

// expected says, by setting, what a value must look like.
var expected = map[string]string{
	"read_only": "true or false",
	"no_color":  "true or false",
	"netns_dir": "a string (a directory)",
	"prompt":    "a string",
	"theme":     `"dark", "light" or "auto"`,
	"refresh":   `"live", "manual" or an interval such as "5s"`,
	"colors":    `a table: [colors] with lines such as up = "green"`,
	"keys":      `a table: [keys] with lines such as shell = ["z"]`,
}

var tomlKind = regexp.MustCompile(`cannot decode TOML (\w+)`)

// decodeError turns the decoder's error into file:line: what is wrong, in
// terms of the setting rather than of Go types.
func decodeError(path string, err error) error {
	var missing *toml.StrictMissingError
	if errors.As(err, &missing) && len(missing.Errors) > 0 {
		var names []string
		for _, e := range missing.Errors {
			names = append(names, strings.Join(e.Key(), "."))
		}
		row, _ := missing.Errors[0].Position()
		msg := fmt.Sprintf("unknown setting %q (known: %s)", names[0], knownSettings())
		if len(names) > 1 {
			msg += fmt.Sprintf("; also unknown: %s", strings.Join(names[1:], ", "))
		}
		return &configError{file: path, line: row, msg: msg}
	}
	var de *toml.DecodeError
	if !errors.As(err, &de) {
		return &configError{file: path, msg: err.Error()}
	}
	row, col := de.Position()
	msg := strings.TrimPrefix(de.Error(), "toml: ")
	if m := tomlKind.FindStringSubmatch(msg); m != nil && len(de.Key()) > 0 {
		key := de.Key()
		want := expected[key[0]]
		switch {
		case len(key) > 1 && key[0] == "colors":
			want = `a colour such as "green", "208" or "#ff8700"`
		case len(key) > 1:
			want = `a key such as "S" or a list such as ["S", "ctrl+s"]`
		}
		msg = fmt.Sprintf("%s must be %s, not %s", strings.Join(key, "."), want, article(m[1]))
	} else {
		msg = fmt.Sprintf("TOML syntax error at column %d: %s", col, msg)
	}
	return &configError{file: path, line: row, msg: msg}
}

func article(kind string) string {
	switch kind[0] {
	case 'a', 'e', 'i', 'o', 'u':
		return "an " + kind
	}
	return "a " + kind
}

func knownSettings() string {
	var names []string
	for k := range expected {
		if k == "colors" || k == "keys" {
			k = "[" + k + "]"
		}
		names = append(names, k)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// keyLines maps every dotted key in a (valid) document to its line.
func keyLines(data []byte) map[string]int {
	lines := map[string]int{}
	var p unstable.Parser
	p.Reset(data)
	var table []string
	for p.NextExpression() {
		e := p.Expression()
		if e.Kind != unstable.Table && e.Kind != unstable.ArrayTable && e.Kind != unstable.KeyValue {
			continue
		}
		var parts []string
		line := 0
		for it := e.Key(); it.Next(); {
			n := it.Node()
			parts = append(parts, string(n.Data))
			if line == 0 {
				line = p.Shape(n.Raw).Start.Line
			}
		}
		if e.Kind != unstable.KeyValue {
			table = parts
			lines[strings.Join(parts, ".")] = line
			continue
		}
		full := append(append([]string{}, table...), parts...)
		lines[strings.Join(full, ".")] = line
	}
	return lines
}

// check validates values the decoder cannot: names, choices, key conflicts.
func (f *configFile) check() error {
	if f.NetnsDir != nil && *f.NetnsDir == "" {
		return f.errorf("netns_dir", "netns_dir is empty: give a directory such as \"/run/netns\", or remove the line")
	}
	if f.Theme != nil {
		if err := checkTheme(*f.Theme); err != nil {
			return f.errorf("theme", "theme: %v", err)
		}
	}
	if f.Refresh != nil {
		if err := checkRefresh(*f.Refresh); err != nil {
			return f.errorf("refresh", "refresh: %v", err)
		}
	}
	for _, role := range sortedKeys(f.Colors) {
		if _, ok := model.RoleNames[role]; !ok {
			return f.errorf("colors."+role, "unknown colour %q in [colors] (known: %s)", role, strings.Join(sortedKeys(model.RoleNames), ", "))
		}
		if _, err := parseColor(f.Colors[role]); err != nil {
			return f.errorf("colors."+role, "colors.%s: %v", role, err)
		}
	}
	_, err := f.keyMap()
	return err
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
