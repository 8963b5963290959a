package main

import (
	"encoding/base64"

	"murmur/backend/attachments"
	"murmur/backend/conversation"
	"murmur/backend/shell"
	"murmur/backend/view"
)

// AttachFiles asks the user for files to attach (a native dialog) and keeps
// them; none when the user cancelled. A file that cannot be attached (too
// large, not text or an image Murmur can send) is refused with the reason.
func (a *App) AttachFiles() ([]view.Attachment, error) {
	ctx := a.context()
	files, err := a.shell.OpenAttachments(ctx)
	if err != nil {
		return nil, view.FromError("attach", err)
	}
	defer func() {
		for _, f := range files {
			f.Close()
		}
	}()
	return a.keep(files)
}

// keep reads and keeps files the user chose.
func (a *App) keep(files []shell.File) ([]view.Attachment, error) {
	ctx := a.context()
	out := make([]view.Attachment, 0, len(files))
	for _, f := range files {
		data, err := shell.ReadAll(f, attachments.MaxBytes)
		if err != nil {
			return nil, view.FromError("attach", err)
		}
		kept, err := attachments.Keep(ctx, a.store, f.Name, data)
		if err != nil {
			return nil, view.FromError("attach", err)
		}
		out = append(out, view.AttachmentOf(kept))
	}
	return out, nil
}

// AddAttachment keeps a file the page already holds: a pasted image or a
// file dropped on the composer (base64, as the page reads it).
func (a *App) AddAttachment(name, dataBase64 string) (view.Attachment, error) {
	if len(dataBase64) > base64.StdEncoding.EncodedLen(attachments.MaxBytes) {
		return view.Attachment{}, view.Invalid("data", "%s is larger than the %d MiB an attachment may be", view.Clip(name, 60), attachments.MaxBytes>>20)
	}
	data, err := base64.StdEncoding.DecodeString(dataBase64)
	if err != nil {
		return view.Attachment{}, view.Invalid("data", "the file's content did not arrive whole")
	}
	kept, err := attachments.Keep(a.context(), a.store, name, data)
	if err != nil {
		return view.Attachment{}, view.FromError("attach", err)
	}
	return view.AttachmentOf(kept), nil
}

// AttachmentData returns an attachment's content, for its preview.
func (a *App) AttachmentData(id string) (view.AttachmentData, error) {
	if !conversation.ValidAttachmentID(id) {
		return view.AttachmentData{}, view.Invalid("id", "that is not an attachment id")
	}
	data, err := a.store.Attachment(a.context(), id)
	if err != nil {
		return view.AttachmentData{}, view.FromError("show the attachment", err)
	}
	mime, err := attachments.Classify("attachment", data)
	if err != nil {
		return view.AttachmentData{}, view.FromError("show the attachment", err)
	}
	return view.AttachmentData{ID: id, MIME: mime, Data: base64.StdEncoding.EncodeToString(data)}, nil
}
