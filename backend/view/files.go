package view

import "murmur/backend/transfer"

// AppInfo names the running app.
type AppInfo struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	// Shell is "desktop" or "web".
	Shell string `json:"shell"`
}

// ExportResult says where an export went.
type ExportResult struct {
	// Saved is false when the user cancelled the file dialog.
	Saved bool   `json:"saved"`
	Where string `json:"where"`
	Count int    `json:"count"`
}

// ImportedItem is one conversation an import brought in.
type ImportedItem struct {
	ID       string   `json:"id"`
	Title    string   `json:"title"`
	Source   string   `json:"source"`
	Messages int      `json:"messages"`
	Notes    []string `json:"notes"`
	// Replaced: it replaced an older import of itself.
	Replaced bool `json:"replaced"`
}

// ImportSkip is one conversation (or zip entry) an import left out, and why.
type ImportSkip struct {
	Source string `json:"source"`
	Index  int    `json:"index"`
	Title  string `json:"title"`
	Reason string `json:"reason"`
}

// ImportResult lists what an import brought in and what it skipped.
type ImportResult struct {
	// Chosen is false when the user cancelled the file dialog.
	Chosen   bool           `json:"chosen"`
	Kind     string         `json:"kind"`
	Imported []ImportedItem `json:"imported"`
	Skipped  []ImportSkip   `json:"skipped"`
	// MoreSkipped counts skipped items beyond the listed ones.
	MoreSkipped int `json:"moreSkipped"`
	// Ignored counts zip entries that are not conversations.
	Ignored int `json:"ignored"`
	// AlreadyImported counts conversations imported before, left as they are.
	AlreadyImported int `json:"alreadyImported"`
	// Attachments counts the files brought in with the conversations.
	Attachments int `json:"attachments"`
	// Summary is the one line to show; Details what it only counts, a line each.
	Summary string   `json:"summary"`
	Details []string `json:"details"`
}

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
