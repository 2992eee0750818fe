package config

import "path/filepath"

// resolvePaths makes the file paths a configuration names (pem_file,
// store.path and every *_file key) relative to the directory of the
// configuration file, not to wherever the command was
// started: "votebot run -c /etc/votebot/votebot.yaml" and a unit file with
// another working directory must read the same key and database. Absolute
// paths and empty values are left alone.
func resolvePaths(cfg *Config, dir string) {
	rel := func(p *string) {
		if *p == "" || filepath.IsAbs(*p) {
			return
		}
		*p = filepath.Join(dir, *p)
	}
	rel(&cfg.Identity.PEMFile)
	rel(&cfg.Store.Path)
	for name, ch := range cfg.Alerts.Channels {
		rel(&ch.SMTP.PasswordFile)
		cfg.Alerts.Channels[name] = ch
	}
	if cfg.Console != nil {
		rel(&cfg.Console.TokenFile)
	}
}
