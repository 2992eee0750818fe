package alert

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultTimeout bounds every delivery when the channel config names none.
const DefaultTimeout = 10 * time.Second

// httpClient returns c, or a client with DefaultTimeout.
func httpClient(c *http.Client, timeout time.Duration) *http.Client {
	if c != nil {
		return c
	}
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	return &http.Client{Timeout: timeout}
}

// checkURL validates a channel URL without ever echoing it: webhook URLs are secrets.
func checkURL(what, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("%s: not an http(s) URL", what)
	}
	return nil
}

// postJSON sends body as JSON and returns the response body of a 2xx answer. Errors never contain
// the URL (it may hold a token) but do contain the service's own error message, bounded.
func postJSON(ctx context.Context, client *http.Client, target string, body any, header http.Header) ([]byte, error) {
	data, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("encode payload: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(data))
	if err != nil {
		return nil, errors.New("build request: invalid URL")
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, redactURL(err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return answer, fmt.Errorf("HTTP %d: %s", resp.StatusCode, Truncate(strings.TrimSpace(string(answer)), 200))
	}
	return answer, nil
}

// redactURL drops the URL from a *url.Error, keeping the operation and the cause.
func redactURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s request: %w", ue.Op, ue.Err)
	}
	return err
}
