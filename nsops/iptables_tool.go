package nsops

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/lazyns/lazyns/model"
)

// toolTimeout bounds one run of an iptables save tool.
const toolTimeout = 20 * time.Second

// iptablesFamily names the tools that list one family's iptables rules.
type iptablesFamily struct {
	family string // ip or ip6
	nft    string // lists the tables iptables-nft keeps in nftables
	legacy string // lists iptables-legacy's x_tables tables
}

var iptablesFamilies = []iptablesFamily{
	{"ip", "iptables-nft-save", "iptables-legacy-save"},
	{"ip6", "ip6tables-nft-save", "ip6tables-legacy-save"},
}

// toolRunner runs save tools inside one namespace, entering it the way
// lazyns exec does (the namespace's own /sys and /etc/netns files), once
// the first tool is needed.
type toolRunner struct {
	ctx   context.Context
	ns    *model.Namespace
	entry *Entry
}

func (t *toolRunner) close() {
	if t.entry != nil {
		t.entry.Close()
	}
}

// run runs `tool -c` and returns what it printed on standard output.
func (t *toolRunner) run(path string) (string, error) {
	if t.entry == nil {
		e, err := Enter(t.ns)
		if err != nil {
			return "", err
		}
		t.entry = e
	}
	ctx, cancel := context.WithTimeout(t.ctx, toolTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, "-c")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	// Untranslated messages, whatever the user's locale.
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	if err := t.entry.Start(cmd.Start); err != nil {
		return "", err
	}
	if err := cmd.Wait(); err != nil {
		return "", fmt.Errorf("%w: %s", err, strings.TrimSpace(errb.String()))
	}
	return out.String(), nil
}

// addIptablesViews gives the tables iptables made their iptables syntax,
// and adds iptables-legacy's tables, which nftables does not hold. legacy
// lists, per family, the x_tables tables in use in the namespace.
func addIptablesViews(run *toolRunner, fw *model.Firewall, legacy map[string][]string) {
	for _, f := range iptablesFamilies {
		var made []int
		for i := range fw.Tables {
			if fw.Tables[i].Source == model.FwIptablesNft && fw.Tables[i].Family == f.family {
				made = append(made, i)
			}
		}
		if len(made) > 0 {
			mergeNftSave(run, fw, f, made)
		}
		if names := legacy[f.family]; len(names) > 0 {
			addLegacy(run, fw, f, names)
		}
	}
}

func tableNames(fw *model.Firewall, at []int) string {
	names := make([]string, len(at))
	for i, t := range at {
		names[i] = fw.Tables[t].Family + " " + fw.Tables[t].Name
	}
	return strings.Join(names, ", ")
}

// mergeNftSave reads the iptables-nft tables of one family again with
// iptables-nft-save and shows each rule once, in iptables syntax, with
// the counters of the kernel read (see model.MergeIptablesView).
func mergeNftSave(run *toolRunner, fw *model.Firewall, f iptablesFamily, made []int) {
	names := tableNames(fw, made)
	path, err := exec.LookPath(f.nft)
	if err != nil {
		fw.Notes = append(fw.Notes, fmt.Sprintf("%s: made by iptables-nft, shown as nft lists them (%s is not installed)", names, f.nft))
		return
	}
	from := f.nft + " -c"
	text, err := run.run(path)
	if err != nil {
		fw.Notes = append(fw.Notes, fmt.Sprintf("%s: made by iptables-nft, shown as nft lists them (%s failed: %v)", names, from, err))
		return
	}
	saved, err := model.ParseIptablesSave(text, f.family, model.FwIptablesNft, from)
	if err != nil {
		fw.Notes = append(fw.Notes, fmt.Sprintf("%s: made by iptables-nft, shown as nft lists them (%v)", names, err))
		return
	}
	var merged, kept []int
	for _, i := range made {
		t := &fw.Tables[i]
		var s *model.FwTable
		for j := range saved.Tables {
			if saved.Tables[j].Name == t.Name {
				s = &saved.Tables[j]
			}
		}
		if s == nil {
			kept = append(kept, i)
			continue
		}
		m, ok := model.MergeIptablesView(t, s)
		if !ok {
			kept = append(kept, i)
			continue
		}
		*t = m
		merged = append(merged, i)
	}
	if len(merged) > 0 {
		fw.Notes = append(fw.Notes, fmt.Sprintf("%s: made by iptables-nft; rules in iptables syntax from %s run inside the namespace, counters from the kernel", tableNames(fw, merged), from))
	}
	if len(kept) > 0 {
		fw.Notes = append(fw.Notes, fmt.Sprintf("%s: made by iptables-nft, shown as nft lists them (%s lists them differently, or they changed while being read)", tableNames(fw, kept), from))
	}
}

// addLegacy reads iptables-legacy's tables of one family, which only its
// own tool can list.
func addLegacy(run *toolRunner, fw *model.Firewall, f iptablesFamily, names []string) {
	in := f.family + " " + strings.Join(names, ", ")
	unread := func(note string) {
		fw.Notes = append(fw.Notes, note)
		fw.Unread = append(fw.Unread, in+" (iptables-legacy)")
	}
	path, err := exec.LookPath(f.legacy)
	if err != nil {
		unread(fmt.Sprintf("iptables-legacy tables are in use (%s), but %s is not installed (Debian: the iptables package): their rules are not shown", in, f.legacy))
		return
	}
	from := f.legacy + " -c"
	text, err := run.run(path)
	if err != nil {
		unread(fmt.Sprintf("iptables-legacy tables %s: %s failed: %v", in, from, err))
		return
	}
	saved, err := model.ParseIptablesSave(text, f.family, model.FwIptablesLegacy, from)
	if err != nil {
		unread(fmt.Sprintf("iptables-legacy tables %s: %v", in, err))
		return
	}
	fw.Tables = append(fw.Tables, saved.Tables...)
	fw.Notes = append(fw.Notes, fmt.Sprintf("%s: iptables-legacy tables, from %s run inside the namespace", in, from))
}
