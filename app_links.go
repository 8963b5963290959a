package main

import (
	"fmt"

	"murmur/backend/links"
	"murmur/backend/view"
)

// OpenLink opens a link from a message in the system browser after the
// user confirms the full URL. It returns false when the user declined.
func (a *App) OpenLink(rawURL string) (bool, error) {
	shown, err := links.Check(rawURL)
	if err != nil {
		return false, view.FromError("open link", err)
	}
	ctx := a.context()
	ok, err := a.shell.Confirm(ctx, "Open this link?", fmt.Sprintf("Murmur will open this address in your browser:\n\n%s", shown))
	if err != nil || !ok {
		return false, view.FromError("open link", err)
	}
	return true, view.FromError("open link", a.shell.OpenURL(ctx, shown))
}
