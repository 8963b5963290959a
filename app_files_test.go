//go:build !js

package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestOpenLinkAsksFirst(t *testing.T) {
	e := newAppEnv(t)
	ok, err := e.app.OpenLink("https://bücher.example/x")
	if err != nil || ok || len(e.shell.opened) != 0 {
		t.Fatalf("declined link opened: %v %v %v", ok, err, e.shell.opened)
	}
	if !strings.Contains(e.shell.asked, "https://xn--bcher-kva.example/x") {
		t.Fatalf("the confirmation did not show the punycode URL: %q", e.shell.asked)
	}
	e.shell.confirm = true
	if ok, err := e.app.OpenLink("https://example.com/"); err != nil || !ok || len(e.shell.opened) != 1 {
		t.Fatalf("confirmed link: %v %v %v", ok, err, e.shell.opened)
	}
	if _, err := e.app.OpenLink("smb://evil/share"); err == nil || len(e.shell.opened) != 1 {
		t.Fatal("an smb link was opened")
	}
}

func TestExportAndImportThroughTheShell(t *testing.T) {
	e := newAppEnv(t)
	e.app.SetKey("fake", "sk-fake-key-0123456789")
	s, err := e.app.Send("", "/echo exported words", nil)
	if err != nil {
		t.Fatal(err)
	}
	e.waitDone(t, s)
	e.app.engine.Wait()

	res, err := e.app.ExportConversation(s.ConversationID, "json", false)
	if err != nil || !res.Saved {
		t.Fatalf("export: %+v %v", res, err)
	}
	exported := append([]byte(nil), e.shell.saved.Bytes()...)
	if !bytes.Contains(exported, []byte("exported words")) || bytes.Contains(exported, []byte("sk-fake")) ||
		bytes.Contains(exported, []byte(e.api.URL)) {
		t.Fatalf("export content wrong or leaks settings: %s", exported)
	}
	if !strings.HasSuffix(e.shell.suggested, ".json") || strings.ContainsAny(e.shell.suggested, "/\\") {
		t.Errorf("suggested file name %q", e.shell.suggested)
	}

	// The backup of a conversation that is still here imports as "already imported".
	e.shell.importB, e.shell.importN = exported, "export.json"
	imp, err := e.app.Import(false)
	if err != nil || !imp.Chosen || len(imp.Imported) != 0 || imp.AlreadyImported != 1 ||
		!strings.Contains(imp.Summary, "already imported: 1") {
		t.Fatalf("re-import: %+v %v", imp, err)
	}
	// Once it is gone, the backup brings it back, under a new id.
	if err := e.app.DeleteConversation(s.ConversationID); err != nil {
		t.Fatal(err)
	}
	imp, err = e.app.Import(false)
	if err != nil || len(imp.Imported) != 1 || imp.Imported[0].ID == s.ConversationID {
		t.Fatalf("import: %+v %v", imp, err)
	}
	back, err := e.app.GetConversation(imp.Imported[0].ID)
	if err != nil || !strings.Contains(back.Messages[1].Content, "exported words") {
		t.Fatalf("imported conversation %+v %v", back, err)
	}

	e.shell.cancel = true
	if res, err := e.app.ExportConversation(back.ID, "md", false); err != nil || res.Saved {
		t.Fatalf("cancelled export: %+v %v", res, err)
	}
	if imp, err := e.app.Import(false); err != nil || imp.Chosen {
		t.Fatalf("cancelled import: %+v %v", imp, err)
	}
}

type failingWriter struct{ aborted, closed bool }

func (w *failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }
func (w *failingWriter) Close() error              { w.closed = true; return nil }
func (w *failingWriter) Abort()                    { w.aborted = true }

type failingShell struct {
	fakeShell
	w *failingWriter
}

func (s *failingShell) SaveFile(context.Context, string, string) (io.WriteCloser, string, bool, error) {
	return s.w, "somewhere", true, nil
}

func TestFailedExportIsAbortedNotCommitted(t *testing.T) {
	e := newAppEnv(t)
	v, _ := e.app.NewConversation()
	fw := &failingWriter{}
	e.app.shell = &failingShell{w: fw}
	_, err := e.app.ExportConversation(v.ID, "md", false)
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("export to a full disk: %v", err)
	}
	if !fw.aborted || fw.closed {
		t.Fatalf("aborted=%v closed=%v: a failed export must be aborted, not committed", fw.aborted, fw.closed)
	}
}
