package nstest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// NetnsDir makes a netns directory of the test's own, readable by every
// user (setpriv runs lazyns as nobody on it), and removes it at the end.
// Named namespaces come first in lazyns's lists, after the host: given
// --netns-dir NetnsDir, the test's own are the only named ones, whatever
// other tests have under /run/netns. The directory is a private mount of
// itself, so a namespace bound in it is not copied into other mount
// namespaces (/tmp is usually under a shared mount).
func NetnsDir(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "lazyns-netns-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	Sh(t, "mount --bind "+dir+" "+dir+" && mount --make-private "+dir)
	t.Cleanup(func() { _ = exec.Command("umount", "-l", dir).Run() })
	return dir
}

// NetnsIn makes a namespace named name in dir (a NetnsDir), held by its
// bind mount there, and returns its path; it is removed at the end.
func NetnsIn(t testing.TB, dir, name string) string {
	t.Helper()
	RequireTool(t, "unshare")
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, nil, 0o444); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = exec.Command("umount", "-l", path).Run()
		os.Remove(path)
	})
	// unshare binds the new namespace onto path and exits: the mount holds it.
	if out, err := exec.Command("unshare", "--net="+path, "true").CombinedOutput(); err != nil {
		t.Fatalf("unshare --net=%s: %v\n%s", path, err, out)
	}
	return path
}
