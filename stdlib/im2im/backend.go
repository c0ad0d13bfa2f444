package im2im

import (
	"fmt"

	"github.com/gomlx/gomlx/backends"
	"github.com/im2im/im2im/ml/backend"
	"github.com/im2im/im2im/ml/backend/fast"
)

// newBackend returns the backend for a config value ("" = auto) and its name.
func newBackend(cfg string) (backends.Backend, string, error) {
	if cfg == "" {
		c := backend.Choose()
		if c.Config != backend.PureGo {
			b, _, err := backend.New()
			return b, c.Config, err
		}
		cfg = fast.Name
	}
	b, err := backends.NewWithConfig(cfg)
	if err != nil {
		return nil, cfg, fmt.Errorf("trainer.backend %q: %w", cfg, err)
	}
	return b, cfg, nil
}
