//go:build !(js && widget)

package view

import "murmur/backend/transfer"

// (The widget's build, js && widget, has no import or export: leaving
// transfer out keeps its Markdown, zip and regexp code out of the module.)

// ImportResultOf maps what the import of file did.
func ImportResultOf(r transfer.Result, file string) ImportResult {
	out := ImportResult{Chosen: true, Kind: string(r.Kind), Imported: make([]ImportedItem, 0, len(r.Imported)),
		Skipped: make([]ImportSkip, 0, len(r.Skipped)), MoreSkipped: r.MoreSkipped, Ignored: r.Ignored,
		AlreadyImported: r.AlreadyImported, Attachments: r.Attachments, Summary: r.Summary(file),
		Details: append([]string{}, r.Details()...)}
	for _, it := range r.Imported {
		out.Imported = append(out.Imported, ImportedItem{ID: it.ID, Title: it.Title, Source: it.Source,
			Messages: it.Messages, Notes: append([]string{}, it.Notes...), Replaced: it.Replaced})
	}
	for _, sk := range r.Skipped {
		out.Skipped = append(out.Skipped, ImportSkip{Source: sk.Source, Index: sk.Index, Title: sk.Title, Reason: sk.Reason})
	}
	return out
}
