package nsops

import (
	"bytes"
	"encoding/binary"
	"reflect"
	"strings"
	"testing"

	"github.com/lazyns/lazyns/model"
	"github.com/vishvananda/netlink"
)

// parseStats64 reads every counter the netlink library knows into the
// field of the same name, and the two it does not know (rx_nohandler,
// rx_otherhost_dropped, later additions to the struct) after them; a
// shorter struct from an older kernel leaves the missing counters 0.
func TestParseStats64(t *testing.T) {
	var lib netlink.LinkStatistics64
	lv := reflect.ValueOf(&lib).Elem()
	for i := range lv.NumField() {
		lv.Field(i).SetUint(uint64(1000 + i))
	}
	var buf bytes.Buffer
	if err := binary.Write(&buf, native, &lib); err != nil {
		t.Fatal(err)
	}
	libLen := buf.Len()
	_ = binary.Write(&buf, native, []uint64{7001, 7002})

	got := parseStats64(buf.Bytes())
	gv := reflect.ValueOf(got).Elem()
	for i := range lv.NumField() {
		name := lv.Type().Field(i).Name
		f := gv.FieldByNameFunc(func(n string) bool { return strings.EqualFold(n, name) })
		if !f.IsValid() {
			t.Fatalf("model.LinkStats has no counter %s", name)
		}
		if f.Uint() != lv.Field(i).Uint() {
			t.Errorf("%s = %d, want %d", name, f.Uint(), lv.Field(i).Uint())
		}
	}
	if got.RxNoHandler != 7001 || got.RxOtherhostDropped != 7002 {
		t.Errorf("rx_nohandler %d, rx_otherhost_dropped %d; want 7001, 7002", got.RxNoHandler, got.RxOtherhostDropped)
	}

	old := parseStats64(buf.Bytes()[:libLen])
	if old.RxCompressed != got.RxCompressed || old.TxCompressed != got.TxCompressed {
		t.Errorf("a short struct lost counters it has: %+v", old)
	}
	if *old == (model.LinkStats{}) || old.RxNoHandler != 0 || old.RxOtherhostDropped != 0 {
		t.Errorf("a short struct: %+v, want the counters it has and 0 for the rest", old)
	}
}
