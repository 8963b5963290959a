package main

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// release is one build's version, read from `git describe --tags --always
// --dirty` output (the Makefile's VERSION), in the forms each package format
// wants.
type release struct {
	major, minor, patch int
	pre                 string // "rc.1" from a tag v1.2.0-rc.1
	commits             int    // commits since the tag (or since the root without a tag)
	hash                string // abbreviated commit, empty on a tag
	dirty               bool
	describe            string // as given
}

var (
	tagged = regexp.MustCompile(`^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.]+?))?(?:-(\d+)-g([0-9a-f]{4,40}))?$`)
	bare   = regexp.MustCompile(`^[0-9a-f]{4,40}$`)
	// numericVersion is what the Wails templates take as a product version.
	numericVersion = regexp.MustCompile(`^\d+\.\d+\.\d+$`)
)

// parseVersion reads describe. A bare commit hash (a repository without a
// version tag) counts as 0.0.0 plus rootCommits, the number of commits in
// HEAD, so later builds still sort after earlier ones.
func parseVersion(describe string, rootCommits int) (release, error) {
	r := release{describe: describe}
	s, dirty := strings.CutSuffix(describe, "-dirty")
	r.dirty = dirty
	if bare.MatchString(s) {
		if rootCommits < 0 {
			return release{}, fmt.Errorf("version %q: the commit count %d is negative", describe, rootCommits)
		}
		r.hash, r.commits = s, rootCommits
		return r, r.fitsWindows()
	}
	m := tagged.FindStringSubmatch(s)
	if m == nil {
		return release{}, fmt.Errorf("version %q: want a tag such as v1.2.3, git describe output such as v1.2.3-4-gabcdef0, or a commit hash", describe)
	}
	nums := [3]*int{&r.major, &r.minor, &r.patch}
	for i, p := range nums {
		n, err := strconv.Atoi(m[i+1])
		if err != nil {
			return release{}, fmt.Errorf("version %q: %w", describe, err)
		}
		*p = n
	}
	r.pre = m[4]
	if m[5] != "" {
		n, err := strconv.Atoi(m[5])
		if err != nil {
			return release{}, fmt.Errorf("version %q: %w", describe, err)
		}
		r.commits, r.hash = n, m[6]
	}
	return r, r.fitsWindows()
}

// fitsWindows reports a version Windows' four 16-bit fields cannot hold.
func (r release) fitsWindows() error {
	for _, n := range []int{r.major, r.minor, r.patch, r.commits} {
		if n > 65535 {
			return fmt.Errorf("version %q: %d does not fit a Windows version field (at most 65535)", r.describe, n)
		}
	}
	return nil
}

// numeric is MAJOR.MINOR.PATCH: what Wails' templates, Info.plist and the
// NSIS version fields expect as the product version.
func (r release) numeric() string {
	return fmt.Sprintf("%d.%d.%d", r.major, r.minor, r.patch)
}

// windows is the four-part file version: MAJOR.MINOR.PATCH.COMMITS.
func (r release) windows() string {
	return fmt.Sprintf("%s.%d", r.numeric(), r.commits)
}

// file is the version in artifact names and Windows' ProductVersion string:
// the describe output without its leading "v". A bare commit reads as if the
// root commit were tagged v0.0.0 (0.0.0-21-g5c6fa6e), so it still starts with
// the numbers Windows reads its fixed product version from.
func (r release) file() string {
	if r.major == 0 && r.minor == 0 && r.patch == 0 && bare.MatchString(strings.TrimSuffix(r.describe, "-dirty")) {
		s := fmt.Sprintf("0.0.0-%d-g%s", r.commits, r.hash)
		if r.dirty {
			s += "-dirty"
		}
		return s
	}
	return strings.TrimPrefix(r.describe, "v")
}

// deb is a Debian version that sorts the way the builds were made: a
// pre-release before its release (~), commits after a tag after the tag (+).
func (r release) deb() string {
	var b strings.Builder
	b.WriteString(r.numeric())
	if r.pre != "" {
		b.WriteString("~" + r.pre)
	}
	switch {
	case r.hash != "":
		fmt.Fprintf(&b, "+%d.g%s", r.commits, r.hash)
	case r.dirty:
		// Changes on top of the tag: after it, before its next commit.
		b.WriteString("+0")
	}
	if r.dirty {
		b.WriteString(".dirty")
	}
	return b.String()
}

// format returns the version in the named form.
func (r release) format(name string) (string, error) {
	switch name {
	case "file":
		return r.file(), nil
	case "deb":
		return r.deb(), nil
	case "numeric":
		return r.numeric(), nil
	case "windows":
		return r.windows(), nil
	}
	return "", fmt.Errorf("unknown version format %q: want file, deb, numeric or windows", name)
}
