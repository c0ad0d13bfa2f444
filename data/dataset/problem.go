package dataset

import "errors"

// ProblemError marks an error as a problem of the data on disk that its owner
// must fix: a missing or empty folder, unreadable, damaged or unsupported image
// files, files that match no subject, shapes that contradict the declared dims
// or each other. Discover, Check, CheckFiles, Open and Load return their errors
// as *ProblemError, so that callers (the command line's exit code 2) can tell
// bad data from a failure of the work with errors.As.
type ProblemError struct {
	Err error
}

// Error returns the wrapped error's message.
func (e *ProblemError) Error() string { return e.Err.Error() }

// Unwrap returns the wrapped error.
func (e *ProblemError) Unwrap() error { return e.Err }

// problem wraps err as a *ProblemError; nil stays nil and an error that already
// is one is returned as it is.
func problem(err error) error {
	var pe *ProblemError
	if err == nil || errors.As(err, &pe) {
		return err
	}
	return &ProblemError{Err: err}
}

// IsProblem reports whether err (or an error it wraps) is a *ProblemError.
func IsProblem(err error) bool {
	var pe *ProblemError
	return errors.As(err, &pe)
}
