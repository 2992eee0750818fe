package alert

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Field limits, in runes, applied to untrusted text before any channel-specific escaping.
const (
	maxTitleRunes   = 300
	maxSummaryRunes = 1500
	maxTextRunes    = 1500
)

const ellipsis = "…"

// Truncate bounds s to max runes, ending with "…" when it cut.
func Truncate(s string, max int) string {
	if max <= 0 {
		return ""
	}
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	runes := []rune(s)
	return string(runes[:max-1]) + ellipsis
}

// fitEscaped returns the longest prefix of s whose escaped form fits in max bytes, so escaping
// never produces a broken sequence at the cut (half an entity, a dangling backslash).
func fitEscaped(s string, max int, escape func(string) string) string {
	if e := escape(s); len(e) <= max {
		return e
	}
	runes := []rune(s)
	lo, hi := 0, len(runes) // invariant: prefix of lo runes (+ …) fits
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if len(escape(string(runes[:mid])+ellipsis)) <= max {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return escape(string(runes[:lo]) + ellipsis)
}

// CleanText removes control characters (keeping newlines and tabs) and the invisible bidi
// controls that could disguise text (the marks LRM, RLM and ALM, the embeddings, overrides and
// isolates), turns the Unicode line and paragraph separators into newlines, and normalises line
// endings. A stray U+2028 ends a line in some clients and a JavaScript string in others.
func CleanText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case r == '\r', r == '\u2028', r == '\u2029':
			return '\n'
		case unicode.IsControl(r), unicode.Is(unicode.Bidi_Control, r):
			return -1
		}
		return r
	}, s)
}

// OneLine is CleanText with every line break turned into a space, for headers and titles.
func OneLine(s string) string {
	return strings.Join(strings.Fields(CleanText(s)), " ")
}

// BoundTitle is a proposal title as every channel shows it: one line, controls removed, at most
// 300 runes. Log it this way too, so a hostile 20 KB title costs a log line no more than a message.
func BoundTitle(s string) string { return Truncate(OneLine(s), maxTitleRunes) }

// BoundSummary is a proposal summary as every channel shows it: controls removed, at most 1,500
// runes (newlines kept; a JSON log escapes them).
func BoundSummary(s string) string {
	return Truncate(strings.TrimSpace(CleanText(s)), maxSummaryRunes)
}

// BoundText is an alert's free text as every channel shows it: controls removed, at most 1,500
// runes.
func BoundText(s string) string { return Truncate(CleanText(s), maxTextRunes) }

// zwsp breaks a mention without changing how the text reads.
const zwsp = "\u200b"

// defuseMentions inserts a zero-width space after every "@" so that @everyone, @here, @channel
// and <@U123> are never read as mentions, whatever the service's parser does.
func defuseMentions(s string) string { return strings.ReplaceAll(s, "@", "@"+zwsp) }

// slackEscape makes untrusted text inert in Slack: the three characters Slack requires escaped
// (&, <, >) so no <!channel>, <@U…> or <url|label> control sequence survives, and mentions defused.
func slackEscape(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	return defuseMentions(r.Replace(s))
}

// discordMarkdown lists the characters Discord markdown gives meaning to.
var discordMarkdown = strings.NewReplacer(
	`\`, `\\`, `*`, `\*`, `_`, `\_`, `~`, `\~`, "`", "\\`", `|`, `\|`, `>`, `\>`, `<`, `\<`,
	`#`, `\#`, `-`, `\-`, `[`, `\[`, `]`, `\]`, `(`, `\(`, `)`, `\)`, `:`, `\:`,
)

// discordEscape backslash-escapes Discord markdown and defuses mentions. allowed_mentions in the
// payload is the second lock: even a mention that slipped through pings nobody.
func discordEscape(s string) string { return defuseMentions(discordMarkdown.Replace(s)) }

// telegramEscape escapes text for Telegram's HTML parse mode (only &, < and > are special) and
// defuses @username mentions.
func telegramEscape(s string) string {
	return defuseMentions(strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s))
}
