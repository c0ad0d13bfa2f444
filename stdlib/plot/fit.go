package plot

// minPanelSide is the smallest longest side a panel is shrunk to so that a row
// fits maxWidth; rows of more panels than that allows stay wider.
const minPanelSide = 96

// rowWidth is the width in pixels of a row of shown panels with its gaps.
func rowWidth(shown []*shownPanel) int {
	w := gap
	for _, sp := range shown {
		w += sp.width() + gap
	}
	return w
}

// fitRow shrinks the pictures of a row wider than maxWidth until it fits (or
// its panels reach minPanelSide); titles, colour bars and gaps keep their size.
func fitRow(shown []*shownPanel) {
	w := rowWidth(shown)
	if w <= maxWidth {
		return
	}
	pictures := 0
	for _, sp := range shown {
		pictures += sp.w
	}
	fixed := w - pictures
	side := max(minPanelSide, panelSide*(maxWidth-fixed)/max(1, pictures))
	for {
		for _, sp := range shown {
			sp.size(side, true)
		}
		if rowWidth(shown) <= maxWidth || side <= minPanelSide {
			return
		}
		side--
	}
}
