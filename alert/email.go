package alert

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"strconv"
	"strings"
	"time"
)

// Email transport security modes.
const (
	EmailStartTLS = "starttls" // default: plain connect, then STARTTLS, required
	EmailTLS      = "tls"      // implicit TLS (port 465)
	EmailPlain    = "none"     // no encryption: only when configured explicitly
)

// EmailConfig configures delivery through an SMTP server.
type EmailConfig struct {
	Host          string
	Port          int // default 587 (465 with EmailTLS)
	Username      string
	Password      string // a secret, never logged
	From          string
	To            []string
	Security      string      // EmailStartTLS (default), EmailTLS or EmailPlain
	TLSConfig     *tls.Config // optional: roots for a private CA, tests
	Timeout       time.Duration
	SubjectPrefix string // default "[votebot]"
}

// Email sends plain-text mail. Untrusted text only reaches the body (quoted-printable) and a
// one-line, bounded subject, so it cannot inject headers.
type Email struct {
	cfg  EmailConfig
	from *mail.Address
	to   []*mail.Address
}

// NewEmail checks cfg and returns the channel.
func NewEmail(cfg EmailConfig) (*Email, error) {
	if cfg.Host == "" {
		return nil, errors.New("email: missing host")
	}
	switch cfg.Security {
	case "":
		cfg.Security = EmailStartTLS
	case EmailStartTLS, EmailTLS, EmailPlain:
	default:
		return nil, fmt.Errorf("email: security %q: want starttls, tls or none", cfg.Security)
	}
	if cfg.Port == 0 {
		cfg.Port = 587
		if cfg.Security == EmailTLS {
			cfg.Port = 465
		}
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.SubjectPrefix == "" {
		cfg.SubjectPrefix = "[votebot]"
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("email: from %q: %w", cfg.From, err)
	}
	if len(cfg.To) == 0 {
		return nil, errors.New("email: no recipients")
	}
	e := &Email{cfg: cfg, from: from}
	for _, t := range cfg.To {
		addr, err := mail.ParseAddress(t)
		if err != nil {
			return nil, fmt.Errorf("email: to %q: %w", t, err)
		}
		e.to = append(e.to, addr)
	}
	return e, nil
}

const emailSubjectRunes = 150

// emailSubject is one line, bounded, RFC 2047-encoded when not ASCII, folded between words.
func emailSubject(prefix string, a Alert) string {
	s := Truncate(OneLine(prefix+" "+headline(a)+titleSuffix(a.Title)), emailSubjectRunes)
	enc := mime.QEncoding.Encode("utf-8", s)
	if enc != s {
		enc = strings.ReplaceAll(enc, "?= =?", "?=\r\n =?")
	}
	return enc
}

func (e *Email) message(a Alert) []byte {
	var b bytes.Buffer
	to := make([]string, len(e.to))
	for i, t := range e.to {
		to[i] = t.String()
	}
	at := a.At
	if at.IsZero() {
		at = time.Now()
	}
	sum := sha256.Sum256([]byte(a.Key + at.String() + strconv.FormatBool(a.Resolved)))
	header := [][2]string{
		{"From", e.from.String()},
		{"To", strings.Join(to, ", ")},
		{"Subject", emailSubject(e.cfg.SubjectPrefix, a)},
		{"Date", at.Format(time.RFC1123Z)},
		{"Message-ID", "<" + hex.EncodeToString(sum[:12]) + "@votebot>"},
		{"MIME-Version", "1.0"},
		{"Content-Type", "text/plain; charset=utf-8"},
		{"Content-Transfer-Encoding", "quoted-printable"},
		{"Auto-Submitted", "auto-generated"},
		{"X-Votebot-Key", Truncate(OneLine(a.Key), 200)},
	}
	for _, h := range header {
		b.WriteString(h[0] + ": " + h[1] + "\r\n")
	}
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	body := render(a).plainText(func(s string) string { return s })
	_, _ = qp.Write([]byte(strings.ReplaceAll(body, "\n", "\r\n") + "\r\n"))
	_ = qp.Close()
	return b.Bytes()
}

func (e *Email) tlsConfig() *tls.Config {
	c := &tls.Config{MinVersion: tls.VersionTLS12}
	if e.cfg.TLSConfig != nil {
		c = e.cfg.TLSConfig.Clone()
	}
	if c.ServerName == "" {
		c.ServerName = e.cfg.Host
	}
	return c
}

// Send implements Notifier.
func (e *Email) Send(ctx context.Context, a Alert) error {
	if err := e.send(ctx, e.message(a)); err != nil {
		return fmt.Errorf("email: %w", err)
	}
	return nil
}

func (e *Email) send(ctx context.Context, msg []byte) error {
	ctx, cancel := context.WithTimeout(ctx, e.cfg.Timeout)
	defer cancel()
	addr := net.JoinHostPort(e.cfg.Host, strconv.Itoa(e.cfg.Port))
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("connect %s: %w", addr, err)
	}
	defer conn.Close()
	deadline, _ := ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if e.cfg.Security == EmailTLS {
		conn = tls.Client(conn, e.tlsConfig())
	}
	c, err := smtp.NewClient(conn, e.cfg.Host)
	if err != nil {
		return fmt.Errorf("smtp greeting: %w", err)
	}
	defer c.Close()
	if err := c.Hello("votebot.localhost"); err != nil {
		return fmt.Errorf("smtp EHLO: %w", err)
	}
	if e.cfg.Security == EmailStartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return errors.New("server does not offer STARTTLS (set security: none to allow plain text)")
		}
		if err := c.StartTLS(e.tlsConfig()); err != nil {
			return fmt.Errorf("STARTTLS: %w", err)
		}
	}
	if e.cfg.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", e.cfg.Username, e.cfg.Password, e.cfg.Host)); err != nil {
			return fmt.Errorf("smtp auth: %w", err)
		}
	}
	return e.transmit(c, msg)
}

func (e *Email) transmit(c *smtp.Client, msg []byte) error {
	if err := c.Mail(e.from.Address); err != nil {
		return fmt.Errorf("MAIL FROM: %w", err)
	}
	for _, t := range e.to {
		if err := c.Rcpt(t.Address); err != nil {
			return fmt.Errorf("RCPT TO %s: %w", t.Address, err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("write message: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("end of message: %w", err)
	}
	if err := c.Quit(); err != nil {
		return fmt.Errorf("QUIT: %w", err)
	}
	return nil
}
