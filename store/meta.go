package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Well-known meta keys.
const (
	MetaLastPoll    = "last_successful_poll" // RFC 3339 time of the last successful poll
	MetaHealthProbe = "health_probe"         // RFC 3339 time of the last Probe
)

// SetMeta stores value under key, replacing any previous value.
func (s *Store) SetMeta(ctx context.Context, key, value string) (err error) {
	defer s.noteWrite(&err)
	_, err = s.db.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return fmt.Errorf("set meta %s: %w", key, err)
	}
	return nil
}

// Meta returns the value under key; ok is false when unset.
func (s *Store) Meta(ctx context.Context, key string) (value string, ok bool, err error) {
	err = s.db.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = ?", key).Scan(&value)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("read meta %s: %w", key, err)
	}
	return value, true, nil
}

// Heartbeat implements bot.Store: the last successful poll, in meta.
func (s *Store) Heartbeat(ctx context.Context, at time.Time) error {
	return s.SetMeta(ctx, MetaLastPoll, at.UTC().Format(time.RFC3339Nano))
}

// LastHeartbeat implements bot.Store (zero when never written).
func (s *Store) LastHeartbeat(ctx context.Context) (time.Time, error) {
	v, ok, err := s.Meta(ctx, MetaLastPoll)
	if err != nil || !ok {
		return time.Time{}, err
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("read meta %s: %w", MetaLastPoll, err)
	}
	return t, nil
}
