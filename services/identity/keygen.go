package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/tmfcatalog/platform/libs/auth"
	"github.com/tmfcatalog/platform/services/identity/internal/keys"
)

// keygen writes a new RSA private key: identity keygen [-out FILE] [-bits N] [-force].
// An existing file is kept (exit 0) unless -force, so "make setup-keys" is idempotent.
func keygen(args []string, out io.Writer) error {
	fl := flag.NewFlagSet("keygen", flag.ContinueOnError)
	fl.SetOutput(out)
	path := fl.String("out", ".keys/jwt-private.pem", "private key file to write (PKCS #8 PEM, mode 0600)")
	bits := fl.Int("bits", keys.DefaultBits, "RSA modulus size")
	force := fl.Bool("force", false, "replace an existing file")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if _, err := os.Stat(*path); err == nil {
		if !*force {
			fmt.Fprintf(out, "%s exists; keeping it (use -force to replace)\n", *path)
			return nil
		}
		if err := os.Remove(*path); err != nil {
			return fmt.Errorf("replace %s: %w", *path, err)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("stat %s: %w", *path, err)
	}
	k, err := keys.Generate(*bits)
	if err != nil {
		return err
	}
	if err := keys.WritePrivateKeyPEM(*path, k); err != nil {
		return err
	}
	fmt.Fprintf(out, "wrote %s (kid %s)\n", *path, auth.KeyID(&k.PublicKey))
	return nil
}
