package pty

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// The prompt prefix reaches the shell in these variables, and the startup
// files below only reference them. Neither the namespace's name nor the
// template is ever part of shell code, so a name such as x`id`$(reboot)
// is shown, not run.
const (
	psTextEnv = "LAZYNS_PS_TEXT" // the prefix, visible text only
	psOnEnv   = "LAZYNS_PS_ON"   // the escape sequence that starts its colour
	psOffEnv  = "LAZYNS_PS_OFF"  // and the one that ends it
	// Where the user's own startup files are, while ours stand in.
	userEnvEnv     = "LAZYNS_USER_ENV"
	userZdotdirEnv = "LAZYNS_USER_ZDOTDIR"
)

// bashrc runs the user's ~/.bashrc (bash itself still reads the system
// bashrc first), then prefixes PS1 before every prompt, so prompts that
// rebuild PS1 each time (PROMPT_COMMAND, starship, git prompts) keep it too.
// With promptvars on (the default) PS1 references the text, which bash
// expands without evaluating it again; with promptvars off, PS1 gets the
// text itself, with its backslashes doubled, and is not expanded at all.
const bashrc = `[ -r ~/.bashrc ] && . ~/.bashrc
__lazyns_prompt() {
	local p
	if shopt -q promptvars; then
		p='\['"$LAZYNS_PS_ON"'\]${LAZYNS_PS_TEXT}\['"$LAZYNS_PS_OFF"'\]'
	else
		p='\['"$LAZYNS_PS_ON"'\]'"${LAZYNS_PS_TEXT//\\/\\\\}"'\['"$LAZYNS_PS_OFF"'\]'
	fi
	case $PS1 in "$p"*) ;; *) PS1=$p$PS1 ;; esac
}
if [[ "$(declare -p PROMPT_COMMAND 2>/dev/null)" == "declare -a"* ]]; then
	PROMPT_COMMAND+=(__lazyns_prompt)
else
	PROMPT_COMMAND="${PROMPT_COMMAND:+$PROMPT_COMMAND
}__lazyns_prompt"
fi
__lazyns_prompt
`

// shenv is read by POSIX shells (dash, sh, ash, ksh) through $ENV: it runs
// the user's own $ENV file, puts ENV back, and prefixes PS1 with a
// reference to the text, which these shells expand without evaluating.
const shenv = `if [ -n "${LAZYNS_USER_ENV-}" ]; then
	ENV=$LAZYNS_USER_ENV
	[ -r "$ENV" ] && . "$ENV"
else
	unset ENV
fi
unset LAZYNS_USER_ENV
PS1='${LAZYNS_PS_ON}${LAZYNS_PS_TEXT}${LAZYNS_PS_OFF}'"$PS1"
`

// zshenv and zshrc stand in for the user's through ZDOTDIR: each runs the
// user's own file from the user's ZDOTDIR, and zshrc then prefixes PROMPT
// before every prompt. % is doubled so the name cannot hold prompt escapes;
// with prompt_subst on PROMPT references the text, otherwise it holds it.
const zshenv = `__lazyns_zdotdir=$ZDOTDIR
ZDOTDIR=${LAZYNS_USER_ZDOTDIR:-$HOME}
[[ -r $ZDOTDIR/.zshenv ]] && source $ZDOTDIR/.zshenv
LAZYNS_USER_ZDOTDIR=$ZDOTDIR
ZDOTDIR=$__lazyns_zdotdir
unset __lazyns_zdotdir
`

const zshrc = `ZDOTDIR=$LAZYNS_USER_ZDOTDIR
unset LAZYNS_USER_ZDOTDIR
[[ $ZDOTDIR == $HOME ]] && unset ZDOTDIR
[[ -r ${ZDOTDIR:-$HOME}/.zshrc ]] && source ${ZDOTDIR:-$HOME}/.zshrc
__lazyns_prompt() {
	local p
	if [[ -o prompt_subst ]]; then
		p='%{${LAZYNS_PS_ON}%}${LAZYNS_PS_TEXT//\%/%%}%{${LAZYNS_PS_OFF}%}'
	else
		p="%{${LAZYNS_PS_ON}%}${LAZYNS_PS_TEXT//\%/%%}%{${LAZYNS_PS_OFF}%}"
	fi
	[[ $PROMPT == "$p"* ]] || PROMPT=$p$PROMPT
}
precmd_functions+=(__lazyns_prompt)
`

// shellKind tells how a shell is given its startup file.
type shellKind int

const (
	kindOther shellKind = iota
	kindBash
	kindZsh
	kindPOSIX
)

func kindOf(path string) shellKind {
	switch base := filepath.Base(path); base {
	case "bash":
		return kindBash
	case "zsh":
		return kindZsh
	case "sh", "dash", "ash", "ksh", "mksh", "ksh93", "posh", "yash":
		return kindPOSIX
	}
	return kindOther
}

// ChooseShell picks the shell: $SHELL, else bash, else sh.
func ChooseShell(getenv func(string) string) (string, error) {
	if sh := getenv("SHELL"); sh != "" {
		path, err := exec.LookPath(sh)
		if err != nil {
			return "", fmt.Errorf("shell %s (from $SHELL) not found: install it or set SHELL to another shell", sh)
		}
		return path, nil
	}
	for _, sh := range []string{"bash", "sh"} {
		if path, err := exec.LookPath(sh); err == nil {
			return path, nil
		}
	}
	return "", fmt.Errorf("no shell found ($SHELL is unset, and neither bash nor sh is in PATH): set SHELL")
}

// shellStart is how to start an interactive shell with the lazyns prompt.
type shellStart struct {
	args []string // argv, argv[0] the shell's path
	env  []string
	// prompted is false for a shell whose prompt lazyns cannot set.
	prompted bool
	dir      string // temporary startup files; removed by cleanup
}

func (s *shellStart) cleanup() {
	if s.dir != "" {
		os.RemoveAll(s.dir)
	}
}

// prepareShell writes the startup files a shell needs for the prompt and
// returns how to start it. env is the environment it starts from.
func prepareShell(path, prompt string, color bool, env []string) (*shellStart, error) {
	s := &shellStart{args: []string{path}, env: env}
	on, off := "", ""
	if color {
		on, off = promptColor, "\x1b[0m"
	}
	kind := kindOf(path)
	if kind == kindOther {
		return s, nil
	}
	dir, err := os.MkdirTemp("", "lazyns-shell-")
	if err != nil {
		return nil, fmt.Errorf("startup files for the shell: %w", err)
	}
	s.dir, s.prompted = dir, true
	s.env = setEnv(s.env, psTextEnv, prompt)
	s.env = setEnv(s.env, psOnEnv, on)
	s.env = setEnv(s.env, psOffEnv, off)
	files := map[string]string{}
	switch kind {
	case kindBash:
		files["bashrc"] = bashrc
		s.args = append(s.args, "--rcfile", filepath.Join(dir, "bashrc"), "-i")
	case kindPOSIX:
		files["env"] = shenv
		s.env = setEnv(s.env, userEnvEnv, lookupEnv(env, "ENV"))
		s.env = setEnv(s.env, "ENV", filepath.Join(dir, "env"))
		s.args = append(s.args, "-i")
	case kindZsh:
		files[".zshenv"] = zshenv
		files[".zshrc"] = zshrc
		s.env = setEnv(s.env, userZdotdirEnv, lookupEnv(env, "ZDOTDIR"))
		s.env = setEnv(s.env, "ZDOTDIR", dir)
		s.args = append(s.args, "-i")
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			s.cleanup()
			return nil, fmt.Errorf("startup files for the shell: %w", err)
		}
	}
	return s, nil
}

// setEnv sets key=value in env, replacing any earlier value.
func setEnv(env []string, key, value string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if !strings.HasPrefix(kv, key+"=") {
			out = append(out, kv)
		}
	}
	return append(out, key+"="+value)
}

func lookupEnv(env []string, key string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(env[i], key+"="); ok {
			return v
		}
	}
	return ""
}
