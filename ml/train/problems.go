package train

import (
	"fmt"
	"strings"
)

// Problem is one configuration problem: the path of the setting in the config
// (trainer.optimizer.lr, model.net.features, data.patch.size[1]) and what is
// wrong with it.
type Problem struct {
	Path    string
	Message string
}

// String renders the problem as "path: message" (the message alone without a path).
func (p Problem) String() string {
	if p.Path == "" {
		return p.Message
	}
	return p.Path + ": " + p.Message
}

// Problems lists every problem of a configuration; as an error it is a header
// line and one indented line per problem. A nil or empty list means valid: use
// Err to return it as an error.
type Problems []Problem

// Add appends a problem at path.
func (ps *Problems) Add(path, format string, args ...any) {
	*ps = append(*ps, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
}

// Error implements error.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return fmt.Sprintf("invalid configuration (%d problem(s)):\n  %s", len(ps), strings.Join(lines, "\n  "))
}

// Err returns the list as an error, or nil when it is empty.
func (ps Problems) Err() error {
	if len(ps) == 0 {
		return nil
	}
	return ps
}
