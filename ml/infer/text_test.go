package infer

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestBlendAndPaddingText(t *testing.T) {
	var cfg struct {
		Blend   Blend
		Padding Padding
	}
	if err := json.Unmarshal([]byte(`{"Blend":"constant","Padding":"zero"}`), &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.Blend != Constant || cfg.Padding != PadZero {
		t.Fatalf("decoded %+v", cfg)
	}
	out, err := json.Marshal(cfg)
	if err != nil || string(out) != `{"Blend":"constant","Padding":"zero"}` {
		t.Fatalf("encoded %s, %v", out, err)
	}
	for _, bad := range []string{`{"Blend":"box"}`, `{"Padding":"wrap"}`} {
		if err := json.Unmarshal([]byte(bad), &cfg); err == nil || !strings.Contains(err.Error(), "unknown") {
			t.Errorf("%s: err = %v", bad, err)
		}
	}
	if _, err := Blend(7).MarshalText(); err == nil {
		t.Error("Blend(7): want an error")
	}
}
