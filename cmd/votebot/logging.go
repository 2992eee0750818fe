package main

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/rs/zerolog"
	"github.com/spf13/cobra"
)

// Log formats of --log.format.
const (
	logConsole = "console"
	logJSON    = "json"
	logFmt     = "logfmt"
)

// addLogFlags puts --log.level and --log.format on every command.
func addLogFlags(root *cobra.Command) {
	f := root.PersistentFlags()
	f.String("log.level", "info", "least severe log level to write: debug, info, warn, error")
	f.String("log.format", "", "log format: console, logfmt or json (default console on a terminal, json otherwise)")
}

// cmdLogger builds the logger a command writes to w with, from the
// persistent --log.* flags. quietDefault is the level used when
// --log.level was not given (plan prints a table, not every poll).
func cmdLogger(cmd *cobra.Command, w io.Writer, quietDefault zerolog.Level) (zerolog.Logger, error) {
	levelText, _ := cmd.Flags().GetString("log.level")
	format, _ := cmd.Flags().GetString("log.format")
	level := quietDefault
	if cmd.Flags().Changed("log.level") || quietDefault == zerolog.NoLevel {
		l, err := zerolog.ParseLevel(strings.ToLower(strings.TrimSpace(levelText)))
		if err != nil || l == zerolog.NoLevel {
			return zerolog.Nop(), fmt.Errorf("--log.level %q: want debug, info, warn or error", levelText)
		}
		level = l
	}
	out, err := logWriter(w, format)
	if err != nil {
		return zerolog.Nop(), err
	}
	return zerolog.New(out).Level(level).With().Timestamp().Logger(), nil
}

func logWriter(w io.Writer, format string) (io.Writer, error) {
	switch strings.ToLower(strings.TrimSpace(format)) {
	case "":
		if isTerminal(w) {
			return consoleWriter(w), nil
		}
		return w, nil
	case logJSON:
		return w, nil
	case logConsole:
		return consoleWriter(w), nil
	case logFmt:
		return logfmtWriter(w), nil
	}
	return nil, fmt.Errorf("--log.format %q: want console, logfmt or json", format)
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && isatty.IsTerminal(f.Fd())
}

func consoleWriter(w io.Writer) zerolog.ConsoleWriter {
	return zerolog.ConsoleWriter{Out: w, TimeFormat: time.TimeOnly, NoColor: !isTerminal(w)}
}

// logfmtWriter writes key=value lines (time=… level=… msg=… then the
// fields in key order), the format log shippers such as Loki and
// Heroku's parse without a JSON stage.
func logfmtWriter(w io.Writer) zerolog.ConsoleWriter {
	return zerolog.ConsoleWriter{
		Out: w, NoColor: true, TimeFormat: time.RFC3339Nano,
		FormatTimestamp:     func(i any) string { return "time=" + logfmtValue(i) },
		FormatLevel:         func(i any) string { return "level=" + logfmtValue(i) },
		FormatMessage:       func(i any) string { return "msg=" + logfmtValue(i) },
		FormatFieldName:     func(i any) string { return fmt.Sprint(i) + "=" },
		FormatFieldValue:    func(i any) string { return fmt.Sprint(i) }, // quoted by ConsoleWriter when needed
		FormatErrFieldName:  func(i any) string { return fmt.Sprint(i) + "=" },
		FormatErrFieldValue: func(i any) string { return fmt.Sprint(i) },
	}
}

// logfmtValue quotes a value when it is empty or holds a space, a quote
// or an equals sign; other values stand bare.
func logfmtValue(i any) string {
	if i == nil {
		return `""`
	}
	s := fmt.Sprint(i)
	if s == "" || strings.ContainsAny(s, " \t\r\n\"=\\") {
		return strconv.Quote(s)
	}
	return s
}
