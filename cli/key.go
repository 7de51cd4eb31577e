package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/huifang/huifang"

	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/i18n"
	"github.com/huifang/huifang/pii"
)

func cmdKey(e *env, args []string) error {
	return sub(e, "key", args, map[string]func(*env, []string) error{"check": keyCheck, "rotate": keyRotate})
}

// keyWatchInterval is how often a serving process reads the key's state.
var keyWatchInterval = 10 * time.Second

// rotationPause is how long a new rotation waits before its first chunk:
// servers started with the old key see it within keyWatchInterval and stop,
// after their running requests.
var rotationPause = 2*keyWatchInterval + defaultShutdownTimeout

// watchKey stops a serving process once its key is no longer the database's:
// a rotation started from another shell, or finished. It would otherwise go on
// sealing personal data under the old key. Errors of the database itself
// (a connection lost for a while) do not stop it.
func watchKey(ctx context.Context, svc *app.Service, stop context.CancelCauseFunc) {
	t := time.NewTicker(keyWatchInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		var refused *huifang.Error
		if err := svc.CheckKey(ctx); errors.As(err, &refused) {
			svc.Log.Error("stopping: the personal-data key is no longer this database's", "reason", refused.Text(i18n.ZH))
			stop(err)
			return
		}
	}
}

// keyCheck says whether the key is the database's (keying a database that has
// no check value yet, as any command would).
func keyCheck(e *env, args []string) error {
	var cfg config
	fs := flags(e, "key check", "key check [--db URL] [--key-file FILE]", &cfg)
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	box, err := cfg.key()
	if err != nil {
		return err
	}
	db, err := cfg.openAny(e.ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	st, err := db.KeyState(e.ctx)
	if err != nil {
		return err
	}
	if r := st.Rotation; r != nil {
		switch {
		case pii.SameCheck(st.Check, box.Check()):
			fmt.Fprintf(e.stdout, "key rotation unfinished (%s, %d rows done): this is the old key\n", r.Stage, r.Rows)
		case pii.SameCheck(r.Next, box.Check()):
			fmt.Fprintf(e.stdout, "key rotation unfinished (%s, %d rows done): this is the new key\n", r.Stage, r.Rows)
		default:
			fmt.Fprintf(e.stdout, "key rotation unfinished (%s, %d rows done): this key is neither the old nor the new one\n", r.Stage, r.Rows)
		}
		return app.ErrRotating
	}
	if err := app.New(db, box, nil).CheckKey(e.ctx); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "the key matches this database")
	return nil
}

// keyRotate reseals the database's personal data under a new key.
func keyRotate(e *env, args []string) error {
	var cfg config
	var newFile string
	var chunk int
	fs := flags(e, "key rotate", "key rotate --new-key-file FILE [--db URL] [--key-file CURRENT]", &cfg)
	fs.StringVar(&newFile, "new-key-file", "", "file holding the new base64 key (make one with: head -c 32 /dev/urandom | base64)")
	fs.IntVar(&chunk, "chunk", 2000, "rows resealed and committed at a time")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	if newFile == "" {
		return usageError{"--new-key-file is required"}
	}
	if chunk < 1 || chunk > 100_000 {
		return usageError{"--chunk must be between 1 and 100000"}
	}
	box, err := cfg.key()
	if err != nil {
		return err
	}
	raw, err := pii.LoadKey(newFile)
	if err != nil {
		return fmt.Errorf("new key: %w", err)
	}
	next, err := pii.New(raw)
	if err != nil {
		return err
	}
	db, err := cfg.openAny(e.ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	svc := app.New(db, box, slog.New(slog.DiscardHandler))
	last := ""
	res, err := svc.RotateKey(e.ctx, app.CLI(), next, app.KeyRotateOptions{
		Chunk: chunk,
		Started: func(ctx context.Context) error {
			// Servers started with the old key see the rotation within
			// keyWatchInterval and stop; give them that, and their requests.
			fmt.Fprintf(e.stderr, "rotation recorded; waiting %s for running servers to stop ...\n", rotationPause)
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(rotationPause):
				return nil
			}
		},
		Progress: func(stage string, rows int64) {
			if stage != last {
				fmt.Fprintf(e.stderr, "resealing %s ...\n", stage)
				last = stage
			}
		},
	})
	if err != nil {
		if res != nil && errors.Is(err, e.ctx.Err()) {
			fmt.Fprintln(e.stderr, "interrupted: run the same command again to finish the rotation")
		}
		return err
	}
	if res.Resumed {
		fmt.Fprintln(e.stdout, "resumed the unfinished rotation")
	}
	fmt.Fprintf(e.stdout, "resealed %d agents and %d policies under the new key; the new key's check value is now the database's.\n", res.Agents, res.Policies)
	fmt.Fprintf(e.stdout, "From now on give the new key (%s); keep the old one only as long as backups made with it.\n", newFile)
	return nil
}
