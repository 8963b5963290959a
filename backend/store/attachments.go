package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"time"

	"murmur/backend/conversation"
)

// attachDirName is the folder of attachment files: one per content,
// named by its id, shared by every message that refers to it.
const attachDirName = "attachments"

// ErrTooLarge: an attachment is larger than MaxAttachmentBytes.
var ErrTooLarge = errors.New("the attachment is too large")

// MaxAttachmentBytes bounds one attachment file.
const MaxAttachmentBytes = 32 << 20

func (s *Store) attachPath(id string) string { return filepath.Join(s.dir, attachDirName, id) }

// PutAttachment keeps data once under its content id and returns the
// reference a message holds (name and media type as given, for display and
// sending). Putting the same bytes again writes nothing.
func (s *Store) PutAttachment(ctx context.Context, name, mime string, data []byte) (conversation.Attachment, error) {
	a := conversation.Attachment{ID: conversation.AttachmentID(data), Name: name, MIME: mime, Size: int64(len(data))}
	if len(data) > MaxAttachmentBytes {
		return conversation.Attachment{}, fmt.Errorf("keep attachment %s: %w (%d bytes, at most %d)", name, ErrTooLarge, len(data), MaxAttachmentBytes)
	}
	if err := ctx.Err(); err != nil {
		return conversation.Attachment{}, fmt.Errorf("keep attachment %s: %w", name, err)
	}
	if fi, err := s.fs.Stat(s.attachPath(a.ID)); err == nil && fi.Size() == a.Size {
		return a, nil
	}
	dir := filepath.Join(s.dir, attachDirName)
	if err := s.fs.MkdirAll(dir, 0o700); err != nil {
		return conversation.Attachment{}, writeError("keep attachment "+name, err)
	}
	if err := writeAtomic(s.fs, dir, a.ID, data, s.durable); err != nil {
		var dse *dirSyncError
		if !errors.As(err, &dse) {
			return conversation.Attachment{}, writeError("keep attachment "+name, err)
		}
	}
	return a, nil
}

// Attachment returns the bytes of a kept attachment; ErrNotFound when
// there is none with that id.
func (s *Store) Attachment(ctx context.Context, id string) ([]byte, error) {
	if !conversation.ValidAttachmentID(id) {
		return nil, fmt.Errorf("read attachment: %q: %w", truncate(id, 80), ErrInvalidID)
	}
	b, err := s.fs.ReadFile(s.attachPath(id))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read attachment %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read attachment %s: %w", id, err)
	}
	if conversation.AttachmentID(b) != id {
		return nil, fmt.Errorf("read attachment %s: %w: its content no longer matches its id", id, ErrCorrupt)
	}
	return b, nil
}

// attachmentIDs lists the attachments a conversation refers to, each once.
func attachmentIDs(c *conversation.Conversation) []string {
	var ids []string
	seen := map[string]bool{}
	for i := range c.Messages {
		for _, a := range c.Messages[i].Content.Attachments() {
			if !seen[a.ID] {
				seen[a.ID] = true
				ids = append(ids, a.ID)
			}
		}
	}
	return ids
}

// dropUnused removes those of ids that no conversation refers to any more;
// it runs under wmu, after a conversation that referred to them went away.
func (s *Store) dropUnused(ctx context.Context, cat catalog, ids []string) {
	if len(ids) == 0 {
		return
	}
	used, err := cat.attachmentsInUse(ctx)
	if err != nil {
		s.log.Warn("store: could not tell which attachments are still in use; keeping them", "err", err)
		return
	}
	for _, id := range ids {
		if used[id] {
			continue
		}
		if err := s.fs.Remove(s.attachPath(id)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			s.log.Warn("store: could not remove an attachment no longer used", "attachment", id, "err", err)
		}
	}
}

// SweepAttachments removes attachment files no conversation refers to that
// are older than grace: files attached to a message that was never sent.
// It returns how many were removed.
func (s *Store) SweepAttachments(ctx context.Context, grace time.Duration) (int, error) {
	if err := s.waitReconciled(ctx); err != nil {
		return 0, fmt.Errorf("sweep attachments: %w", err)
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	cat, err := s.catalog()
	if err != nil {
		return 0, fmt.Errorf("sweep attachments: %w", err)
	}
	entries, err := s.fs.ReadDir(filepath.Join(s.dir, attachDirName))
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("sweep attachments: %w", err)
	}
	used, err := cat.attachmentsInUse(ctx)
	if err != nil {
		return 0, fmt.Errorf("sweep attachments: %w", err)
	}
	n := 0
	cutoff := time.Now().Add(-grace)
	for _, e := range entries {
		name := e.Name()
		if isTempName(name) {
			s.fs.Remove(s.attachPath(name)) // a write a crash cut short
			continue
		}
		if !conversation.ValidAttachmentID(name) || used[name] {
			continue
		}
		fi, err := e.Info()
		if err != nil || fi.ModTime().After(cutoff) {
			continue
		}
		if err := s.fs.Remove(s.attachPath(name)); err == nil {
			n++
		}
	}
	return n, nil
}
