package tui

import (
	"image/color"

	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"
	"github.com/lazyns/lazyns/model"
)

// Styles are every style the UI uses, by meaning. Nothing else in the
// package names a colour. Colours are the terminal's own 16 where ip -c uses
// them (so they follow the user's palette on dark and light backgrounds);
// accents pick a shade for the background.
type Styles struct {
	Header     lipgloss.Style // the top line
	HeaderName lipgloss.Style
	ReadOnly   lipgloss.Style // the READ-ONLY badge
	PaneTitle  lipgloss.Style
	Separator  lipgloss.Style
	Selected   lipgloss.Style // the cursor row of the focused pane
	Cursor     lipgloss.Style // the cursor row of the other pane
	TabActive  lipgloss.Style
	Tab        lipgloss.Style
	DetailName lipgloss.Style
	Status     lipgloss.Style
	StatusErr  lipgloss.Style
	StatusOK   lipgloss.Style
	Dialog     lipgloss.Style // the frame of a modal dialog
	DialogHead lipgloss.Style
	Label      lipgloss.Style
	Help       help.Styles

	roles [model.RoleHeader + 1]lipgloss.Style
	// moved and alarm paint the UI's own roles (roleMoved, roleAlarm).
	moved, alarm lipgloss.Style
}

// The UI's own roles, beside model's, for counters: Paint knows them.
const (
	// roleMoved is a counter that moved since the last reading.
	roleMoved model.Role = 1001 + iota
	// roleAlarm is what must catch the eye: drops or errors counted since
	// the last reading, a link receiving and sending nothing back.
	roleAlarm
)

// NewStyles builds the styles for a terminal with a dark or light
// background; noColor keeps only bold, faint and reverse, which NO_COLOR
// allows. colors, by model.RoleNames name, replace the colours of ip -c; "" is
// the terminal's own colour.
func NewStyles(noColor, dark bool, colors map[string]string) Styles {
	s := Styles{
		Header:     lipgloss.NewStyle().Bold(true),
		HeaderName: lipgloss.NewStyle().Bold(true),
		ReadOnly:   lipgloss.NewStyle().Bold(true).Reverse(true),
		PaneTitle:  lipgloss.NewStyle().Bold(true),
		Separator:  lipgloss.NewStyle().Faint(true),
		Selected:   lipgloss.NewStyle().Reverse(true),
		Cursor:     lipgloss.NewStyle().Underline(true),
		TabActive:  lipgloss.NewStyle().Bold(true).Reverse(true),
		Tab:        lipgloss.NewStyle().Faint(true),
		DetailName: lipgloss.NewStyle().Bold(true),
		Status:     lipgloss.NewStyle(),
		StatusErr:  lipgloss.NewStyle().Bold(true),
		StatusOK:   lipgloss.NewStyle(),
		Dialog:     lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).Padding(0, 1),
		DialogHead: lipgloss.NewStyle().Bold(true),
		Label:      lipgloss.NewStyle().Faint(true),
	}
	plain := lipgloss.NewStyle()
	for i := range s.roles {
		s.roles[i] = plain
	}
	s.roles[model.RoleName] = plain.Bold(true)
	s.roles[model.RoleHeader] = plain.Bold(true)
	s.roles[model.RoleDim] = plain.Faint(true)
	s.roles[model.RoleWarn] = plain.Bold(true)
	s.moved = plain.Bold(true)
	s.alarm = plain.Bold(true).Reverse(true)
	s.Help = help.Styles{
		ShortKey: plain.Bold(true), ShortDesc: plain, ShortSeparator: plain.Faint(true),
		FullKey: plain.Bold(true), FullDesc: plain, FullSeparator: plain.Faint(true),
		Ellipsis: plain.Faint(true),
	}
	if noColor {
		return s
	}

	pick := lipgloss.LightDark(dark)
	accent := pick(lipgloss.Color("#005f87"), lipgloss.Color("#5fafff"))
	selBg := pick(lipgloss.Color("#d0e4f5"), lipgloss.Color("#264f78"))
	selFg := pick(lipgloss.Color("#000000"), lipgloss.Color("#ffffff"))
	ansi := func(n int) color.Color { return lipgloss.ANSIColor(uint8(n)) }

	s.HeaderName = s.HeaderName.Foreground(accent)
	s.ReadOnly = lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("#ffffff")).Background(ansi(1))
	s.PaneTitle = s.PaneTitle.Foreground(accent)
	s.Selected = lipgloss.NewStyle().Background(selBg).Foreground(selFg)
	s.Cursor = lipgloss.NewStyle().Background(pick(lipgloss.Color("#e8e8e8"), lipgloss.Color("#303030")))
	s.TabActive = lipgloss.NewStyle().Bold(true).Foreground(selFg).Background(selBg)
	s.DetailName = s.DetailName.Foreground(accent)
	s.StatusErr = s.StatusErr.Foreground(ansi(1))
	s.StatusOK = s.StatusOK.Foreground(ansi(2))
	s.Dialog = s.Dialog.BorderForeground(accent)
	s.DialogHead = s.DialogHead.Foreground(accent)
	s.Help.ShortKey = s.Help.ShortKey.Foreground(accent)
	s.Help.FullKey = s.Help.FullKey.Foreground(accent)

	// The colours of ip -c (iproute2 lib/color.c).
	s.roles[model.RoleIfname] = plain.Foreground(ansi(6))
	s.roles[model.RoleUp] = plain.Foreground(ansi(2))
	s.roles[model.RoleDown] = plain.Foreground(ansi(1))
	s.roles[model.RoleMAC] = plain.Foreground(ansi(3))
	s.roles[model.RoleInet] = plain.Foreground(ansi(5))
	s.roles[model.RoleInet6] = plain.Foreground(ansi(4))
	s.roles[model.RoleWarn] = plain.Bold(true).Foreground(ansi(1))
	s.moved = s.moved.Foreground(accent)
	s.alarm = plain.Bold(true).Foreground(lipgloss.Color("#ffffff")).Background(ansi(1))
	for name, c := range colors {
		r, ok := model.RoleNames[name]
		if !ok {
			continue
		}
		if c == "" {
			s.roles[r] = s.roles[r].UnsetForeground()
		} else {
			s.roles[r] = s.roles[r].Foreground(lipgloss.Color(c))
		}
	}
	return s
}

// Paint is a model.Paint that colours text by its role.
func (s *Styles) Paint(r model.Role, text string) string {
	switch {
	case text == "":
		return text
	case r == roleMoved:
		return s.moved.Render(text)
	case r == roleAlarm:
		return s.alarm.Render(text)
	case int(r) >= len(s.roles):
		return text
	}
	return s.roles[r].Render(text)
}
