//go:build !(js && widget)

package main

import (
	"context"
	"io"

	"murmur/backend/shell"
	"murmur/backend/transfer"
	"murmur/backend/view"
)

// ExportConversation exports one conversation in format (markdown, json,
// html, text or openai) to a file the user chooses. allBranches includes
// every regenerated reply and edited prompt in the readable formats; Murmur
// JSON always keeps them all.
func (a *App) ExportConversation(id, format string, allBranches bool) (view.ExportResult, error) {
	if err := checkConvID(id); err != nil {
		return view.ExportResult{}, err
	}
	f, err := transfer.ParseFormat(format)
	if err != nil {
		return view.ExportResult{}, view.Invalid("format", "%s", err.Error())
	}
	ctx := a.context()
	c, err := a.store.Get(ctx, id)
	if err != nil {
		return view.ExportResult{}, view.FromError("export", err)
	}
	return a.export(ctx, transfer.FileName(c.Title, c.ID, f), f.MIMEType(), func(w io.Writer) (int, error) {
		return 1, transfer.Export(ctx, w, c, f, transfer.Options{AllBranches: allBranches, Attachments: a.store})
	})
}

// ExportAll exports every conversation (archived ones too) into one zip.
func (a *App) ExportAll(format string) (view.ExportResult, error) {
	f, err := transfer.ParseFormat(format)
	if err != nil {
		return view.ExportResult{}, view.Invalid("format", "%s", err.Error())
	}
	ctx := a.context()
	ids, err := a.store.IDs(ctx)
	if err != nil {
		return view.ExportResult{}, view.FromError("export", err)
	}
	return a.export(ctx, "murmur-conversations.zip", "application/zip", func(w io.Writer) (int, error) {
		res, err := transfer.ExportZip(ctx, w, ids, a.store.Get, f, transfer.Options{Attachments: a.store}, nil)
		return len(res.Files), err
	})
}

// export writes an export to where the user chooses; a failed one is
// aborted, so that an old file under the chosen name is left as it was.
func (a *App) export(ctx context.Context, suggested, mimeType string, write func(io.Writer) (int, error)) (view.ExportResult, error) {
	w, where, ok, err := a.shell.SaveFile(ctx, suggested, mimeType)
	if err != nil || !ok {
		return view.ExportResult{}, view.FromError("export", err)
	}
	n, err := write(w)
	if err != nil {
		shell.Abort(w)
		return view.ExportResult{}, view.FromError("export", err)
	}
	if err := w.Close(); err != nil {
		return view.ExportResult{}, view.FromError("export", err)
	}
	return view.ExportResult{Saved: true, Where: where, Count: n}, nil
}

// Import imports conversations from a file the user chooses: a Murmur JSON
// export (or a zip of them), a ChatGPT or Claude export, or an OpenAI
// messages list, with the files they carry. Imported conversations get new
// ids; one imported before is skipped (counted as already imported), or
// replaced when the file holds a newer version and replaceNewer is set.
func (a *App) Import(replaceNewer bool) (view.ImportResult, error) {
	ctx := a.context()
	f, ok, err := a.shell.OpenFile(ctx)
	if err != nil || !ok {
		return view.ImportResult{}, view.FromError("import", err)
	}
	defer f.Close()
	res, err := transfer.Import(ctx, f.Reader, f.Size, f.Name, a.store.Save, transfer.ImportOptions{
		Attachments: a.store, FindSource: a.findSource, ReplaceNewer: replaceNewer,
	})
	return view.ImportResultOf(res, f.Name), view.FromError("import", err)
}

// findSource tells an import which conversations are here already.
func (a *App) findSource(ctx context.Context, service, id string) (transfer.Existing, bool, error) {
	im, ok, err := a.store.FindSource(ctx, service, id)
	return transfer.Existing{ID: im.ID, SourceUpdated: im.SourceUpdated}, ok, err
}
