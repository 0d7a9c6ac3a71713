package nsops

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"
)

// The doorway's rules, checked over every production .go file of the
// module with its types, as a linter would (CNI keeps its one namespace
// switch with a golangci rule): no thread changes network namespace
// outside nsops/doorway.go, every dump of the netlink library runs inside
// retried, and every dump lazyns sends itself goes through conn.dump —
// the two ways an interrupted dump is read again.

const doorwayFile = "nsops/doorway.go"

const (
	netlinkPkg = "github.com/vishvananda/netlink"
	nlPkg      = "github.com/vishvananda/netlink/nl"
	netnsPkg   = "github.com/vishvananda/netns"
)

// switchers move the calling thread to another network namespace, or make
// it a new one. The netlink library's do so through nl's executeInNetns,
// and unlock the thread even when switching back failed.
var switchers = map[string][]string{
	"golang.org/x/sys/unix": {"Setns", "Unshare", "SYS_SETNS", "SYS_UNSHARE"},
	"syscall":               {"Unshare", "SYS_UNSHARE"},
	netnsPkg:                {"Set", "Setns", "New", "NewNamed"},
	netlinkPkg:              {"NewHandleAt", "NewHandleAtFrom", "LinkSubscribeAt", "AddrSubscribeAt", "RouteSubscribeAt", "NeighSubscribeAt"},
	nlPkg:                   {"GetNetlinkSocketAt", "SubscribeAt"},
}

func TestOneDoorway(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	pkgs := loadModule(t, root)
	dumps := libraryDumps(t, root)
	for _, want := range []string{"AddrList", "LinkList", "RouteListFiltered", "RuleList", "NeighList", "LinkByName"} {
		if !dumps[want] {
			t.Errorf("the netlink library no longer documents %s as a dump that may be interrupted: is the list read right?", want)
		}
	}
	checkSwitchersExist(t, pkgs)

	r := checkDoorway(root, pkgs, dumps)
	for _, v := range r.violations {
		t.Error(v)
	}
	// The rules must have had something to look at.
	if r.doorwaySwitches == 0 {
		t.Errorf("no namespace switch found in %s: is the doorway elsewhere?", doorwayFile)
	}
	if r.retriedDumps == 0 {
		t.Error("no netlink library dump found inside retried: is the check blind?")
	}
	if r.connDumps == 0 {
		t.Error("no NLM_F_DUMP found in conn.dump: is the check blind?")
	}
}

// loadModule loads every package of the module at root, without tests,
// with syntax and types.
func loadModule(t *testing.T, root string) []*packages.Package {
	t.Helper()
	cfg := &packages.Config{
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedSyntax |
			packages.NeedTypes | packages.NeedTypesInfo | packages.NeedImports,
		Dir: root,
	}
	pkgs, err := packages.Load(cfg, "./...")
	if err != nil {
		t.Fatal(err)
	}
	if n := packages.PrintErrors(pkgs); n > 0 {
		t.Fatalf("%d errors loading the module", n)
	}
	if len(pkgs) < 5 {
		t.Fatalf("only %d packages in the module", len(pkgs))
	}
	return pkgs
}

// libraryDumps names the netlink library's functions and methods that may
// return ErrDumpInterrupted, as their documentation says.
func libraryDumps(t *testing.T, root string) map[string]bool {
	t.Helper()
	lib, err := packages.Load(&packages.Config{Mode: packages.NeedName | packages.NeedFiles, Dir: root}, netlinkPkg)
	if err != nil || len(lib) != 1 || len(lib[0].GoFiles) == 0 {
		t.Fatalf("load %s: %v", netlinkPkg, err)
	}
	dumps := map[string]bool{}
	fset := token.NewFileSet()
	for _, path := range lib[0].GoFiles {
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			if fn, ok := d.(*ast.FuncDecl); ok && fn.Name.IsExported() && fn.Doc != nil &&
				strings.Contains(fn.Doc.Text(), "ErrDumpInterrupted") {
				dumps[fn.Name.Name] = true
			}
		}
	}
	return dumps
}

// checkSwitchersExist fails when a name in switchers is not in its
// package: the list would be guarding nothing.
func checkSwitchersExist(t *testing.T, pkgs []*packages.Package) {
	t.Helper()
	seen := map[string]*types.Package{}
	for _, p := range pkgs {
		for _, imp := range p.Types.Imports() {
			seen[imp.Path()] = imp
		}
	}
	for path, names := range switchers {
		p := seen[path]
		if p == nil {
			continue // the module does not import it: nothing to guard
		}
		for _, name := range names {
			if p.Scope().Lookup(name) == nil {
				t.Errorf("%s.%s does not exist (any more): update switchers", path, name)
			}
		}
	}
}

type doorwayReport struct {
	violations                               []string
	doorwaySwitches, retriedDumps, connDumps int
}

func checkDoorway(root string, pkgs []*packages.Package, dumps map[string]bool) doorwayReport {
	var r doorwayReport
	for _, p := range pkgs {
		type fileRules struct {
			rel        string
			inRetried  func(token.Pos) bool
			inConnDump func(token.Pos) bool
		}
		files := map[*token.File]fileRules{}
		for _, f := range p.Syntax {
			tf := p.Fset.File(f.Pos())
			rel, _ := filepath.Rel(root, tf.Name())
			files[tf] = fileRules{filepath.ToSlash(rel), retriedBodies(p.TypesInfo, f), connDumpBody(p.TypesInfo, f)}
		}
		for id, obj := range p.TypesInfo.Uses {
			fr, ok := files[p.Fset.File(id.Pos())]
			if !ok || obj.Pkg() == nil {
				continue
			}
			at := fmt.Sprintf("%s:%d", fr.rel, p.Fset.Position(id.Pos()).Line)
			path, name := obj.Pkg().Path(), obj.Name()
			switch {
			case slices.Contains(switchers[path], name) && isPackageLevel(obj):
				if fr.rel == doorwayFile {
					r.doorwaySwitches++
					continue
				}
				r.violations = append(r.violations, fmt.Sprintf("%s: %s.%s moves a thread to another namespace outside %s: use heldNs.do or InNamespace",
					at, obj.Pkg().Name(), name, doorwayFile))
			case path == netlinkPkg && dumps[name] && isFunc(obj):
				if fr.inRetried(id.Pos()) {
					r.retriedDumps++
					continue
				}
				r.violations = append(r.violations, fmt.Sprintf("%s: netlink %s is a dump the kernel may interrupt: call it inside retried", at, name))
			case (path == "golang.org/x/sys/unix" || path == "syscall") && name == "NLM_F_DUMP":
				if fr.inConnDump(id.Pos()) {
					r.connDumps++
					continue
				}
				r.violations = append(r.violations, fmt.Sprintf("%s: a dump request sent outside conn.dump is not read again when interrupted", at))
			}
		}
	}
	slices.Sort(r.violations)
	return r
}

func isPackageLevel(obj types.Object) bool { return obj.Parent() == obj.Pkg().Scope() }

func isFunc(obj types.Object) bool {
	_, ok := obj.(*types.Func)
	return ok
}

// retriedBodies reports whether a position is inside a function literal
// passed to retried.
func retriedBodies(info *types.Info, f *ast.File) func(token.Pos) bool {
	var lits []ast.Node
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		fun := call.Fun
		if ix, ok := fun.(*ast.IndexExpr); ok {
			fun = ix.X
		}
		id, ok := fun.(*ast.Ident)
		if !ok || id.Name != "retried" {
			return true
		}
		if obj, ok := info.Uses[id].(*types.Func); !ok || obj.Pkg().Path() != "github.com/lazyns/lazyns/nsops" {
			return true
		}
		for _, a := range call.Args {
			if lit, ok := a.(*ast.FuncLit); ok {
				lits = append(lits, lit)
			}
		}
		return true
	})
	return func(pos token.Pos) bool { return within(lits, pos) }
}

// connDumpBody reports whether a position is inside the method (*conn).dump.
func connDumpBody(info *types.Info, f *ast.File) func(token.Pos) bool {
	var bodies []ast.Node
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Recv == nil || fn.Name.Name != "dump" || len(fn.Recv.List) != 1 {
			continue
		}
		if ptr, ok := info.TypeOf(fn.Recv.List[0].Type).(*types.Pointer); ok {
			if named, ok := ptr.Elem().(*types.Named); ok && named.Obj().Name() == "conn" {
				bodies = append(bodies, fn.Body)
			}
		}
	}
	return func(pos token.Pos) bool { return within(bodies, pos) }
}

func within(nodes []ast.Node, pos token.Pos) bool {
	for _, n := range nodes {
		if n.Pos() <= pos && pos < n.End() {
			return true
		}
	}
	return false
}
