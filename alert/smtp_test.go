package alert

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"io"
	"math/big"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"
)

// smtpReceiver is a local SMTP server speaking enough of RFC 5321 for net/smtp: EHLO, STARTTLS
// (self-signed certificate), AUTH PLAIN, MAIL, RCPT, DATA, QUIT.
type smtpReceiver struct {
	addr     string
	startTLS bool // offer STARTTLS
	implicit bool // TLS from the first byte (port 465 style)
	tlsCfg   *tls.Config
	roots    *x509.CertPool

	mu       sync.Mutex
	usedTLS  bool
	auth     string // "user:pass" from AUTH PLAIN
	from     string
	rcpts    []string
	messages []string
}

func newSMTPReceiver(t *testing.T, offerStartTLS bool) *smtpReceiver {
	t.Helper()
	return startSMTPReceiver(t, offerStartTLS, false)
}

func startSMTPReceiver(t *testing.T, offerStartTLS, implicit bool) *smtpReceiver {
	t.Helper()
	cert, roots := selfSigned(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	t.Cleanup(func() { ln.Close() })
	r := &smtpReceiver{addr: ln.Addr().String(), startTLS: offerStartTLS, implicit: implicit, roots: roots,
		tlsCfg: &tls.Config{Certificates: []tls.Certificate{cert}}}
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go r.serve(conn)
		}
	}()
	return r
}

func (r *smtpReceiver) serve(conn net.Conn) {
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second)) // guard against a stuck test only
	secure := false
	if r.implicit {
		tconn := tls.Server(conn, r.tlsCfg)
		if err := tconn.Handshake(); err != nil {
			return
		}
		conn, secure = tconn, true
		r.mu.Lock()
		r.usedTLS = true
		r.mu.Unlock()
	}
	tp := textproto.NewConn(conn)
	tp.PrintfLine("220 localhost ESMTP test")
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO", "HELO":
			ext := []string{"250-localhost", "250-8BITMIME"}
			if r.startTLS && !secure {
				ext = append(ext, "250-STARTTLS")
			}
			if secure || !r.startTLS {
				ext = append(ext, "250-AUTH PLAIN")
			}
			ext = append(ext, "250 SIZE 1000000")
			for _, e := range ext {
				tp.PrintfLine("%s", e)
			}
		case "STARTTLS":
			tp.PrintfLine("220 go ahead")
			tconn := tls.Server(conn, r.tlsCfg)
			if err := tconn.Handshake(); err != nil {
				return
			}
			conn, secure = tconn, true
			tp = textproto.NewConn(conn)
			r.mu.Lock()
			r.usedTLS = true
			r.mu.Unlock()
		case "AUTH":
			mech, b64, _ := strings.Cut(arg, " ")
			raw, err := base64.StdEncoding.DecodeString(b64)
			parts := strings.Split(string(raw), "\x00")
			if mech != "PLAIN" || err != nil || len(parts) != 3 {
				tp.PrintfLine("535 bad auth")
				continue
			}
			r.mu.Lock()
			r.auth = parts[1] + ":" + parts[2]
			r.mu.Unlock()
			tp.PrintfLine("235 ok")
		case "MAIL":
			r.mu.Lock()
			r.from = arg
			r.mu.Unlock()
			tp.PrintfLine("250 ok")
		case "RCPT":
			r.mu.Lock()
			r.rcpts = append(r.rcpts, arg)
			r.mu.Unlock()
			tp.PrintfLine("250 ok")
		case "DATA":
			tp.PrintfLine("354 go on")
			data, err := tp.ReadDotBytes()
			if err != nil {
				return
			}
			r.mu.Lock()
			r.messages = append(r.messages, string(data))
			r.mu.Unlock()
			tp.PrintfLine("250 queued")
		case "QUIT":
			tp.PrintfLine("221 bye")
			return
		default:
			tp.PrintfLine("502 unknown")
		}
	}
}

func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	must(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	must(t, err)
	leaf, err := x509.ParseCertificate(der)
	must(t, err)
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

func emailTo(t *testing.T, r *smtpReceiver, security string) *Email {
	t.Helper()
	host, port, _ := net.SplitHostPort(r.addr)
	var p int
	for _, c := range port {
		p = p*10 + int(c-'0')
	}
	e, err := NewEmail(EmailConfig{Host: host, Port: p, Username: "bot", Password: "pw",
		From: "votebot <bot@example.com>", To: []string{"ops@example.com", "Second <two@example.com>"},
		Security: security, TLSConfig: &tls.Config{RootCAs: r.roots}, Timeout: 5 * time.Second})
	must(t, err)
	return e
}

func TestEmailOverSTARTTLS(t *testing.T) {
	r := newSMTPReceiver(t, true)
	e := emailTo(t, r, "")
	must(t, e.Send(context.Background(), hostileAlert()))

	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.usedTLS {
		t.Error("mail sent without STARTTLS")
	}
	if r.auth != "bot:pw" {
		t.Errorf("auth = %q", r.auth)
	}
	if !strings.HasPrefix(r.from, "FROM:<bot@example.com>") || len(r.rcpts) != 2 || r.rcpts[1] != "TO:<two@example.com>" {
		t.Errorf("envelope from %q to %q", r.from, r.rcpts)
	}
	if len(r.messages) != 1 {
		t.Fatalf("%d messages", len(r.messages))
	}
	msg, err := mail.ReadMessage(strings.NewReader(r.messages[0]))
	must(t, err)
	if bcc := msg.Header.Get("Bcc"); bcc != "" {
		t.Errorf("header injection: Bcc: %q", bcc)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	must(t, err)
	if !strings.HasPrefix(subject, "[votebot] [CRITICAL] Unvoted proposal soon") || !strings.Contains(subject, "deadline") {
		t.Errorf("subject = %q", subject)
	}
	if msg.Header.Get("X-Votebot-Key") != "votebot/proposal_at_risk/42/1234" {
		t.Errorf("X-Votebot-Key = %q", msg.Header.Get("X-Votebot-Key"))
	}
	if ct := msg.Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	must(t, err)
	text := string(body)
	for _, want := range []string{"Deadline: 2026-11-21 15:12:00 UTC (in 3h12m)", "Instance: vb-1", "<script>alert(1)</script>"} {
		if !strings.Contains(text, want) {
			t.Errorf("body lacks %q", want)
		}
	}
	if strings.Count(text, "long summary") > maxSummaryRunes/len("long summary ")+1 {
		t.Error("10k summary not bounded")
	}
	for _, line := range strings.Split(r.messages[0], "\n") { // ReadDotBytes gives LF
		if len(line) > 998 {
			t.Errorf("line of %d bytes exceeds RFC 5322's 998: %.100q", len(line), line)
		}
	}
}

func TestEmailRefusesPlaintextUnlessConfigured(t *testing.T) {
	r := newSMTPReceiver(t, false)
	err := emailTo(t, r, EmailStartTLS).Send(context.Background(), hostileAlert())
	if err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Fatalf("server without STARTTLS: err = %v, want a STARTTLS error", err)
	}
	r.mu.Lock()
	if len(r.messages) != 0 {
		t.Error("message sent in plain text")
	}
	r.mu.Unlock()

	must(t, emailTo(t, r, EmailPlain).Send(context.Background(), hostileAlert()))
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.messages) != 1 || r.usedTLS {
		t.Errorf("plain mode: %d messages, TLS %v", len(r.messages), r.usedTLS)
	}
}

func TestEmailImplicitTLS(t *testing.T) {
	r := startSMTPReceiver(t, false, true)
	must(t, emailTo(t, r, EmailTLS).Send(context.Background(), hostileAlert()))
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.usedTLS || len(r.messages) != 1 || r.auth != "bot:pw" {
		t.Errorf("implicit TLS: tls=%v messages=%d auth=%q", r.usedTLS, len(r.messages), r.auth)
	}
}

func TestEmailRejectsUntrustedCertificate(t *testing.T) {
	r := newSMTPReceiver(t, true)
	e := emailTo(t, r, EmailStartTLS)
	e.cfg.TLSConfig = nil // system roots do not trust the self-signed test certificate
	if err := e.Send(context.Background(), hostileAlert()); err == nil {
		t.Error("mail sent over TLS to an untrusted certificate")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.messages) != 0 || r.auth != "" {
		t.Error("credentials or message sent despite the bad certificate")
	}
}

func TestEmailSubjectEncodesNonASCII(t *testing.T) {
	a := hostileAlert()
	a.Title = "Mise à jour — 升级\r\nX-Evil: 1"
	s := emailSubject("[votebot]", a)
	for _, line := range strings.Split(s, "\r\n") {
		if !strings.HasPrefix(line, " ") && line != strings.Split(s, "\r\n")[0] {
			t.Errorf("folded line without leading space: %q", line)
		}
	}
	dec, err := (&mimeDecoder{}).decode(s)
	must(t, err)
	if !strings.Contains(dec, "Mise à jour — 升级 X-Evil: 1") {
		t.Errorf("decoded subject = %q", dec)
	}
}

type mimeDecoder struct{}

func (mimeDecoder) decode(s string) (string, error) {
	h, err := mail.ReadMessage(strings.NewReader("Subject: " + s + "\r\n\r\n"))
	if err != nil {
		return "", err
	}
	return new(mime.WordDecoder).DecodeHeader(h.Header.Get("Subject"))
}
