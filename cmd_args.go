package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
)

// noArgs is cobra.NoArgs with a bad-input error (exit code 2).
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return badf("%s: unexpected argument %q (see %s --help)", cmd.CommandPath(), args[0], cmd.CommandPath())
	}
	return nil
}

// exactArgs is cobra.ExactArgs with a bad-input error (exit code 2) naming what
// the command's usage line expects.
func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return badf("%s: want %s, got %d (usage: %s)", cmd.CommandPath(), plural(n, "argument"), len(args), cmd.UseLine())
		}
		return nil
	}
}

// commandGroup makes cmd, which only holds subcommands, a usage error (exit code 2)
// when called with an unknown subcommand, and print its help when called alone.
// (Cobra would print the help and exit 0 for a group, and exit 1 for the root.)
func commandGroup(cmd *cobra.Command) *cobra.Command {
	cmd.Args = unknownCommand
	if cmd.SuggestionsMinimumDistance <= 0 {
		cmd.SuggestionsMinimumDistance = 2 // as cobra's own unknown-command error
	}
	cmd.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
	return cmd
}

// unknownCommand reports the first argument of a command group as an unknown
// command, with cobra's suggestions of similar names.
func unknownCommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	hint := ""
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		hint = fmt.Sprintf("; did you mean %q?", s[0])
		if len(s) > 1 {
			hint = fmt.Sprintf("; did you mean one of %q?", s)
		}
	}
	return badf("unknown command %q for %q%s (see %s --help)", args[0], cmd.CommandPath(), hint, cmd.CommandPath())
}

// parseInts reads "32,128,128".
func parseInts(s string) ([]int, error) {
	var out []int
	for _, p := range strings.Split(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil {
			return nil, fmt.Errorf("%q is not a comma-separated list of integers", s)
		}
		out = append(out, v)
	}
	return out, nil
}
