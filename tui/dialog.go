package tui

import (
	"strings"
	"unicode/utf8"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/clipperhouse/displaywidth"
	"github.com/lazyns/lazyns/model"
)

// Field is one input of a Dialog: free text, or one of a few choices.
type Field struct {
	Name  string // the key of its value in Submit's map
	Label string
	// Choices make it a choice field, changed with ←/→ or space; typing
	// jumps to the first choice containing what was typed, so one of a
	// thousand namespaces is a few letters away.
	Choices []string
	choice  int
	search  string
	input   textinput.Model
}

// TextField is a text input with a placeholder and a starting value.
func TextField(name, label, placeholder, value string) Field {
	in := textinput.New()
	in.Prompt = ""
	in.Placeholder = placeholder
	in.SetVirtualCursor(false)
	in.SetValue(value)
	return Field{Name: name, Label: label, input: in}
}

// ChoiceField picks one of choices, starting at selected.
func ChoiceField(name, label string, choices []string, selected int) Field {
	return Field{Name: name, Label: label, Choices: choices, choice: min(max(selected, 0), max(len(choices)-1, 0))}
}

// Value is what the field holds now.
func (f *Field) Value() string {
	if f.Choices != nil {
		if len(f.Choices) == 0 {
			return ""
		}
		return f.Choices[f.choice]
	}
	return f.input.Value()
}

// Dialog is a small modal form over the screen: enter submits, esc
// cancels, tab moves between fields. A Submit error is shown in the dialog,
// which stays open, so a wrong value is explained before anything touches
// the kernel.
type Dialog struct {
	Title string
	// Text is shown above the fields: a question, or what will be done.
	Text   string
	Fields []Field
	// Submit gets the values by field name. nil error closes the dialog and
	// runs the returned command.
	Submit func(values map[string]string) (tea.Cmd, error)

	focus   int
	err     string
	confirm bool
	width   int  // inside the frame
	done    bool // submitted or cancelled: the root closes it
}

// NewDialog makes a form.
func NewDialog(title string, submit func(map[string]string) (tea.Cmd, error), fields ...Field) *Dialog {
	return &Dialog{Title: title, Fields: fields, Submit: submit}
}

// NewConfirm asks a yes/no question; y or enter runs yes.
func NewConfirm(title, question string, yes func() tea.Cmd) *Dialog {
	return &Dialog{Title: title, Text: question, confirm: true,
		Submit: func(map[string]string) (tea.Cmd, error) { return yes(), nil }}
}

// SetError shows err in the dialog (for checks made outside Submit).
func (d *Dialog) SetError(err error) {
	d.err = ""
	if err != nil {
		d.err = model.Visible(err.Error())
	}
}

func (d *Dialog) focusField(i int) tea.Cmd {
	if len(d.Fields) == 0 {
		return nil
	}
	d.focus = (i + len(d.Fields)) % len(d.Fields)
	var cmd tea.Cmd
	for j := range d.Fields {
		f := &d.Fields[j]
		if f.Choices != nil {
			continue
		}
		if j == d.focus {
			cmd = f.input.Focus()
		} else {
			f.input.Blur()
		}
	}
	return cmd
}

func (d *Dialog) values() map[string]string {
	v := make(map[string]string, len(d.Fields))
	for i := range d.Fields {
		v[d.Fields[i].Name] = d.Fields[i].Value()
	}
	return v
}

// formKeys are a form's keys; the others go to the focused field.
func formKeys() []binding[*Dialog] {
	return []binding[*Dialog]{
		{keys: []string{"enter"}, help: "confirm", tail: true, run: (*Dialog).submit},
		{keys: []string{"tab", "down"}, help: "next field", tail: true,
			run: func(d *Dialog) tea.Cmd { return d.focusField(d.focus + 1) }},
		{keys: []string{"shift+tab", "up"}, help: "previous field",
			run: func(d *Dialog) tea.Cmd { return d.focusField(d.focus - 1) }},
		{keys: []string{"esc"}, help: "cancel", tail: true, run: (*Dialog).cancel},
	}
}

// confirmKeys are a yes/no question's keys: a form's, and y and n.
func confirmKeys() []binding[*Dialog] {
	return append([]binding[*Dialog]{
		{keys: []string{"y"}, help: "yes", run: (*Dialog).submit},
		{keys: []string{"n", "q"}, help: "no", run: (*Dialog).cancel},
	}, formKeys()...)
}

func (d *Dialog) table() []binding[*Dialog] {
	if d.confirm {
		return confirmKeys()
	}
	return formKeys()
}

func (d *Dialog) cancel() tea.Cmd {
	d.done = true
	return nil
}

// submit hands the values to Submit: an error stays in the dialog,
// anything else closes it and runs what Submit returned.
func (d *Dialog) submit() tea.Cmd {
	cmd, err := d.Submit(d.values())
	if err != nil {
		d.SetError(err)
		return nil
	}
	d.done = true
	return cmd
}

// key is a key pressed in the dialog.
func (d *Dialog) key(msg tea.KeyPressMsg) tea.Cmd {
	if cmd, ok := dispatch(d.table(), d, msg.String(), nil); ok {
		return cmd
	}
	if len(d.Fields) == 0 {
		return nil
	}
	f := &d.Fields[d.focus]
	if f.Choices != nil {
		f.choiceKey(msg)
		return nil
	}
	var cmd tea.Cmd
	f.input, cmd = f.input.Update(msg)
	d.err = ""
	return cmd
}

func (f *Field) choiceKey(msg tea.KeyPressMsg) {
	n := max(1, len(f.Choices))
	switch s := msg.String(); {
	case s == "left":
		f.choice, f.search = (f.choice+n-1)%n, ""
	case s == "right" || s == "space":
		f.choice, f.search = (f.choice+1)%n, ""
	case s == "ctrl+u":
		f.search = ""
	case s == "backspace":
		if f.search != "" {
			_, size := utf8.DecodeLastRuneInString(f.search)
			f.search = f.search[:len(f.search)-size]
			f.seek()
		}
	case msg.Text != "" && msg.Mod&^tea.ModShift == 0:
		f.search += msg.Text
		f.seek()
	}
}

// seek moves to the first choice that starts with the search, else the
// first that contains it (case-insensitive); no match keeps the choice.
func (f *Field) seek() {
	if f.search == "" {
		return
	}
	want := strings.ToLower(f.search)
	contains := -1
	for i, c := range f.Choices {
		c = strings.ToLower(c)
		if strings.HasPrefix(c, want) {
			f.choice = i
			return
		}
		if contains < 0 && strings.Contains(c, want) {
			contains = i
		}
	}
	if contains >= 0 {
		f.choice = contains
	}
}

// update passes other messages (paste, blink) to the focused input.
func (d *Dialog) update(msg tea.Msg) tea.Cmd {
	if len(d.Fields) == 0 || d.Fields[d.focus].Choices != nil {
		return nil
	}
	var cmd tea.Cmd
	d.Fields[d.focus].input, cmd = d.Fields[d.focus].input.Update(msg)
	return cmd
}

// setSize fits the dialog to a screen width wide: the width inside its
// frame, and its text inputs to that.
func (d *Dialog) setSize(width int) {
	d.width = max(20, min(64, width-8))
	lw := d.labelWidth()
	for i := range d.Fields {
		d.Fields[i].input.SetWidth(max(4, d.width-lw-3))
	}
}

func (d *Dialog) labelWidth() int {
	w := 0
	for _, f := range d.Fields {
		w = max(w, displaywidth.String(f.Label))
	}
	return w
}

// lines is the content inside the frame, and which line holds the focused
// field.
func (d *Dialog) lines(st *Styles) ([]string, int) {
	w := d.width
	out := []string{st.DialogHead.Render(cut(d.Title, w))}
	if d.Text != "" {
		out = append(out, strings.Split(ansi.Wrap(d.Text, w, " "), "\n")...)
	}
	out = append(out, "")
	lw := d.labelWidth()
	focusLine := -1
	for i := range d.Fields {
		f := &d.Fields[i]
		label := st.Label.Render(f.Label + strings.Repeat(" ", lw-displaywidth.String(f.Label)) + "  ")
		if i == d.focus {
			focusLine = len(out)
		}
		if f.Choices != nil {
			var cs []string
			for j, c := range f.Choices {
				if j == f.choice {
					style := st.Cursor
					if i == d.focus {
						style = st.Selected
					}
					cs = append(cs, style.Render("‹"+model.Visible(c)+"›"))
				} else {
					cs = append(cs, " "+model.Visible(c)+" ")
				}
			}
			if f.search != "" {
				label += st.Label.Render("/" + model.Visible(f.search) + " ")
			}
			cs = windowChoices(cs, f.choice, w-displaywidth.String(ansi.Strip(label)))
			out = append(out, fit(label+strings.Join(cs, ""), w))
			continue
		}
		out = append(out, fit(label+f.input.View(), w))
	}
	if len(d.Fields) > 0 {
		out = append(out, "")
	}
	if d.err != "" {
		for _, l := range strings.Split(ansi.Wrap(d.err, w, " "), "\n") {
			out = append(out, st.StatusErr.Render(l))
		}
	}
	hint := "enter confirm · esc cancel"
	if d.confirm {
		hint = "y/enter yes · n/esc no"
	} else if len(d.Fields) > 1 {
		hint = "enter confirm · tab next field · esc cancel"
	}
	out = append(out, st.Label.Render(cut(hint, w)))
	for i := range out {
		out[i] = fit(out[i], w)
	}
	return out, focusLine
}

// windowChoices drops choices from the front, marked by "…", until the
// chosen one fits in width: with many namespaces to choose from, the
// choice must stay in sight.
func windowChoices(cs []string, chosen, width int) []string {
	from, w := 0, 0
	for _, c := range cs[:chosen+1] {
		w += ansi.StringWidth(c)
	}
	for from < chosen && w+1 > width {
		w -= ansi.StringWidth(cs[from])
		from++
	}
	if from == 0 {
		return cs
	}
	return append([]string{"…"}, cs[from:]...)
}

func (d *Dialog) render(st *Styles) string {
	lines, _ := d.lines(st)
	return st.Dialog.Render(strings.Join(lines, "\n"))
}

// cursor places the terminal cursor in the focused text field, where
// overlay puts the dialog over a body of l on a screen width wide.
func (d *Dialog) cursor(st *Styles, l layout, width int) *tea.Cursor {
	if len(d.Fields) == 0 || d.Fields[d.focus].Choices != nil {
		return nil
	}
	lines, focusLine := d.lines(st)
	box := st.Dialog.Render(strings.Join(lines, "\n"))
	bw, bh := ansi.StringWidth(strings.SplitN(box, "\n", 2)[0]), strings.Count(box, "\n")+1
	x := max(0, (width-bw)/2) + 2 + d.labelWidth() + 2
	y := l.bodyY + max(0, (l.bodyH-bh)/2) + 1 + focusLine
	c := d.Fields[d.focus].input.Cursor()
	if c == nil {
		return nil
	}
	c.X += x
	c.Y += y
	return c
}
