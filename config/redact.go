package config

import (
	"net/url"
	"strconv"
	"strings"
	"unicode"
)

// Values quoted in problems reach the terminal, the log and, on a reload, the config_invalid
// alert on every other channel. A secret written in the wrong place (a webhook URL where a
// channel mapping belongs) must not travel with them.

// quote quotes a value for a problem message, unless it looks like a secret.
func quote(s string) string {
	if looksLikeURL(s) {
		return "a URL (not shown: it may hold a token)"
	}
	if looksLikeToken(s) {
		return "a string that looks like a token (not shown)"
	}
	return strconv.Quote(s)
}

// quote is the package quote for a type mismatch at path: under alerts.channels, where every
// field may be a secret, no value is shown at all.
func (d *decoder) quote(s, path string) string {
	if d.hidden(s, path) {
		if q := quote(s); !strings.HasPrefix(q, `"`) {
			return q
		}
		return "a string (not shown: under alerts.channels it may be a secret)"
	}
	return strconv.Quote(s)
}

// hidden says whether s must not be shown in a problem at path.
func (d *decoder) hidden(s, path string) bool {
	return path == "alerts.channels" || strings.HasPrefix(path, "alerts.channels.") ||
		looksLikeURL(s) || looksLikeToken(s)
}

func looksLikeURL(s string) bool {
	s = strings.TrimSpace(s)
	return strings.Contains(s, "://") || strings.HasPrefix(strings.ToLower(s), "www.")
}

// looksLikeToken is one long word mixing letters and digits: an API token, a routing key, a
// bot token ("123456:ABC-…"), a base64 string.
func looksLikeToken(s string) bool {
	s = strings.TrimSpace(s)
	if len(s) < 20 || strings.ContainsFunc(s, unicode.IsSpace) {
		return false
	}
	return strings.ContainsFunc(s, unicode.IsLetter) && strings.ContainsFunc(s, unicode.IsDigit)
}

// RedactURL shows a URL without its secrets: the password of its user info and the value of
// every query parameter become [redacted] (a webhook's ?token=…, an endpoint's ?key=…). A value
// that does not parse as a URL is redacted whole.
func RedactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return redacted
	}
	if u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "REDACTED")
		}
	}
	if u.RawQuery != "" {
		q := u.Query()
		for k := range q {
			q[k] = []string{"REDACTED"}
		}
		u.RawQuery = q.Encode()
	}
	u.Fragment, u.RawFragment = "", ""
	return strings.ReplaceAll(u.String(), "REDACTED", redacted)
}
