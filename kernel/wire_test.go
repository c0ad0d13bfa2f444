package kernel

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
)

func TestSignedRoundTrip(t *testing.T) {
	s := signer{key: []byte("secret")}
	h := newHeader("execute_request", "sess")
	frames, err := s.encode([][]byte{[]byte("client-id")}, h, nil, map[string]any{"code": "1+1"})
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.decode(frames)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Identities) != 1 || string(m.Identities[0]) != "client-id" || m.Header.MsgType != "execute_request" ||
		m.Header.Version != ProtocolVersion {
		t.Errorf("decoded %+v", m)
	}
	var c struct{ Code string }
	if json.Unmarshal(m.Content, &c); c.Code != "1+1" {
		t.Errorf("content %s", m.Content)
	}
}

func TestRejectsBadSignatures(t *testing.T) {
	s := signer{key: []byte("secret")}
	frames, _ := s.encode(nil, newHeader("kernel_info_request", "x"), nil, map[string]any{})
	tamper := func(f func([][]byte)) [][]byte {
		c := make([][]byte, len(frames))
		for i := range frames {
			c[i] = bytes.Clone(frames[i])
		}
		f(c)
		return c
	}
	cases := map[string][][]byte{
		"wrong key":        mustEncode(t, signer{key: []byte("other")}),
		"missing":          tamper(func(c [][]byte) { c[1] = nil }),
		"altered content":  tamper(func(c [][]byte) { c[5] = []byte(`{"a":1}`) }),
		"altered header":   tamper(func(c [][]byte) { c[2] = bytes.Replace(c[2], []byte("kernel_info"), []byte("shutdown"), 1) }),
		"garbage hex case": tamper(func(c [][]byte) { c[1] = bytes.ToUpper(c[1]) }),
	}
	for name, f := range cases {
		if _, err := s.decode(f); !errors.Is(err, errBadSignature) {
			t.Errorf("%s: got %v, want errBadSignature", name, err)
		}
	}
}

func mustEncode(t *testing.T, s signer) [][]byte {
	f, err := s.encode(nil, newHeader("kernel_info_request", "x"), nil, map[string]any{})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestDecodeMalformed(t *testing.T) {
	s := signer{} // no key: only structure is checked
	d := delimiter
	cases := map[string][][]byte{
		"no delimiter":   {[]byte("a"), []byte("b")},
		"too few frames": {d, nil, []byte("{}")},
		"bad header":     {d, nil, []byte("{"), []byte("{}"), []byte("{}"), []byte("{}")},
		"no msg_type":    {d, nil, []byte(`{"msg_id":"1"}`), []byte("{}"), []byte("{}"), []byte("{}")},
		"bad content":    {d, nil, []byte(`{"msg_type":"x"}`), []byte("{}"), []byte("{}"), []byte("{")},
	}
	for name, f := range cases {
		if _, err := s.decode(f); err == nil {
			t.Errorf("%s: decoded", name)
		}
	}
}

// FuzzDecode checks that arbitrary frames never panic the decoder and that a
// keyed signer never accepts a message it did not sign.
func FuzzDecode(f *testing.F) {
	good, _ := signer{key: []byte("k")}.encode([][]byte{[]byte("id")}, newHeader("execute_request", "s"), nil, map[string]any{"code": "x"})
	f.Add(good[0], good[2], good[3], good[4], good[5], good[6])
	f.Add([]byte("id"), []byte("sig"), []byte("{}"), []byte("{}"), []byte("{}"), []byte("{}"))
	f.Fuzz(func(t *testing.T, id, sig, header, parent, meta, content []byte) {
		frames := [][]byte{id, delimiter, sig, header, parent, meta, content}
		signer{}.decode(frames)
		s := signer{key: []byte("k")}
		if _, err := s.decode(frames); err == nil && !bytes.Equal(sig, s.sign(header, parent, meta, content)) {
			t.Fatal("accepted a message with a wrong signature")
		}
	})
}
