// Package winexe reads what a user would notice of a Windows executable
// without running it: architecture, GUI or console subsystem, the DLLs it
// loads at start, its icon, version resource and manifest. It lets a Linux
// machine check the cross-built murmur.exe, since no Windows is at hand and
// Wine cannot start Go 1.26 binaries.
package winexe

import (
	"debug/pe"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf16"
)

// Resource types (winuser.h).
const (
	rtIcon      = 3
	rtGroupIcon = 14
	rtVersion   = 16
	rtManifest  = 24
)

// Exe is what Inspect read from one executable.
type Exe struct {
	Machine   uint16
	PE32Plus  bool
	Subsystem uint16
	// DLLs are the libraries in the import table, lower case, sorted.
	DLLs []string
	// IconSizes are the pixel sizes in the first icon group, the one
	// Explorer shows; nil without an icon.
	IconSizes []int
	// FileVersion and ProductVersion are the fixed four-part numbers of the
	// version resource; Strings its string table (ProductVersion,
	// FileDescription, …). All empty without a version resource.
	FileVersion    string
	ProductVersion string
	Strings        map[string]string
	// Manifest is the application manifest, nil without one.
	Manifest []byte
}

// Inspect reads the executable at path.
func Inspect(path string) (*Exe, error) {
	f, err := pe.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read %s as a Windows executable: %w", path, err)
	}
	defer f.Close()
	exe := &Exe{Machine: f.Machine}
	var resDir pe.DataDirectory
	switch oh := f.OptionalHeader.(type) {
	case *pe.OptionalHeader64:
		exe.PE32Plus, exe.Subsystem = true, oh.Subsystem
		if len(oh.DataDirectory) > pe.IMAGE_DIRECTORY_ENTRY_RESOURCE {
			resDir = oh.DataDirectory[pe.IMAGE_DIRECTORY_ENTRY_RESOURCE]
		}
	case *pe.OptionalHeader32:
		exe.Subsystem = oh.Subsystem
		if len(oh.DataDirectory) > pe.IMAGE_DIRECTORY_ENTRY_RESOURCE {
			resDir = oh.DataDirectory[pe.IMAGE_DIRECTORY_ENTRY_RESOURCE]
		}
	default:
		return nil, fmt.Errorf("read %s: no optional header: not an executable image", path)
	}
	// debug/pe's ImportedLibraries is unimplemented; each imported symbol
	// is "name:library".
	syms, err := f.ImportedSymbols()
	if err != nil {
		return nil, fmt.Errorf("read the import table of %s: %w", path, err)
	}
	for _, s := range syms {
		if i := strings.LastIndexByte(s, ':'); i >= 0 {
			if dll := strings.ToLower(s[i+1:]); !slices.Contains(exe.DLLs, dll) {
				exe.DLLs = append(exe.DLLs, dll)
			}
		}
	}
	slices.Sort(exe.DLLs)
	if resDir.VirtualAddress == 0 || resDir.Size == 0 {
		return exe, nil
	}
	res, err := readResources(f, resDir.VirtualAddress)
	if err != nil {
		return nil, fmt.Errorf("read the resources of %s: %w", path, err)
	}
	if err := exe.fill(res); err != nil {
		return nil, fmt.Errorf("read the resources of %s: %w", path, err)
	}
	return exe, nil
}

func (exe *Exe) fill(res []resource) error {
	icons := map[uint32]bool{}
	for _, r := range res {
		if r.typ == rtIcon {
			icons[r.id] = true
		}
	}
	for _, r := range res {
		switch {
		case r.typ == rtGroupIcon && exe.IconSizes == nil:
			sizes, err := groupIconSizes(r.data, icons)
			if err != nil {
				return err
			}
			exe.IconSizes = sizes
		case r.typ == rtVersion && exe.Strings == nil:
			if err := exe.readVersion(r.data); err != nil {
				return err
			}
		case r.typ == rtManifest && exe.Manifest == nil:
			exe.Manifest = r.data
		}
	}
	return nil
}

// resource is one leaf of the resource tree: type, name and language ids.
type resource struct {
	typ, id, lang uint32
	data          []byte
}

// readResources walks the three-level resource tree (type, name, language)
// of the section holding rva.
func readResources(f *pe.File, rva uint32) ([]resource, error) {
	var sec *pe.Section
	for _, s := range f.Sections {
		if rva >= s.VirtualAddress && rva < s.VirtualAddress+max(s.VirtualSize, s.Size) {
			sec = s
			break
		}
	}
	if sec == nil {
		return nil, errors.New("the resource directory is in no section")
	}
	data, err := sec.Data()
	if err != nil {
		return nil, fmt.Errorf("read section %s: %w", sec.Name, err)
	}
	start := rva - sec.VirtualAddress
	if int(start) > len(data) {
		return nil, errors.New("the resource directory lies past its section's data")
	}
	dir := data[start:]
	var out []resource
	var walk func(off uint32, depth int, path [3]uint32) error
	walk = func(off uint32, depth int, path [3]uint32) error {
		if depth > 2 {
			return errors.New("the resource tree is deeper than type, name and language")
		}
		if int(off)+16 > len(dir) {
			return errors.New("a resource directory is cut short")
		}
		n := int(binary.LittleEndian.Uint16(dir[off+12:])) + int(binary.LittleEndian.Uint16(dir[off+14:]))
		for i := range n {
			e := int(off) + 16 + 8*i
			if e+8 > len(dir) {
				return errors.New("a resource directory entry is cut short")
			}
			name := binary.LittleEndian.Uint32(dir[e:])
			target := binary.LittleEndian.Uint32(dir[e+4:])
			p := path
			if name&0x80000000 == 0 {
				p[depth] = name
			} else {
				p[depth] = 0 // a named resource: the checks only look at numbered ones
			}
			if target&0x80000000 != 0 {
				if err := walk(target&0x7fffffff, depth+1, p); err != nil {
					return err
				}
				continue
			}
			if depth != 2 {
				return errors.New("resource data above the language level")
			}
			if int(target)+16 > len(dir) {
				return errors.New("a resource data entry is cut short")
			}
			dataRVA := binary.LittleEndian.Uint32(dir[target:])
			size := binary.LittleEndian.Uint32(dir[target+4:])
			lo := uint64(dataRVA) - uint64(sec.VirtualAddress)
			if dataRVA < sec.VirtualAddress || lo+uint64(size) > uint64(len(data)) {
				return errors.New("resource data lies outside its section")
			}
			out = append(out, resource{typ: p[0], id: p[1], lang: p[2], data: data[lo : lo+uint64(size)]})
		}
		return nil
	}
	if err := walk(0, 0, [3]uint32{}); err != nil {
		return nil, err
	}
	return out, nil
}

// groupIconSizes reads a GRPICONDIR: the sizes of its images, each of which
// must be an RT_ICON in the file.
func groupIconSizes(b []byte, icons map[uint32]bool) ([]int, error) {
	if len(b) < 6 || binary.LittleEndian.Uint16(b[2:]) != 1 {
		return nil, errors.New("the icon group is not an icon directory")
	}
	n := int(binary.LittleEndian.Uint16(b[4:]))
	if len(b) < 6+14*n {
		return nil, errors.New("the icon group is cut short")
	}
	sizes := []int{}
	for i := range n {
		e := b[6+14*i:]
		w := int(e[0])
		if w == 0 {
			w = 256
		}
		id := uint32(binary.LittleEndian.Uint16(e[12:]))
		if !icons[id] {
			return nil, fmt.Errorf("the icon group names image %d, which the file lacks", id)
		}
		sizes = append(sizes, w)
	}
	slices.Sort(sizes)
	return slices.Compact(sizes), nil
}

// versionBlock is one node of a VS_VERSIONINFO tree.
type versionBlock struct {
	key      string
	text     bool
	value    []byte
	children []versionBlock
}

func (exe *Exe) readVersion(b []byte) error {
	root, _, err := parseVersionBlock(b, 0, 0)
	if err != nil {
		return fmt.Errorf("version resource: %w", err)
	}
	if root.key != "VS_VERSION_INFO" {
		return fmt.Errorf("version resource: starts with %q, not VS_VERSION_INFO", root.key)
	}
	if len(root.value) < 52 || binary.LittleEndian.Uint32(root.value) != 0xFEEF04BD {
		return errors.New("version resource: no fixed file info")
	}
	four := func(ms, ls uint32) string {
		return fmt.Sprintf("%d.%d.%d.%d", ms>>16, ms&0xffff, ls>>16, ls&0xffff)
	}
	v := root.value
	u := binary.LittleEndian.Uint32
	exe.FileVersion = four(u(v[8:]), u(v[12:]))
	exe.ProductVersion = four(u(v[16:]), u(v[20:]))
	exe.Strings = map[string]string{}
	for _, c := range root.children {
		if c.key != "StringFileInfo" {
			continue
		}
		for _, table := range c.children {
			for _, s := range table.children {
				if _, seen := exe.Strings[s.key]; !seen {
					exe.Strings[s.key] = strings.TrimRight(decodeUTF16(s.value), "\x00")
				}
			}
		}
	}
	return nil
}

// parseVersionBlock reads the block at off in b, the whole version
// resource (padding aligns to 32 bits from its start). It returns the block
// and the offset after it.
func parseVersionBlock(b []byte, off, depth int) (versionBlock, int, error) {
	if depth > 4 {
		return versionBlock{}, 0, errors.New("nested too deep")
	}
	if off+6 > len(b) {
		return versionBlock{}, 0, errors.New("cut short")
	}
	length := int(binary.LittleEndian.Uint16(b[off:]))
	valueLen := int(binary.LittleEndian.Uint16(b[off+2:]))
	text := binary.LittleEndian.Uint16(b[off+4:]) == 1
	end := off + length
	if length < 6 || end > len(b) {
		return versionBlock{}, 0, fmt.Errorf("a block of %d bytes at %d overruns the resource", length, off)
	}
	p := off + 6
	var key []uint16
	for {
		if p+2 > end {
			return versionBlock{}, 0, errors.New("a key runs past its block")
		}
		c := binary.LittleEndian.Uint16(b[p:])
		p += 2
		if c == 0 {
			break
		}
		key = append(key, c)
	}
	p = align4(p)
	blk := versionBlock{key: string(utf16.Decode(key)), text: text}
	if text {
		valueLen *= 2 // in WORDs for text values
	}
	if valueLen > 0 {
		if p+valueLen > end {
			// Some linkers count the terminating NUL oddly: keep what is there.
			valueLen = end - p
		}
		blk.value = b[p : p+valueLen]
		p = align4(p + valueLen)
	}
	for p < end {
		c, next, err := parseVersionBlock(b, p, depth+1)
		if err != nil {
			return versionBlock{}, 0, err
		}
		blk.children = append(blk.children, c)
		p = align4(next)
	}
	return blk, end, nil
}

func align4(n int) int { return (n + 3) &^ 3 }

func decodeUTF16(b []byte) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	return string(utf16.Decode(u))
}

// windows10DLLs are system DLLs every Windows 10 and 11 installation has in
// System32. An import outside this list could stop the app at start-up on
// a user's machine with "the code execution cannot proceed".
var windows10DLLs = []string{
	"advapi32.dll", "bcrypt.dll", "bcryptprimitives.dll", "cfgmgr32.dll", "combase.dll",
	"comctl32.dll", "comdlg32.dll", "crypt32.dll", "d2d1.dll", "d3d11.dll", "dbghelp.dll",
	"dnsapi.dll", "dwmapi.dll", "dwrite.dll", "dxgi.dll", "gdi32.dll", "imm32.dll",
	"iphlpapi.dll", "kernel32.dll", "kernelbase.dll", "msimg32.dll", "msvcrt.dll", "mswsock.dll",
	"ncrypt.dll", "netapi32.dll", "ntdll.dll", "ole32.dll", "oleaut32.dll", "powrprof.dll",
	"propsys.dll", "psapi.dll", "rpcrt4.dll", "secur32.dll", "setupapi.dll", "shcore.dll",
	"shell32.dll", "shlwapi.dll", "sspicli.dll", "ucrtbase.dll", "user32.dll", "userenv.dll",
	"uxtheme.dll", "version.dll", "windowscodecs.dll", "winhttp.dll", "wininet.dll", "winmm.dll",
	"wintrust.dll", "ws2_32.dll", "wtsapi32.dll",
}

// Want is what the executable should carry.
type Want struct {
	// Machine is the architecture, pe.IMAGE_FILE_MACHINE_*; zero means
	// AMD64. An AMD64 image must be PE32+, any other PE32 (NSIS installers
	// are 32-bit x86 and run on every Windows).
	Machine uint16
	// FileVersion is the fixed four-part file version, e.g. 0.1.0.5.
	FileVersion string
	// ProductVersion is the ProductVersion string, the git describe
	// output without its "v".
	ProductVersion string
	// IconSizes must all be in the icon; Windows picks from them for the
	// taskbar, Start menu and Explorer.
	IconSizes []int
}

// Problems lists, in words, every way exe falls short of a Windows GUI
// program carrying want; none means it passes.
func (exe *Exe) Problems(want Want) []string {
	var p []string
	machine := want.Machine
	if machine == 0 {
		machine = pe.IMAGE_FILE_MACHINE_AMD64
	}
	if exe.Machine != machine {
		p = append(p, fmt.Sprintf("machine is %#x, want %#x", exe.Machine, machine))
	}
	switch {
	case machine == pe.IMAGE_FILE_MACHINE_AMD64 && !exe.PE32Plus:
		p = append(p, "not a PE32+ (64-bit) image")
	case machine != pe.IMAGE_FILE_MACHINE_AMD64 && exe.PE32Plus:
		p = append(p, "a PE32+ (64-bit) image, want PE32")
	}
	if exe.Subsystem != pe.IMAGE_SUBSYSTEM_WINDOWS_GUI {
		p = append(p, fmt.Sprintf("subsystem is %d, want the Windows GUI subsystem (%d): a console window would open with the app", exe.Subsystem, pe.IMAGE_SUBSYSTEM_WINDOWS_GUI))
	}
	for _, dll := range exe.DLLs {
		if !slices.Contains(windows10DLLs, dll) {
			p = append(p, fmt.Sprintf("imports %s, which Windows 10 does not ship", dll))
		}
	}
	if exe.IconSizes == nil {
		p = append(p, "no icon: Explorer and the taskbar would show a blank program")
	}
	for _, s := range want.IconSizes {
		if exe.IconSizes != nil && !slices.Contains(exe.IconSizes, s) {
			p = append(p, fmt.Sprintf("the icon has no %dx%d image (it has %v)", s, s, exe.IconSizes))
		}
	}
	if exe.Strings == nil {
		p = append(p, "no version resource: Properties > Details would be empty")
	} else {
		if want.FileVersion != "" && exe.FileVersion != want.FileVersion {
			p = append(p, fmt.Sprintf("file version is %s, want %s", exe.FileVersion, want.FileVersion))
		}
		if got := exe.Strings["ProductVersion"]; want.ProductVersion != "" && got != want.ProductVersion {
			p = append(p, fmt.Sprintf("ProductVersion string is %q, want %q", got, want.ProductVersion))
		}
		for _, k := range []string{"ProductName", "FileDescription", "CompanyName", "LegalCopyright"} {
			if exe.Strings[k] == "" {
				p = append(p, fmt.Sprintf("the version resource has no %s", k))
			}
		}
	}
	if exe.Manifest == nil {
		p = append(p, "no manifest: Windows would blur the window on high-DPI screens and use old controls")
	} else if err := checkManifest(exe.Manifest); err != nil {
		p = append(p, err.Error())
	}
	return p
}

// checkManifest wants well-formed XML with an assembly identity and a
// declared DPI awareness.
func checkManifest(b []byte) error {
	var m struct {
		XMLName  xml.Name `xml:"assembly"`
		Identity struct {
			Name    string `xml:"name,attr"`
			Version string `xml:"version,attr"`
		} `xml:"assemblyIdentity"`
	}
	if err := xml.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("the manifest is not valid XML: %w", err)
	}
	if m.Identity.Name == "" || m.Identity.Version == "" {
		return errors.New("the manifest has no assembly name and version")
	}
	if !strings.Contains(string(b), "dpiAware") {
		return errors.New("the manifest does not declare DPI awareness")
	}
	return nil
}
