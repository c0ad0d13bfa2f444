package main

import (
	"errors"
	"fmt"
	"io/fs"
	"syscall"

	"github.com/im2im/im2im/data/dataset"
	"github.com/im2im/im2im/stdlib/im2im"
)

// Exit codes of im2im (README "Other commands"): 0 done, 1 the work failed,
// 2 bad input (flags, arguments, files, configs).
const (
	exitFailed   = 1
	exitBadInput = 2
)

// exitError carries a process exit code through cobra's error return.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// badInput marks err as bad input: exit code 2. A nil err stays nil.
func badInput(err error) error {
	if err == nil {
		return nil
	}
	return &exitError{code: exitBadInput, err: err}
}

// badf is badInput of a formatted error (fmt.Errorf, so %w wraps).
func badf(format string, a ...any) error {
	return badInput(fmt.Errorf(format, a...))
}

// failed marks err as a failure of the work itself: exit code 1. A nil err stays nil.
func failed(err error) error {
	if err == nil {
		return nil
	}
	return &exitError{code: exitFailed, err: err}
}

// badIfInvalid returns err as bad input when it is an im2im.ValidationError (a
// config or input problem found before the work began) or a
// dataset.ProblemError (missing, unreadable or mismatched data files), else
// unchanged.
func badIfInvalid(err error) error {
	var ve *im2im.ValidationError
	if errors.As(err, &ve) || dataset.IsProblem(err) {
		return badInput(err)
	}
	return err
}

// badIfPath returns err as bad input when it says that a path the user gave
// cannot be used (missing, not a folder, a folder, not allowed, taken), else
// as a failure: a full disk is not the user's argument.
func badIfPath(err error) error {
	for _, e := range []error{fs.ErrNotExist, fs.ErrPermission, fs.ErrExist, syscall.ENOTDIR, syscall.EISDIR, syscall.EROFS} {
		if errors.Is(err, e) {
			return badInput(err)
		}
	}
	return failed(err)
}

// exitCode is the process exit code for a command's error: 0 for nil, the code an
// exitError carries, else 1.
func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	var ce childExit
	if errors.As(err, &ce) {
		return int(ce)
	}
	return exitFailed
}
