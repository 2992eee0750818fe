package alert

import (
	"strings"
	"testing"
)

func TestTruncate(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"longer than ten", 10, "longer th…"},
		{"ééééé", 3, "éé…"},
		{"x", 0, ""},
	}
	for _, tt := range tests {
		if got := Truncate(tt.in, tt.max); got != tt.want {
			t.Errorf("Truncate(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
	}
}

func TestFitEscapedNeverCutsAnEscape(t *testing.T) {
	in := strings.Repeat("&<*", 100)
	for max := 10; max < 60; max++ {
		got := fitEscaped(in, max, telegramEscape)
		if len(got) > max {
			t.Fatalf("max %d: len %d", max, len(got))
		}
		trimmed := strings.TrimSuffix(got, ellipsis)
		// Every '&' must start a complete entity.
		for i := strings.IndexByte(trimmed, '&'); i >= 0; i = strings.IndexByte(trimmed, '&') {
			rest := trimmed[i:]
			if !strings.HasPrefix(rest, "&amp;") && !strings.HasPrefix(rest, "&lt;") {
				t.Fatalf("max %d: broken entity in %q", max, got)
			}
			trimmed = rest[1:]
		}
		d := fitEscaped(in, max, discordEscape)
		if strings.HasSuffix(strings.TrimSuffix(d, ellipsis), `\`) && !strings.HasSuffix(strings.TrimSuffix(d, ellipsis), `\\`) {
			t.Fatalf("max %d: dangling backslash in %q", max, d)
		}
	}
}

func TestEscapers(t *testing.T) {
	hostile := "<!channel> @everyone *bold* <script>alert(1)</script> <@U123> [x](http://evil)"
	tests := []struct {
		name      string
		escape    func(string) string
		forbidden []string
		want      []string
	}{
		{"slack", slackEscape, []string{"<!channel>", "@everyone", "<script>", "<@U123>", "<"},
			[]string{"&lt;!channel&gt;", "&lt;script&gt;"}},
		{"slack plain_text", slackPlain, []string{"<!channel>", "@everyone", "<script>", "<@U123>"},
			[]string{"*bold*"}},
		{"discord", discordEscape, []string{"@everyone", "*bold*", "<@U123>", "[x](http"},
			[]string{`\*bold\*`, `\[x\]\(http`}},
		{"telegram", telegramEscape, []string{"<script>", "@everyone", "<!channel>"},
			[]string{"&lt;script&gt;alert(1)&lt;/script&gt;"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.escape(hostile)
			for _, f := range tt.forbidden {
				if strings.Contains(got, f) {
					t.Errorf("%q survived in %q", f, got)
				}
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("want %q in %q", w, got)
				}
			}
		})
	}
}

func TestCleanTextDropsControls(t *testing.T) {
	got := OneLine("a\r\nBcc: x\x00\x1b[31m\u202Eevil")
	if strings.ContainsAny(got, "\r\n\x00\x1b\u202E") {
		t.Errorf("OneLine kept control characters: %q", got)
	}
	if got != "a Bcc: x[31mevil" {
		t.Errorf("OneLine = %q", got)
	}
}
