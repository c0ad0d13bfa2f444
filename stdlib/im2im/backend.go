package im2im

import (
	"fmt"

	"github.com/gomlx/gomlx/backends"
	"github.com/im2im/im2im/ml/backend"
)

// newBackend returns the backend for a config value ("" = auto: backend.Choose) and its name.
func newBackend(cfg string) (backends.Backend, string, error) {
	if cfg == "" {
		b, c, err := backend.New()
		return b, c.Config, err
	}
	b, err := backends.NewWithConfig(cfg)
	if err != nil {
		return nil, cfg, fmt.Errorf("trainer.backend %q: %w", cfg, err)
	}
	return b, cfg, nil
}
