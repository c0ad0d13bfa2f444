package kernel

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseConnectionInfo(t *testing.T) {
	good := `{"transport":"tcp","ip":"127.0.0.1","shell_port":5001,"control_port":5002,"stdin_port":5003,
		"iopub_port":5004,"hb_port":5005,"key":"abc","signature_scheme":"hmac-sha256","kernel_name":"im2im"}`
	ci, err := ParseConnectionInfo([]byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if ci.endpoint(ci.ShellPort) != "tcp://127.0.0.1:5001" || ci.Key != "abc" {
		t.Errorf("parsed %+v", ci)
	}
	bad := map[string]string{
		"not valid JSON":  `{`,
		"transport":       strings.Replace(good, `"tcp"`, `"udp"`, 1),
		"ip":              strings.Replace(good, `"127.0.0.1"`, `""`, 1),
		"hb_port":         strings.Replace(good, `"hb_port":5005`, `"hb_port":0`, 1),
		"already used":    strings.Replace(good, `"hb_port":5005`, `"hb_port":5001`, 1),
		"signature_schem": strings.Replace(good, `hmac-sha256`, `hmac-md5`, 1),
	}
	for want, js := range bad {
		if _, err := ParseConnectionInfo([]byte(js)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v", want, err)
		}
	}
	path := filepath.Join(t.TempDir(), "conn.json")
	os.WriteFile(path, []byte(`{"ip":"x"}`), 0o600)
	if _, err := ReadConnectionFile(path); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("ReadConnectionFile error does not name the file: %v", err)
	}
}

// FuzzParseConnectionInfo checks the parser never panics and that what it accepts
// has five distinct ports in range.
func FuzzParseConnectionInfo(f *testing.F) {
	f.Add([]byte(`{"ip":"127.0.0.1","shell_port":1,"control_port":2,"stdin_port":3,"iopub_port":4,"hb_port":5}`))
	f.Add([]byte(`{"transport":"ipc","ip":"/tmp/k","shell_port":1,"control_port":2,"stdin_port":3,"iopub_port":4,"hb_port":5,"key":"k","signature_scheme":"hmac-sha256"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		ci, err := ParseConnectionInfo(b)
		if err != nil {
			return
		}
		seen := map[int]bool{}
		for _, p := range []int{ci.ShellPort, ci.ControlPort, ci.StdinPort, ci.IOPubPort, ci.HBPort} {
			if p < 1 || p > 65535 || seen[p] {
				t.Fatalf("accepted ports %+v", ci)
			}
			seen[p] = true
		}
	})
}
