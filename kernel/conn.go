package kernel

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// ConnectionInfo is the content of a Jupyter connection file: where to bind the
// five sockets and how to sign messages.
type ConnectionInfo struct {
	Transport       string `json:"transport"`
	IP              string `json:"ip"`
	ShellPort       int    `json:"shell_port"`
	ControlPort     int    `json:"control_port"`
	StdinPort       int    `json:"stdin_port"`
	IOPubPort       int    `json:"iopub_port"`
	HBPort          int    `json:"hb_port"`
	Key             string `json:"key"`
	SignatureScheme string `json:"signature_scheme"`
	KernelName      string `json:"kernel_name"`
}

// ReadConnectionFile reads and validates a connection file.
func ReadConnectionFile(path string) (*ConnectionInfo, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("connection file: %w", err)
	}
	ci, err := ParseConnectionInfo(b)
	if err != nil {
		return nil, fmt.Errorf("connection file %s: %w", path, err)
	}
	return ci, nil
}

// ParseConnectionInfo decodes and validates connection-file JSON: transport tcp
// (or ipc), an ip, five distinct valid ports, and signature_scheme hmac-sha256
// (or empty together with an empty key, which disables signing).
func ParseConnectionInfo(b []byte) (*ConnectionInfo, error) {
	var ci ConnectionInfo
	if err := json.Unmarshal(b, &ci); err != nil {
		return nil, fmt.Errorf("not valid JSON: %w", err)
	}
	if ci.Transport == "" {
		ci.Transport = "tcp"
	}
	if ci.Transport != "tcp" && ci.Transport != "ipc" {
		return nil, fmt.Errorf("transport: want tcp or ipc, got %q", ci.Transport)
	}
	if ci.IP == "" {
		return nil, fmt.Errorf("ip: missing")
	}
	ports := map[string]int{"shell_port": ci.ShellPort, "control_port": ci.ControlPort, "stdin_port": ci.StdinPort,
		"iopub_port": ci.IOPubPort, "hb_port": ci.HBPort}
	seen := map[int]string{}
	for _, name := range []string{"shell_port", "control_port", "stdin_port", "iopub_port", "hb_port"} {
		p := ports[name]
		if p <= 0 || p > 65535 {
			return nil, fmt.Errorf("%s: want a port in 1..65535, got %d", name, p)
		}
		if other, dup := seen[p]; dup {
			return nil, fmt.Errorf("%s: port %d already used by %s", name, p, other)
		}
		seen[p] = name
	}
	switch strings.ToLower(ci.SignatureScheme) {
	case "hmac-sha256":
	case "":
		if ci.Key != "" {
			return nil, fmt.Errorf("signature_scheme: missing while a key is set")
		}
	default:
		return nil, fmt.Errorf("signature_scheme: want hmac-sha256, got %q", ci.SignatureScheme)
	}
	return &ci, nil
}

// endpoint is the ZeroMQ address of one socket.
func (ci *ConnectionInfo) endpoint(port int) string {
	if ci.Transport == "ipc" {
		return fmt.Sprintf("ipc://%s-%d", ci.IP, port)
	}
	return fmt.Sprintf("tcp://%s:%d", ci.IP, port)
}
