//go:build js && wasm

package browser

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"syscall/js"

	"murmur/backend/jspromise"
	"murmur/backend/shell"
)

// pageShell answers the core's questions through the page: a download for
// an export, the browser's file picker for an import or an attachment, the
// page's own confirmation, a new tab for a link. The core runs in a worker,
// which can do none of these; each is a question the page answers.
type pageShell struct {
	host   js.Value
	handle string
}

func (s pageShell) ask(ctx context.Context, kind string, payload map[string]any) (js.Value, error) {
	obj := js.Global().Get("Object").New()
	for k, v := range payload {
		obj.Set(k, v)
	}
	v, err := jspromise.Await(ctx, s.host.Call("ask", s.handle, kind, obj), nil)
	if err != nil {
		return js.Undefined(), fmt.Errorf("the page could not %s: %w", askWords[kind], err)
	}
	return v, nil
}

var askWords = map[string]string{
	"download": "save the file", "pick": "open the file picker", "confirm": "ask", "open-url": "open the link",
}

// SaveFile collects the export in memory; closing it hands it to the page
// as a download (the browser decides where it goes).
func (s pageShell) SaveFile(ctx context.Context, suggested, mimeType string) (io.WriteCloser, string, bool, error) {
	return &download{ctx: ctx, s: s, name: suggested, mime: mimeType}, "your browser's downloads (" + suggested + ")", true, nil
}

type download struct {
	ctx     context.Context
	s       pageShell
	name    string
	mime    string
	buf     bytes.Buffer
	aborted bool
	closed  bool
}

func (d *download) Write(p []byte) (int, error) {
	if d.closed || d.aborted {
		return 0, errors.New("the export was already finished")
	}
	return d.buf.Write(p)
}

// Abort drops a half-made export: nothing is downloaded.
func (d *download) Abort() { d.aborted = true; d.buf.Reset() }

func (d *download) Close() error {
	if d.closed || d.aborted {
		return nil
	}
	d.closed = true
	data := js.Global().Get("Uint8Array").New(d.buf.Len())
	js.CopyBytesToJS(data, d.buf.Bytes())
	d.buf.Reset()
	_, err := d.s.ask(d.ctx, "download", map[string]any{"name": d.name, "mime": d.mime, "data": data})
	return err
}

// OpenFile asks for one conversation file to import.
func (s pageShell) OpenFile(ctx context.Context) (shell.File, bool, error) {
	files, err := s.pick(ctx, "import", ".json,.zip,application/json,application/zip", false)
	if err != nil || len(files) == 0 {
		return shell.File{}, false, err
	}
	return files[0], true, nil
}

// OpenAttachments asks for files to attach.
func (s pageShell) OpenAttachments(ctx context.Context) ([]shell.File, error) {
	return s.pick(ctx, "attach", "", true)
}

// pick opens the browser's file picker; none when the user cancelled. The
// page sends each file's bytes whole.
func (s pageShell) pick(ctx context.Context, purpose, accept string, multiple bool) ([]shell.File, error) {
	v, err := s.ask(ctx, "pick", map[string]any{"purpose": purpose, "accept": accept, "multiple": multiple})
	if err != nil {
		return nil, err
	}
	if v.Type() != js.TypeObject || v.Get("length").Type() != js.TypeNumber {
		return nil, nil
	}
	files := make([]shell.File, 0, v.Length())
	for i := 0; i < v.Length(); i++ {
		f := v.Index(i)
		data := f.Get("data")
		if data.Type() != js.TypeObject {
			continue
		}
		b := make([]byte, data.Get("byteLength").Int())
		js.CopyBytesToGo(b, data)
		files = append(files, shell.File{
			Name: f.Get("name").String(), Size: int64(len(b)),
			Reader: bytes.NewReader(b), Close: func() error { return nil },
		})
	}
	return files, nil
}

// Confirm asks the page's own yes/no dialog.
func (s pageShell) Confirm(ctx context.Context, title, message string) (bool, error) {
	v, err := s.ask(ctx, "confirm", map[string]any{"title": title, "message": message})
	if err != nil {
		return false, err
	}
	return v.Truthy(), nil
}

// OpenURL opens an already-checked link in a new tab, without giving it a
// handle on this page (noopener, noreferrer).
func (s pageShell) OpenURL(ctx context.Context, url string) error {
	v, err := s.ask(ctx, "open-url", map[string]any{"url": url})
	if err != nil {
		return err
	}
	if !v.Truthy() {
		return fmt.Errorf("the browser blocked the new tab; copy the link and open it yourself: %s", url)
	}
	return nil
}
