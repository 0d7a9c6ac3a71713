package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// Every command is in the one list commands() returns, and nothing in this
// package registers itself from an init function: what the binary can do
// is read in one place.
func TestCommandsInOneList(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	listed := map[string]bool{}
	var constructors []string
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv != nil {
				continue
			}
			switch {
			case fn.Name.Name == "init":
				t.Errorf("%s: func init: register what it sets up explicitly (commands() in main.go)", fset.Position(fn.Pos()))
			case fn.Name.Name == "commands":
				ast.Inspect(fn.Body, func(n ast.Node) bool {
					if call, ok := n.(*ast.CallExpr); ok {
						if id, ok := call.Fun.(*ast.Ident); ok {
							listed[id.Name] = true
						}
					}
					return true
				})
			case strings.HasPrefix(fn.Name.Name, "new") && strings.HasSuffix(fn.Name.Name, "Cmd") && len(fn.Type.Params.List) == 1:
				// A subcommand's constructor takes more (newLabUpCmd(a, lf)).
				constructors = append(constructors, fn.Name.Name)
			}
		}
	}
	if len(constructors) < 10 {
		t.Fatalf("found only %d command constructors: %v", len(constructors), constructors)
	}
	for _, c := range constructors {
		if !listed[c] {
			t.Errorf("%s is not in commands() (main.go)", c)
		}
	}
	root := newRoot(&app{})
	if got := len(root.Commands()); got != len(constructors) {
		t.Errorf("the root has %d commands, %d constructors are listed", got, len(constructors))
	}
}
