package main

import (
	"fmt"
	"strings"
)

// dottedArgs is a command line of named options plus pyrallis-style dotted
// config overrides (--data.patch.size=32,128,128 or --data.patch.size 32,128,128).
type dottedArgs struct {
	named     map[string]string
	overrides []string
	help      bool
}

// parseDotted splits args: names lists the command's own options (long names;
// "config" also answers to -c); anything else of the form --a.b[=v] is an override.
func parseDotted(args []string, names ...string) (dottedArgs, error) {
	return parseDottedSwitches(args, nil, names...)
}

// parseDottedSwitches is parseDotted with switches: options that take no value
// (--zstd; --zstd=false also works), recorded in named as "true" or the value.
func parseDottedSwitches(args []string, switches []string, names ...string) (dottedArgs, error) {
	out := dottedArgs{named: map[string]string{}}
	own := map[string]bool{}
	for _, n := range names {
		own[n] = true
	}
	isSwitch := map[string]bool{}
	for _, n := range switches {
		isSwitch[n] = true
	}
	names = append(names[:len(names):len(names)], switches...)
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "-h" || a == "--help" {
			out.help = true
			continue
		}
		if a == "-c" {
			a = "--config"
		}
		if !strings.HasPrefix(a, "--") {
			return out, fmt.Errorf("unexpected argument %q (options are --name value or --section.key=value)", a)
		}
		key, val, hasVal := strings.Cut(a[2:], "=")
		if isSwitch[key] {
			if !hasVal {
				val = "true"
			}
			out.named[key] = val
			continue
		}
		if !hasVal {
			if i+1 >= len(args) {
				return out, fmt.Errorf("option --%s needs a value", key)
			}
			i++
			val = args[i]
		}
		switch {
		case own[key]:
			out.named[key] = val
		case strings.Contains(key, "."):
			out.overrides = append(out.overrides, key+"="+val)
		default:
			return out, fmt.Errorf("unknown option --%s (options: --%s, or a dotted config key like --trainer.epochs=5)", key, strings.Join(names, ", --"))
		}
	}
	return out, nil
}
