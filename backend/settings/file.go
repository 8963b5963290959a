package settings

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"reflect"
	"strings"
	"time"
	"unicode"
)

// FileName is the name of the settings file in Murmur's config directory.
const FileName = "settings.json"

// MaxFileBytes bounds the settings file; a larger one is treated as corrupt.
const MaxFileBytes = 8 << 20

// LoadReport tells the caller what Load had to do. Its Notes are sentences
// for the UI.
type LoadReport struct {
	// Missing is true when there was no settings file and defaults loaded.
	Missing bool `json:"missing"`
	// CorruptPath is where a settings file that could not be read as
	// settings was moved; defaults loaded instead.
	CorruptPath string `json:"corruptPath,omitempty"`
	// CorruptReason says what was wrong with it.
	CorruptReason string `json:"corruptReason,omitempty"`
	// MigratedFrom is the version an older file was migrated from, or -1.
	MigratedFrom int `json:"migratedFrom"`
	// BackupPath is the copy of the file taken before migrating it.
	BackupPath string `json:"backupPath,omitempty"`
	// NewerVersion is true when the file was written by a newer Murmur;
	// the members this version does not know are kept.
	NewerVersion bool `json:"newerVersion"`
	// Problems are the validation problems of the loaded settings. Save
	// refuses settings with errors until they are fixed.
	Problems []FieldError `json:"problems,omitempty"`
	// Notes are human-readable sentences about all of the above.
	Notes []string `json:"notes,omitempty"`
}

// CorruptError reports settings data that cannot be read as settings.
type CorruptError struct {
	Reason string
}

// Error says why the settings cannot be read.
func (e *CorruptError) Error() string { return "the settings cannot be read: " + e.Reason }

// Decode reads a settings document, migrating an older version in memory.
// It returns a *CorruptError for data that is not a settings document, and
// the version the data had (0 for the first, unversioned shape).
func Decode(data []byte) (Settings, int, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(data)) == 0 {
		return Settings{}, 0, &CorruptError{Reason: "the file is empty"}
	}
	if trimmed := bytes.TrimLeft(data, " \t\r\n"); trimmed[0] != '{' {
		if !json.Valid(data) {
			var v any
			return Settings{}, 0, &CorruptError{Reason: describeJSONError(data, json.Unmarshal(data, &v))}
		}
		return Settings{}, 0, &CorruptError{Reason: "the file does not hold a JSON object"}
	}
	var head struct {
		Version *json.RawMessage `json:"version"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return Settings{}, 0, &CorruptError{Reason: describeJSONError(data, err)}
	}
	version := 0
	if head.Version != nil {
		if err := json.Unmarshal(*head.Version, &version); err != nil || version < 0 {
			return Settings{}, 0, &CorruptError{Reason: fmt.Sprintf("the version %s is not a whole number", clipText(string(*head.Version), 40))}
		}
		if version == 0 {
			return Settings{}, 0, &CorruptError{Reason: "version 0 files have no version member"}
		}
	}
	if version == 0 {
		s, err := migrateV0(data)
		if err != nil {
			return Settings{}, 0, &CorruptError{Reason: err.Error()}
		}
		return s, 0, nil
	}
	s := Default()
	s.Providers = nil
	if err := json.Unmarshal(data, &s); err != nil {
		return Settings{}, version, &CorruptError{Reason: describeJSONError(data, err)}
	}
	if s.Providers == nil {
		// No "providers" member (or null): the defaults. An empty list
		// stays empty.
		s.Providers = Default().Providers
	}
	return s, version, nil
}

// Encode returns the settings document as written to disk: indented JSON
// with a final newline, at least CurrentVersion.
func Encode(s Settings) ([]byte, error) {
	if s.Version < CurrentVersion {
		s.Version = CurrentVersion
	}
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode settings: %w", err)
	}
	return append(b, '\n'), nil
}

// Load reads the settings file at path.
//
//   - No file: defaults, with report.Missing set.
//   - A file that is not a settings document: it is renamed to
//     path.corrupt-<time>, defaults load, and the report says where it went.
//   - An older version: the file is copied to path.v<N>.bak, migrated, and
//     the migrated settings are written back.
//   - Validation problems are reported, not fixed: nothing is dropped.
//
// Load fails only when the file exists but cannot be read or moved aside
// (permissions, I/O), so that nothing is overwritten by defaults.
func Load(ctx context.Context, path string) (Settings, LoadReport, error) {
	return load(ctx, fileDocument{path: path})
}

// document is where the settings document is kept: a file (fileDocument)
// or a value in browser storage (stored.go). Names it returns are for the
// user: a path, or the value's name.
type document interface {
	// read returns the document, an error matching fs.ErrNotExist when
	// there is none, errTooLarge when it is over MaxFileBytes.
	read() ([]byte, error)
	// write replaces the document atomically.
	write(data []byte) error
	// moveAside keeps the document under another name ending in suffix,
	// so that defaults can replace it, and returns that name.
	moveAside(suffix string) (string, error)
	// backup keeps a copy of data, the document of an older version.
	backup(data []byte, version int) (string, error)
}

type fileDocument struct{ path string }

func (f fileDocument) read() ([]byte, error)                   { return readLimited(f.path) }
func (f fileDocument) write(data []byte) error                 { return writeAtomic(f.path, data) }
func (f fileDocument) moveAside(suffix string) (string, error) { return moveAside(f.path, suffix) }
func (f fileDocument) backup(data []byte, version int) (string, error) {
	return backupFile(f.path, data, version)
}

func load(ctx context.Context, doc document) (Settings, LoadReport, error) {
	rep := LoadReport{MigratedFrom: -1}
	if err := ctx.Err(); err != nil {
		return Settings{}, rep, fmt.Errorf("load settings: %w", err)
	}
	data, err := doc.read()
	if errors.Is(err, fs.ErrNotExist) {
		rep.Missing = true
		s := Default()
		return s, rep, nil
	}
	var s Settings
	version := 0
	switch {
	case errors.Is(err, errTooLarge):
		err = &CorruptError{Reason: err.Error()}
	case err != nil:
		return Settings{}, rep, fmt.Errorf("load settings: %w", err)
	default:
		s, version, err = Decode(data)
	}
	var ce *CorruptError
	if errors.As(err, &ce) {
		reason := ce.Reason
		aside, mvErr := doc.moveAside("corrupt-" + time.Now().UTC().Format("20060102T150405Z"))
		if mvErr != nil {
			return Settings{}, rep, fmt.Errorf("load settings: %s, and it could not be moved aside: %w", reason, mvErr)
		}
		rep.CorruptPath, rep.CorruptReason = aside, reason
		rep.Notes = append(rep.Notes, fmt.Sprintf("The settings file could not be read (%s). It was kept as %s and the default settings were loaded.", reason, aside))
		return Default(), rep, nil
	}
	if err != nil {
		return Settings{}, rep, fmt.Errorf("load settings: %w", err)
	}
	if version > CurrentVersion {
		rep.NewerVersion = true
		rep.Notes = append(rep.Notes, fmt.Sprintf("The settings were written by a newer version of Murmur (format %d); settings this version does not know are kept as they are.", version))
	}
	if version < CurrentVersion {
		rep.MigratedFrom = version
		backup, err := doc.backup(data, version)
		if err != nil {
			// Without a backup the old file stays as it is: use the
			// migrated settings in memory only.
			rep.Notes = append(rep.Notes, fmt.Sprintf("The settings were updated from an older format, but no backup could be written (%v), so the file was left unchanged.", err))
		} else {
			rep.BackupPath = backup
			s.Version = CurrentVersion
			enc, err := Encode(s)
			if err == nil {
				err = doc.write(enc)
			}
			if err != nil {
				rep.Notes = append(rep.Notes, fmt.Sprintf("The settings were updated from an older format (backup at %s) but could not be saved: %v.", backup, err))
			} else {
				rep.Notes = append(rep.Notes, fmt.Sprintf("The settings were updated from an older format; the old file was kept as %s.", backup))
			}
		}
		if dropped := droppedSecrets(data); len(dropped) > 0 {
			rep.Notes = append(rep.Notes, fmt.Sprintf("The old settings held %s, which was not carried over: keys belong in the keychain. Enter the key again in the provider's key field.", strings.Join(dropped, ", ")))
		}
	}
	rep.Problems = s.Validate()
	if n := len(Errors(rep.Problems)); n > 0 {
		rep.Notes = append(rep.Notes, fmt.Sprintf("%d setting(s) need attention before the settings can be saved.", n))
	}
	return s, rep, nil
}

// Save validates the settings and writes them atomically to path with mode
// 0600, creating the directory (0700) if needed. Settings with errors are
// refused with a *ValidationError; warnings do not stop a save.
func Save(ctx context.Context, path string, s Settings) error {
	return save(ctx, fileDocument{path: path}, s)
}

func save(ctx context.Context, doc document, s Settings) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("save settings: %w", err)
	}
	problems := s.Validate()
	if len(Errors(problems)) > 0 {
		return fmt.Errorf("save settings: %w", &ValidationError{Problems: problems})
	}
	data, err := Encode(s)
	if err != nil {
		return fmt.Errorf("save settings: %w", err)
	}
	if err := doc.write(data); err != nil {
		return fmt.Errorf("save settings: %w", err)
	}
	return nil
}

var errTooLarge = fmt.Errorf("the file is larger than %d MiB", MaxFileBytes>>20)

// readLimited reads a file of at most MaxFileBytes.
func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var buf bytes.Buffer
	n, err := buf.ReadFrom(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return nil, err // an *os.PathError: "read PATH: …"
	}
	if n > MaxFileBytes {
		return nil, errTooLarge
	}
	return buf.Bytes(), nil
}

// describeJSONError names where the JSON goes wrong, by line and column.
func describeJSONError(data []byte, err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		line, col := lineCol(data, se.Offset)
		return fmt.Sprintf("invalid JSON at line %d, column %d: %v", line, col, se)
	case errors.As(err, &te):
		line, col := lineCol(data, te.Offset)
		field := jsonPath(te.Field)
		if field == "" {
			field = "the document"
		}
		return fmt.Sprintf("%s should be %s, not %s (line %d, column %d)", field, kindWords(te.Type), valueWords(te.Value), line, col)
	}
	return err.Error()
}

// jsonPath turns encoding/json's field path into the path in the file:
// embedded structs (defaults' Params) appear there under their Go name,
// while every member of the settings file is lower case.
func jsonPath(field string) string {
	parts := strings.Split(field, ".")
	kept := parts[:0]
	for _, p := range parts {
		if p != "" && !unicode.IsUpper(rune(p[0])) {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, ".")
}

// kindWords names a Go type the way a person editing JSON thinks of it.
func kindWords(t reflect.Type) string {
	if t == nil {
		return "something else"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.String:
		return "text in quotes"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return t.String()
}

// valueWords names the JSON value encoding/json found.
func valueWords(v string) string {
	switch {
	case v == "string":
		return "text"
	case v == "array":
		return "a list"
	case v == "object":
		return "an object"
	case v == "bool":
		return "true or false"
	case strings.HasPrefix(v, "number"):
		return "a number"
	}
	return v
}

func lineCol(data []byte, off int64) (int, int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(off) - bytes.LastIndexByte(before, '\n')
	return line, col
}

// rawMember returns the raw value of a top-level member of a JSON object.
func rawMember(data []byte, name string) (json.RawMessage, bool) {
	var m map[string]json.RawMessage
	if json.Unmarshal(data, &m) != nil {
		return nil, false
	}
	v, ok := m[name]
	return v, ok
}
