// Command release packages the binaries scripts/release builds: a .deb per
// architecture (nfpm) and a multi-architecture OCI image tarball
// (go-containerregistry), both without a daemon and byte-identical for the
// same inputs. It is its own module so that its dependencies never change
// the versions the votebot binary is built with.
//
//	go -C internal/release run . deb   -arch amd64 -version V -commit C -epoch N -stage DIR -out FILE
//	go -C internal/release run . image -version V -commit C -epoch N -binary amd64=PATH -binary arm64=PATH -config FILE -out FILE
//	go -C internal/release run . check-image -in FILE -binary PATH -rootfs DIR
package main

import (
	"fmt"
	"os"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "release:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: release deb|image|check-image [flags] (see main.go)")
	}
	switch args[0] {
	case "deb":
		return runDeb(args[1:])
	case "image":
		return runImage(args[1:])
	case "check-image":
		return runCheckImage(args[1:])
	}
	return fmt.Errorf("unknown command %q: want deb, image or check-image", args[0])
}
