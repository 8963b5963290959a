package transfer

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Errors that stop reading a zip entry (errEntryTooBig) or the whole zip
// (errTotalTooBig).
var (
	errEntryTooBig = errors.New("the entry is damaged or unpacks to more than its header says (a zip bomb?)")
	errTotalTooBig = errors.New("the zip unpacks to more than an import accepts; stopped")
)

// sinkError marks a failure of the caller's sink, which stops the import.
type sinkError struct{ err error }

func (e *sinkError) Error() string { return e.err.Error() }
func (e *sinkError) Unwrap() error { return e.err }

// importZip imports the conversation files of a zip: Murmur JSON files
// (what ExportZip writes with FormatJSON or FormatOpenAI), or ChatGPT's
// export (only its conversations.json, or its numbered parts, is read). Entry names are only
// shown, never used as paths; unsafe ones are refused all the same.
func (im *importer) importZip(r io.ReaderAt, size int64, name string) error {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return fmt.Errorf("it looks like a zip but cannot be read: %w", err)
	}
	if len(zr.File) > im.lim.MaxZipEntries {
		return fmt.Errorf("the zip has %d entries, more than the %d an import accepts", len(zr.File), im.lim.MaxZipEntries)
	}
	// A service's export zip (ChatGPT's, Claude's) is read through its
	// conversations files only; the other files are the images and uploads
	// those conversations refer to, or account data.
	export := false
	for _, f := range zr.File {
		if isChatGPTFile(f.Name) && unsafeEntryName(f.Name) == "" {
			export = true
		}
	}
	im.assets = newZipAssets(zr.File)
	kinds := make(map[Kind]bool)
	defer func() {
		switch {
		case len(kinds) == 1 && kinds[KindChatGPT]:
			im.res.Kind = KindChatGPT
		case len(kinds) == 1 && kinds[KindClaude]:
			im.res.Kind = KindClaude
		case len(kinds) == 1 && kinds[KindMurmur]:
			im.res.Kind = KindMurmurZip
		default:
			im.res.Kind = KindZip
		}
		// Files taken as attachments were not passed over.
		im.res.Ignored -= len(im.assets.used)
	}()
	for i, f := range zr.File {
		if err := im.ctx.Err(); err != nil {
			return err
		}
		src := name + ": " + displayName(f.Name)
		if strings.HasSuffix(f.Name, "/") {
			continue
		}
		if reason := unsafeEntryName(f.Name); reason != "" {
			im.skip(Skip{Source: src, Index: i + 1, Reason: "entry not read: " + reason})
			continue
		}
		isJSON := strings.HasSuffix(strings.ToLower(f.Name), ".json")
		if !isJSON || (export && !isChatGPTFile(f.Name)) {
			im.res.Ignored++
			continue
		}
		if reason := im.entryProblem(f); reason != "" {
			im.skip(Skip{Source: src, Index: i + 1, Reason: "entry not read: " + reason})
			continue
		}
		rc, err := f.Open()
		if err != nil {
			im.skip(Skip{Source: src, Index: i + 1, Reason: "entry not read: " + displayName(err.Error())})
			continue
		}
		er := &entryReader{r: rc, left: int64(f.UncompressedSize64), im: im}
		kind, err := im.importStream(er, src)
		rc.Close()
		if kind != "" {
			kinds[kind] = true
		}
		if err != nil {
			var se *sinkError
			if errors.Is(err, errStop) || errors.Is(err, errTotalTooBig) || im.ctx.Err() != nil || errors.As(err, &se) {
				return err
			}
			im.skip(Skip{Source: src, Reason: "not imported: " + displayName(err.Error())})
		}
	}
	if len(im.res.Imported) == 0 && len(im.res.Skipped) == 0 && im.res.AlreadyImported == 0 {
		return errors.New("the zip holds no conversation files (.json)")
	}
	return nil
}

// entryProblem checks an entry's header against the limits before it is
// opened.
func (im *importer) entryProblem(f *zip.File) string {
	switch {
	case f.Flags&0x1 != 0:
		return "it is encrypted"
	case f.Method != zip.Store && f.Method != zip.Deflate:
		return fmt.Sprintf("it is compressed with method %d, which Murmur cannot read", f.Method)
	case f.UncompressedSize64 > uint64(im.lim.MaxEntryBytes):
		return fmt.Sprintf("it unpacks to %s, more than the %s allowed for one file", humanBytes(int64(min(f.UncompressedSize64, 1<<62))), humanBytes(im.lim.MaxEntryBytes))
	case f.UncompressedSize64 > 1<<20 && (f.CompressedSize64 == 0 || f.UncompressedSize64/f.CompressedSize64 > uint64(im.lim.MaxRatio)):
		return fmt.Sprintf("it is compressed more than %d to 1, the mark of a zip bomb", im.lim.MaxRatio)
	case im.totalUnzip+int64(f.UncompressedSize64) > im.lim.MaxTotalBytes:
		return fmt.Sprintf("the files of the zip unpack to more than the %s an import accepts", humanBytes(im.lim.MaxTotalBytes))
	}
	return ""
}

// unsafeEntryName says what is wrong with an entry name that tries to
// leave the archive, or "" when it is harmless.
func unsafeEntryName(name string) string {
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return "its name holds control characters"
		}
	}
	switch {
	case strings.Contains(name, `\`):
		return "its name holds a backslash (a Windows path)"
	case strings.HasPrefix(name, "/"), len(name) >= 2 && name[1] == ':':
		return "its name is an absolute path"
	}
	for _, seg := range strings.Split(name, "/") {
		if seg == ".." {
			return "its name climbs out of the archive (..)"
		}
	}
	return ""
}

// entryReader reads one zip entry, refusing more bytes than its header
// declared and counting what the whole import unpacked.
type entryReader struct {
	r    io.Reader
	left int64
	im   *importer
}

func (e *entryReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	e.left -= int64(n)
	e.im.totalUnzip += int64(n)
	if e.left < 0 {
		return n, errEntryTooBig
	}
	if e.im.totalUnzip > e.im.lim.MaxTotalBytes {
		return n, errTotalTooBig
	}
	return n, err
}
