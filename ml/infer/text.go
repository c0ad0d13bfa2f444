package infer

import "fmt"

// String names the blend ("gaussian" or "constant").
func (b Blend) String() string {
	switch b {
	case Gaussian:
		return "gaussian"
	case Constant:
		return "constant"
	}
	return fmt.Sprintf("Blend(%d)", int(b))
}

// MarshalText writes the blend's name (for YAML and JSON configs).
func (b Blend) MarshalText() ([]byte, error) {
	if b != Gaussian && b != Constant {
		return nil, fmt.Errorf("infer: invalid blend %d", int(b))
	}
	return []byte(b.String()), nil
}

// UnmarshalText reads "gaussian" or "constant".
func (b *Blend) UnmarshalText(text []byte) error {
	switch string(text) {
	case "gaussian", "":
		*b = Gaussian
	case "constant":
		*b = Constant
	default:
		return fmt.Errorf("infer: unknown blend %q (want gaussian or constant)", text)
	}
	return nil
}

// String names the padding ("reflect" or "zero").
func (p Padding) String() string {
	switch p {
	case PadReflect:
		return "reflect"
	case PadZero:
		return "zero"
	}
	return fmt.Sprintf("Padding(%d)", int(p))
}

// MarshalText writes the padding's name.
func (p Padding) MarshalText() ([]byte, error) {
	if p != PadReflect && p != PadZero {
		return nil, fmt.Errorf("infer: invalid padding %d", int(p))
	}
	return []byte(p.String()), nil
}

// UnmarshalText reads "reflect" or "zero".
func (p *Padding) UnmarshalText(text []byte) error {
	switch string(text) {
	case "reflect", "":
		*p = PadReflect
	case "zero":
		*p = PadZero
	default:
		return fmt.Errorf("infer: unknown padding %q (want reflect or zero)", text)
	}
	return nil
}
