package kernel

import (
	"encoding/json"
	"testing"
)

func TestHistoryReply(t *testing.T) {
	var h history
	for i, code := range []string{"1 + 2", "x := 3", "1 + 2", "fmt.Println(x)", "12 * 2"} {
		var out any
		if code == "1 + 2" {
			out = "3"
		}
		h.add(i+1, code, out)
	}
	cases := []struct {
		req  string
		want string
	}{
		{`{"hist_access_type": "tail", "n": 2, "output": false}`, `[[1,4,"fmt.Println(x)"],[1,5,"12 * 2"]]`},
		{`{"hist_access_type": "tail", "n": 1, "output": true}`, `[[1,5,["12 * 2",null]]]`},
		{`{"hist_access_type": "tail", "n": 10}`, `[[1,1,"1 + 2"],[1,2,"x := 3"],[1,3,"1 + 2"],[1,4,"fmt.Println(x)"],[1,5,"12 * 2"]]`},
		{`{"hist_access_type": "range", "session": 1, "start": 2, "stop": 3}`, `[[1,2,"x := 3"]]`},
		{`{"hist_access_type": "range", "session": 0, "start": 4, "stop": 0}`, `[[1,4,"fmt.Println(x)"],[1,5,"12 * 2"]]`},
		{`{"hist_access_type": "range", "session": 7, "start": 1, "stop": 3}`, `[]`},
		{`{"hist_access_type": "search", "pattern": "1?+*"}`, `[[1,1,"1 + 2"],[1,3,"1 + 2"]]`},
		{`{"hist_access_type": "search", "pattern": "1?+*", "unique": true}`, `[[1,3,"1 + 2"]]`},
		{`{"hist_access_type": "search", "pattern": "*", "n": 3}`, `[[1,3,"1 + 2"],[1,4,"fmt.Println(x)"],[1,5,"12 * 2"]]`},
		{`{"hist_access_type": "search", "pattern": "[fx]*"}`, `[[1,2,"x := 3"],[1,4,"fmt.Println(x)"]]`},
		{`{"hist_access_type": "search", "pattern": "[!fx1]*"}`, `[]`},
		{`{"hist_access_type": "search", "pattern": "fmt.*", "output": true}`, `[[1,4,["fmt.Println(x)",null]]]`},
		{`{"hist_access_type": "search", "pattern": "1 + 2", "output": true}`, `[[1,1,["1 + 2","3"]],[1,3,["1 + 2","3"]]]`},
		{`{"hist_access_type": "bogus"}`, `[]`},
	}
	for _, c := range cases {
		b, _ := json.Marshal(h.reply(json.RawMessage(c.req)))
		if string(b) != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.req, b, c.want)
		}
	}
}

func TestGlobRE(t *testing.T) {
	cases := []struct {
		pattern, s string
		want       bool
	}{
		{"a*", "abc", true}, {"a*", "ba", false}, {"a?c", "abc", true}, {"a?c", "ac", false},
		{"*.go", "x.go", true}, {"*.go", "xgo", false}, {"[ab]x", "bx", true}, {"[!ab]x", "bx", false},
		{"[", "[", true}, {"a(b)", "a(b)", true}, {"é*", "éa", true}, {"*", "line1\nline2", true},
	}
	for _, c := range cases {
		if got := globRE(c.pattern).MatchString(c.s); got != c.want {
			t.Errorf("glob %q on %q: %v", c.pattern, c.s, got)
		}
	}
}
