package model

import "strconv"

// jsonWriter streams JSON into a byte slice with no intermediate values:
// show --json on a thousand namespaces writes hundreds of thousands of
// fields, and boxing each one in an interface cost more than reading them
// from the kernel.
type jsonWriter struct {
	b     []byte
	comma []bool // per open object or array: whether a separator is due
}

func (w *jsonWriter) sep() {
	if n := len(w.comma); n > 0 {
		if w.comma[n-1] {
			w.b = append(w.b, ',')
		}
		w.comma[n-1] = true
	}
}

func (w *jsonWriter) key(k string) {
	w.sep()
	w.b = AppendJSONString(w.b, k)
	w.b = append(w.b, ':')
	// the value that follows must not add a separator of its own
	w.comma = append(w.comma, false)
}

func (w *jsonWriter) valueDone() { w.comma = w.comma[:len(w.comma)-1] }

func (w *jsonWriter) beginObject(k string) {
	if k != "" {
		w.key(k)
		w.valueDone()
	} else {
		w.sep()
	}
	w.b = append(w.b, '{')
	w.comma = append(w.comma, false)
}

func (w *jsonWriter) beginArray(k string) {
	if k != "" {
		w.key(k)
		w.valueDone()
	} else {
		w.sep()
	}
	w.b = append(w.b, '[')
	w.comma = append(w.comma, false)
}

func (w *jsonWriter) endObject() { w.comma = w.comma[:len(w.comma)-1]; w.b = append(w.b, '}') }
func (w *jsonWriter) endArray()  { w.comma = w.comma[:len(w.comma)-1]; w.b = append(w.b, ']') }

func (w *jsonWriter) str(k, v string) {
	w.key(k)
	w.b = AppendJSONString(w.b, v)
	w.valueDone()
}

func (w *jsonWriter) int(k string, v int64) {
	w.key(k)
	w.b = strconv.AppendInt(w.b, v, 10)
	w.valueDone()
}

func (w *jsonWriter) uint(k string, v uint64) {
	w.key(k)
	w.b = strconv.AppendUint(w.b, v, 10)
	w.valueDone()
}

func (w *jsonWriter) bool(k string, v bool) {
	w.key(k)
	w.b = strconv.AppendBool(w.b, v)
	w.valueDone()
}

// null writes "k": null, ip -j's form for a flag without a value.
func (w *jsonWriter) null(k string) {
	w.key(k)
	w.b = append(w.b, "null"...)
	w.valueDone()
}

func (w *jsonWriter) strs(k string, list []string) {
	w.beginArray(k)
	for _, s := range list {
		w.sep()
		w.b = AppendJSONString(w.b, s)
	}
	w.endArray()
}

func (w *jsonWriter) ints(k string, list []int) {
	w.beginArray(k)
	for _, n := range list {
		w.sep()
		w.b = strconv.AppendInt(w.b, int64(n), 10)
	}
	w.endArray()
}
