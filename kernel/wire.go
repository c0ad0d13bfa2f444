package kernel

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// ProtocolVersion is the Jupyter messaging protocol version the kernel speaks.
const ProtocolVersion = "5.3"

// delimiter separates routing identities from the signed message frames.
var delimiter = []byte("<IDS|MSG>")

// Header is a Jupyter message header.
type Header struct {
	MsgID    string `json:"msg_id"`
	Session  string `json:"session"`
	Username string `json:"username"`
	Date     string `json:"date"`
	MsgType  string `json:"msg_type"`
	Version  string `json:"version"`
}

// Message is one Jupyter message: routing identities, header, parent header,
// metadata, content (raw JSON when received) and binary buffers.
type Message struct {
	Identities [][]byte
	Header     Header
	Parent     json.RawMessage // the parent's header as received ("{}" when none)
	Metadata   map[string]any
	Content    json.RawMessage
	Buffers    [][]byte
}

// signer signs and verifies messages with HMAC-SHA256; a nil key disables signing.
type signer struct{ key []byte }

func (s signer) sign(frames ...[]byte) []byte {
	if len(s.key) == 0 {
		return nil
	}
	m := hmac.New(sha256.New, s.key)
	for _, f := range frames {
		m.Write(f)
	}
	sum := m.Sum(nil)
	out := make([]byte, hex.EncodedLen(len(sum)))
	hex.Encode(out, sum)
	return out
}

// errBadSignature marks a message whose signature is missing or wrong.
var errBadSignature = errors.New("bad or missing message signature")

// decode parses wire frames into a Message, verifying the signature first: a
// message with a missing or wrong signature is rejected with errBadSignature.
func (s signer) decode(frames [][]byte) (*Message, error) {
	i := 0
	for i < len(frames) && !bytes.Equal(frames[i], delimiter) {
		i++
	}
	if i == len(frames) {
		return nil, fmt.Errorf("no %s delimiter in %d frames", delimiter, len(frames))
	}
	if len(frames)-i-1 < 5 {
		return nil, fmt.Errorf("want signature, header, parent, metadata and content after the delimiter, got %d frames", len(frames)-i-1)
	}
	sig, header, parent, meta, content := frames[i+1], frames[i+2], frames[i+3], frames[i+4], frames[i+5]
	if len(s.key) > 0 {
		want := s.sign(header, parent, meta, content)
		if len(sig) == 0 || !hmac.Equal(sig, want) {
			return nil, errBadSignature
		}
	}
	m := &Message{Identities: frames[:i], Parent: json.RawMessage(parent), Content: json.RawMessage(content)}
	if err := json.Unmarshal(header, &m.Header); err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	if m.Header.MsgType == "" {
		return nil, fmt.Errorf("header: missing msg_type")
	}
	if len(meta) > 0 {
		if err := json.Unmarshal(meta, &m.Metadata); err != nil {
			return nil, fmt.Errorf("metadata: %w", err)
		}
	}
	if !json.Valid(content) {
		return nil, fmt.Errorf("content: not valid JSON")
	}
	if len(parent) > 0 && !json.Valid(parent) {
		return nil, fmt.Errorf("parent_header: not valid JSON")
	}
	m.Buffers = frames[i+6:]
	return m, nil
}

// encode builds the signed wire frames of a message with the given routing prefix.
func (s signer) encode(prefix [][]byte, h Header, parent json.RawMessage, content any) ([][]byte, error) {
	hb, err := json.Marshal(h)
	if err != nil {
		return nil, err
	}
	if len(parent) == 0 {
		parent = json.RawMessage("{}")
	}
	cb, err := json.Marshal(content)
	if err != nil {
		return nil, fmt.Errorf("%s content: %w", h.MsgType, err)
	}
	meta := []byte("{}")
	frames := make([][]byte, 0, len(prefix)+6)
	frames = append(frames, prefix...)
	frames = append(frames, delimiter, s.sign(hb, parent, meta, cb), hb, parent, meta, cb)
	return frames, nil
}

// newID returns a random 32-hex-digit message or session id.
func newID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// newHeader returns a header for a new message of type msgType in session.
func newHeader(msgType, session string) Header {
	return Header{
		MsgID:    newID(),
		Session:  session,
		Username: "im2im",
		Date:     time.Now().UTC().Format("2006-01-02T15:04:05.000000Z"),
		MsgType:  msgType,
		Version:  ProtocolVersion,
	}
}
