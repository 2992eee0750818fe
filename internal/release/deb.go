package main

import (
	"bytes"
	"compress/gzip"
	"embed"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/goreleaser/nfpm/v2"
	"github.com/goreleaser/nfpm/v2/deb"
	"github.com/goreleaser/nfpm/v2/files"
)

//go:embed debian
var debianFiles embed.FS

const (
	maintainer  = "votebot maintainers <maintainers@votebot.example>"
	homepage    = "https://github.com/votebot/votebot"
	summary     = "votes on NNS proposals for the neurons it holds a hotkey for"
	description = summary + "\n" +
		" votebot signs in to the Internet Computer with a hotkey identity, polls the\n" +
		" open NNS proposals, votes by the policies in /etc/votebot/votebot.yaml for\n" +
		" the neurons it controls, tracks reward-weighted participation and alerts a\n" +
		" person before a proposal is missed. The hardened unit votebot.service is\n" +
		" installed but not enabled: add the hotkey and the config first."
)

// debFile is one file of the package: where install.sh put it in the stage
// (its DESTDIR), where Debian wants it, and how.
type debFile struct {
	stage, dest string
	mode        os.FileMode
	conffile    bool
}

// debLayout moves what deploy/install.sh installs to Debian's paths, so the
// package and install.sh ship the same unit, config and docs.
var debLayout = []debFile{
	{"usr/local/bin/votebot", "/usr/bin/votebot", 0o755, false},
	{"etc/systemd/system/votebot.service", "/lib/systemd/system/votebot.service", 0o644, false},
	{"etc/votebot/votebot.yaml", "/etc/votebot/votebot.yaml", 0o644, true},
	{"etc/votebot/votebot.env", "/etc/votebot/votebot.env", 0o600, true},
	{"usr/local/share/doc/votebot/operations.md", "/usr/share/doc/votebot/operations.md", 0o644, false},
}

type debParams struct {
	arch, version, commit, stage, out string
	epoch                             int64
}

func runDeb(args []string) error {
	var p debParams
	fs := flag.NewFlagSet("deb", flag.ContinueOnError)
	fs.StringVar(&p.arch, "arch", "", "Debian architecture: amd64 or arm64")
	fs.StringVar(&p.version, "version", "", "package version (Debian syntax)")
	fs.StringVar(&p.commit, "commit", "", "the git commit the binary was built from")
	fs.Int64Var(&p.epoch, "epoch", 0, "SOURCE_DATE_EPOCH: every timestamp in the package")
	fs.StringVar(&p.stage, "stage", "", "DESTDIR that deploy/install.sh installed into")
	fs.StringVar(&p.out, "out", "", "the .deb to write")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if p.arch == "" || p.version == "" || p.commit == "" || p.epoch == 0 || p.stage == "" || p.out == "" {
		return fmt.Errorf("deb: -arch, -version, -commit, -epoch, -stage and -out are required")
	}
	return buildDeb(p)
}

func buildDeb(p debParams) error {
	mtime := time.Unix(p.epoch, 0).UTC()
	work, err := os.MkdirTemp("", "votebot-deb-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)

	contents, err := debContents(p, work, mtime)
	if err != nil {
		return err
	}
	scripts := map[string]string{}
	for _, name := range []string{"postinst", "prerm", "postrm"} {
		if scripts[name], err = writeEmbedded(work, "debian/"+name, 0o755); err != nil {
			return err
		}
	}
	info := &nfpm.Info{
		Name:          "votebot",
		Arch:          p.arch,
		Platform:      "linux",
		Version:       p.version,
		VersionSchema: "none", // the version is already Debian's; nfpm must not reparse it
		Section:       "net",
		Priority:      "optional",
		Maintainer:    maintainer,
		Description:   description,
		Homepage:      homepage,
		MTime:         mtime,
		Overridables: nfpm.Overridables{
			// The unit reloads with /bin/kill -HUP; everything else is in the static binary.
			Depends:  []string{"procps"},
			Contents: contents,
			Scripts:  nfpm.Scripts{PostInstall: scripts["postinst"], PreRemove: scripts["prerm"], PostRemove: scripts["postrm"]},
			Deb:      nfpm.Deb{Compression: "xz"},
		},
	}
	info = nfpm.WithDefaults(info)
	if err := nfpm.PrepareForPackager(info, "deb"); err != nil {
		return fmt.Errorf("deb: prepare %s: %w", p.arch, err)
	}
	var buf bytes.Buffer
	if err := deb.Default.Package(info, &buf); err != nil {
		return fmt.Errorf("deb: package %s: %w", p.arch, err)
	}
	return os.WriteFile(p.out, buf.Bytes(), 0o644)
}

// debContents lists the package's files: the stage's, moved to Debian's
// paths, plus the copyright and changelog Debian requires.
func debContents(p debParams, work string, mtime time.Time) (files.Contents, error) {
	var contents files.Contents
	add := func(src, dest string, mode os.FileMode, typ string) {
		contents = append(contents, &files.Content{Source: src, Destination: dest, Type: typ,
			FileInfo: &files.ContentFileInfo{Owner: "root", Group: "root", Mode: mode, MTime: mtime}})
	}
	for _, f := range debLayout {
		src := filepath.Join(p.stage, f.stage)
		if f.dest == "/lib/systemd/system/votebot.service" {
			var err error
			if src, err = packagedUnit(src, work); err != nil {
				return nil, err
			}
		}
		if _, err := os.Stat(src); err != nil {
			return nil, fmt.Errorf("deb: stage: %w", err)
		}
		typ := ""
		if f.conffile {
			typ = files.TypeConfig
		}
		add(src, f.dest, f.mode, typ)
	}
	copyright, err := writeEmbedded(work, "debian/copyright", 0o644)
	if err != nil {
		return nil, err
	}
	add(copyright, "/usr/share/doc/votebot/copyright", 0o644, "")
	overrides, err := writeEmbedded(work, "debian/lintian-overrides", 0o644)
	if err != nil {
		return nil, err
	}
	add(overrides, "/usr/share/lintian/overrides/votebot", 0o644, "")
	changelog := filepath.Join(work, "changelog.gz")
	if err := os.WriteFile(changelog, debChangelog(p, mtime), 0o644); err != nil {
		return nil, err
	}
	add(changelog, "/usr/share/doc/votebot/changelog.gz", 0o644, "")
	return contents, nil
}

// packagedUnit rewrites install.sh's unit for the package's paths: the
// binary in /usr/bin and the docs in /usr/share/doc.
func packagedUnit(src, work string) (string, error) {
	unit, err := os.ReadFile(src)
	if err != nil {
		return "", fmt.Errorf("deb: unit: %w", err)
	}
	text := string(unit)
	for _, path := range []string{"/usr/local/bin/votebot", "/usr/local/share/doc/votebot/"} {
		if !strings.Contains(text, path) {
			return "", fmt.Errorf("deb: unit %s no longer names %s: update packagedUnit", src, path)
		}
	}
	text = strings.ReplaceAll(text, "/usr/local/", "/usr/")
	text = strings.ReplaceAll(text, "Installed by deploy/install.sh", "Installed by the votebot package")
	out := filepath.Join(work, "votebot.service")
	return out, os.WriteFile(out, []byte(text), 0o644)
}

// debChangelog is the native package's changelog: one entry naming the
// commit, dated by the commit, gzip'ed without a timestamp.
func debChangelog(p debParams, mtime time.Time) []byte {
	entry := fmt.Sprintf("votebot (%s) unstable; urgency=medium\n\n  * Release built from commit %s.\n\n -- %s  %s\n",
		p.version, p.commit, maintainer, mtime.Format(time.RFC1123Z))
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression) // a valid level: no error
	zw.Write([]byte(entry))
	zw.Close()
	return buf.Bytes()
}

func writeEmbedded(dir, name string, mode os.FileMode) (string, error) {
	data, err := debianFiles.ReadFile(name)
	if err != nil {
		return "", err
	}
	out := filepath.Join(dir, filepath.Base(name))
	if err := os.WriteFile(out, data, mode); err != nil {
		return "", err
	}
	return out, os.Chmod(out, mode)
}
