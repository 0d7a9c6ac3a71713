package tui

// scroller is a cursor over n rows of which height are visible from
// offset. Every pane that lists things moves with one.
type scroller struct {
	cursor, offset, n, height int
}

// set changes the number of rows and the visible height, keeping the
// cursor in range and on screen.
func (s *scroller) set(n, height int) {
	s.n, s.height = n, max(1, height)
	s.to(s.cursor)
}

// to puts the cursor on row i (clamped) and scrolls just enough to show it.
func (s *scroller) to(i int) {
	s.cursor = min(max(i, 0), max(s.n-1, 0))
	if s.cursor < s.offset {
		s.offset = s.cursor
	}
	if s.cursor >= s.offset+s.height {
		s.offset = s.cursor - s.height + 1
	}
	s.offset = min(max(s.offset, 0), max(s.n-s.height, 0))
}

func (s *scroller) move(d int) { s.to(s.cursor + d) }
func (s *scroller) page(d int) { s.to(s.cursor + d*max(1, s.height-1)) }

// scroll moves the view by d rows without moving the cursor off screen,
// as a mouse wheel does.
func (s *scroller) scroll(d int) {
	s.offset = min(max(s.offset+d, 0), max(s.n-s.height, 0))
	s.cursor = min(max(s.cursor, s.offset), s.offset+s.height-1)
	s.cursor = min(s.cursor, max(s.n-1, 0))
}

// visible returns the range of rows on screen.
func (s *scroller) visible() (from, to int) {
	return s.offset, min(s.n, s.offset+s.height)
}

// applyMove handles the movement actions common to every pane.
func (s *scroller) applyMove(action string) bool {
	switch action {
	case ActUp:
		s.move(-1)
	case ActDown:
		s.move(1)
	case ActPageUp:
		s.page(-1)
	case ActPageDown:
		s.page(1)
	case ActTop:
		s.to(0)
	case ActBottom:
		s.to(s.n - 1)
	default:
		return false
	}
	return true
}
