package notebook

import (
	"context"
	"strings"
	"testing"
)

// TestRunClearOutput checks display.Clear (clear when the next output arrives)
// and display.ClearNow in a headless run, as a Jupyter client stores them.
func TestRunClearOutput(t *testing.T) {
	cases := []struct {
		name, code string
		want       []string // the outputs' texts, in order
	}{
		{"clear then print", "fmt.Println(\"a\")\ndisplay.Clear()\nfmt.Println(\"b\")", []string{"b\n"}},
		{"clear waits for the next output", "fmt.Println(\"a\")\ndisplay.Clear()", []string{"a\n"}},
		{"clear now", "fmt.Println(\"a\")\ndisplay.ClearNow()", nil},
		{"clear before the result", "display.Markdown(\"x\")\ndisplay.Clear()\n40 + 2", []string{"42"}},
		{"redraw in a loop", "for i := 0; i < 3; i++ {\n\tdisplay.Clear()\n\tdisplay.Markdown(fmt.Sprint(\"step \", i))\n}", []string{"step 2"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			nb := nbWith(t, 5, [3]string{"code", "", "import \"fmt\"\n" + c.code})
			if _, err := Run(context.Background(), nb, Options{}); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, o := range nb.Cells[0].Outputs {
				switch o.Type {
				case "stream":
					got = append(got, o.Text)
				case "display_data", "execute_result":
					if s, ok := o.Data["text/markdown"].(string); ok {
						got = append(got, s)
					} else {
						s, _ := o.Data["text/plain"].(string)
						got = append(got, s)
					}
				}
			}
			if strings.Join(got, "|") != strings.Join(c.want, "|") {
				t.Errorf("outputs %q, want %q", got, c.want)
			}
		})
	}
}
