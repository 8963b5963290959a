package view

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
