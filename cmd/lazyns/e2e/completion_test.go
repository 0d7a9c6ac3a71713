package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/lazyns/lazyns/cmd/lazyns/internal/clitest"
	"github.com/lazyns/lazyns/cmd/lazyns/internal/config"
	"github.com/lazyns/lazyns/nsops/nstest"
)

// bashComplete sources the bash script and asks it, the way bash does on
// TAB, for the completions of words (the last one being completed).
func bashComplete(t *testing.T, bin string, env []string, words ...string) []string {
	t.Helper()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	script, err := exec.Command(bin, "completion", "bash").Output()
	if err != nil {
		t.Fatalf("completion bash: %v", err)
	}
	file := filepath.Join(t.TempDir(), "lazyns.bash")
	if err := os.WriteFile(file, script, 0o644); err != nil {
		t.Fatal(err)
	}
	// bash-completion provides _get_comp_words_by_ref, as on any system
	// where completion is set up; without it, a shim doing the same for
	// words split by spaces.
	driver := `if [ -r /usr/share/bash-completion/bash_completion ]; then
  source /usr/share/bash-completion/bash_completion
else
  _get_comp_words_by_ref() {
    cur=${COMP_WORDS[COMP_CWORD]}; prev=${COMP_WORDS[COMP_CWORD-1]}
    words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD
  }
fi
# compopt only works inside a completion bash itself started.
compopt() { :; }
source "$1"; shift
COMP_WORDS=("$@")
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
COMP_LINE="${COMP_WORDS[*]}"
COMP_POINT=${#COMP_LINE}
__start_lazyns "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"`
	cmd := exec.Command(bash, append([]string{"--norc", "--noprofile", "-c", driver, "bash", file, bin}, words...)...)
	cmd.Env = append(os.Environ(), env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("bash completion of %q: %v\n%s", words, err, stderr.String())
	}
	var got []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			got = append(got, l)
		}
	}
	sort.Strings(got)
	return got
}

func TestBashCompletesFromNetnsDir(t *testing.T) {
	clitest.CleanConfigEnv(t)
	dir := t.TempDir()
	for _, name := range []string{"qrouter-e945b6b1-54be", "qdhcp-dae14f7d", "blue", "bad\tname"} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bin := buildBinary(t)
	env := []string{config.EnvNetnsDir + "=" + dir}
	if got := bashComplete(t, bin, env, "show", "qr"); !reflect.DeepEqual(got, []string{"qrouter-e945b6b1-54be"}) {
		t.Errorf("lazyns show qr<TAB>: %q", got)
	}
	if got := bashComplete(t, bin, env, "show", "blue", ""); !reflect.DeepEqual(got, []string{"blue", "host", "qdhcp-dae14f7d", "qrouter-e945b6b1-54be"}) {
		t.Errorf("lazyns show blue <TAB>: %q", got)
	}
	if got := bashComplete(t, bin, nil, "--netns-dir", dir, "show", "qd"); !reflect.DeepEqual(got, []string{"qdhcp-dae14f7d"}) {
		t.Errorf("lazyns --netns-dir DIR show qd<TAB>: %q", got)
	}
	if got := bashComplete(t, bin, env, "sh"); !reflect.DeepEqual(got, []string{"show"}) && !reflect.DeepEqual(got, []string{"shell", "show"}) {
		t.Errorf("lazyns sh<TAB>: %q", got)
	}
	if got := bashComplete(t, bin, env, "completion", ""); !reflect.DeepEqual(got, []string{"bash", "fish", "zsh"}) {
		t.Errorf("lazyns completion <TAB>: %q", got)
	}
	if got := bashComplete(t, bin, env, "--read-o"); !reflect.DeepEqual(got, []string{"--read-only"}) {
		t.Errorf("lazyns --read-o<TAB>: %q", got)
	}
	// A bad config file does not spill errors into the command line.
	xdg := t.TempDir()
	if err := os.Mkdir(filepath.Join(xdg, "lazyns"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(xdg, "lazyns", "config.toml"), []byte("nonsense = 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := bashComplete(t, bin, append(env, "XDG_CONFIG_HOME="+xdg), "show", "bl"); !reflect.DeepEqual(got, []string{"blue"}) {
		t.Errorf("with a bad config, lazyns show bl<TAB>: %q", got)
	}
}

func TestBashCompletesTestNamespace(t *testing.T) {
	nstest.RequireRoot(t)
	clitest.CleanConfigEnv(t)
	name := nstest.Name("qr")
	nstest.NetnsNamed(t, name)
	bin := buildBinary(t)
	// Every command taking a namespace first, as far as it exists yet:
	// the commands are what lazyns <TAB> offers.
	commands, err := exec.Command(bin, "__complete", "").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"show", "shell", "exec", "enter", "trace"} {
		if !strings.Contains("\n"+string(commands), "\n"+c+"\t") {
			continue
		}
		got := bashComplete(t, bin, nil, c, name[:len(name)-2])
		if !reflect.DeepEqual(got, []string{name}) {
			t.Errorf("lazyns %s %s<TAB>: %q, want [%s]", c, name[:len(name)-2], got, name)
		}
	}
}

func TestFishCompletesFromNetnsDir(t *testing.T) {
	fish, err := exec.LookPath("fish")
	if err != nil {
		t.Skip("no fish")
	}
	clitest.CleanConfigEnv(t)
	dir := t.TempDir()
	for _, name := range []string{"qrouter-e945b6b1", "blue"} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bin := buildBinary(t)
	cmd := exec.Command(fish, "--no-config", "-c", `lazyns completion fish | source; complete -C "lazyns show qr"`)
	cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(bin)+":"+os.Getenv("PATH"), config.EnvNetnsDir+"="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "qrouter-e945b6b1" {
		t.Errorf("fish: lazyns show qr<TAB>: %v %q", err, out)
	}
}
