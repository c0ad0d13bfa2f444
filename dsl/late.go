package dsl

// Late output: text a goroutine writes after the cell that started it finished.
// By default the fd capture ends with each cell and such text goes to the
// process's own stdout/stderr. A session with KeepLateOutput keeps fd 1 and 2
// redirected between cells: what is written while a cell runs goes to that cell
// (whichever cell started the writer), and what is written while none runs is
// kept and goes to the next cell's sink, before that cell's own output.

// lateLimit bounds the late output kept between cells; older text is dropped.
const lateLimit = 1 << 20

// lateText is output written while no cell ran.
type lateText struct{ stream, text string }

// KeepLateOutput makes the session capture fd 1 and 2 for its whole life (until
// Close), so that output written between cells reaches the next cell. It is for
// processes whose own standard output does not matter, like the kernel (which
// logs to RealStderr). Where fd capture is not supported it does nothing.
func (s *Session) KeepLateOutput() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !captureSupported || s.between != nil {
		return nil
	}
	c, err := startCapture(s.route)
	if err != nil {
		return err
	}
	s.between = c
	return nil
}

// Close ends what KeepLateOutput started, restoring fd 1 and 2.
func (s *Session) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.between != nil {
		s.between.stop()
		s.between = nil
	}
}

// route delivers captured output to the running cell's sink, or keeps it for the
// next cell.
func (s *Session) route(stream, text string) {
	s.sinkMu.Lock()
	sink := s.sink
	if sink == nil {
		s.late = append(s.late, lateText{stream, text})
		s.lateBytes += len(text)
		for s.lateBytes > lateLimit && len(s.late) > 1 {
			s.lateBytes -= len(s.late[0].text)
			s.late = s.late[1:]
			s.lateDropped = true
		}
	}
	s.sinkMu.Unlock()
	if sink != nil {
		sink.Stream(stream, text)
	}
}

// deliverLate sends the output kept between cells to sink; s.sinkMu is held.
func (s *Session) deliverLate(sink Sink) {
	if len(s.late) == 0 {
		return
	}
	if s.lateDropped {
		sink.Stream("stderr", "[earlier output written between cells was dropped: over 1 MiB]\n")
	}
	for _, l := range s.late {
		sink.Stream(l.stream, l.text)
	}
	s.late, s.lateBytes, s.lateDropped = nil, 0, false
}
