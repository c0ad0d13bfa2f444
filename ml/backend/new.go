package backend

import (
	"fmt"

	"github.com/gomlx/gomlx/backends"
	_ "github.com/gomlx/gomlx/backends/simplego" // registers the pure-Go backend "go"
	"github.com/gomlx/gomlx/backends/xla"
)

func init() {
	// Never let GoMLX download a PJRT plugin behind the user's back: we run offline and
	// choose the backend ourselves (see Choose).
	xla.EnableAutoInstall(false)
}

// New constructs the backend chosen by Choose and returns it with the choice made.
func New() (backends.Backend, Choice, error) {
	c := Choose()
	b, err := backends.NewWithConfig(c.Config)
	if err != nil {
		return nil, c, fmt.Errorf("backend %s: %w", c, err)
	}
	return b, c, nil
}
