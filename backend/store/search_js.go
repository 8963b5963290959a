//go:build js

package store

import (
	"encoding/binary"
	"errors"
	"math/bits"
	"strings"
	"sync"
	"unicode/utf8"
)

// foldedTexts is what the browser's search scans for one conversation: the
// words of each of its texts, folded (lowercase, without diacritics, as the
// search terms are) and each preceded by a space, the texts one after the
// other, each followed by a newline; ends holds where each text ends.
// Punctuation and spacing are dropped: they are never part of a match.
//
// Each text has a Bloom filter of its word prefixes of 2 to maxPrefix bytes
// (filters[from[i]:from[i+1]] for text i): a text whose filter lacks a term
// is skipped without being scanned. sums holds a checksum of each text (id
// and body), so that a save rewrites only the stored texts that changed.
type foldedTexts struct {
	all     string
	ends    []int32
	sums    []uint32
	filters bloom
	from    []int32
}

func foldTexts(ts []text) *foldedTexts {
	n := 0
	for _, t := range ts {
		n += len(t.body) + 1
	}
	b := make([]byte, 0, n)
	f := &foldedTexts{ends: make([]int32, len(ts)), sums: make([]uint32, len(ts)), from: make([]int32, len(ts)+1)}
	for i, t := range ts {
		start := len(b)
		b = appendFoldedWords(b, t.body)
		f.ends[i] = int32(len(b))
		f.filters = appendPrefixFilter(f.filters, b[start:])
		f.from[i+1] = int32(len(f.filters))
		b = append(b, '\n')
		f.sums[i] = textSum(t)
	}
	f.all = string(b)
	return f
}

// text returns the folded words of text i.
func (f *foldedTexts) text(i int) string {
	start := 0
	if i > 0 {
		start = int(f.ends[i-1]) + 1
	}
	return f.all[start:f.ends[i]]
}

// textSum is FNV-1a (32 bits) of a text's id, a zero byte and its body.
func textSum(t text) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(t.id); i++ {
		h = (h ^ uint32(t.id[i])) * 16777619
	}
	h *= 16777619
	for i := 0; i < len(t.body); i++ {
		h = (h ^ uint32(t.body[i])) * 16777619
	}
	return h
}

// maxPrefix is the longest word prefix the filters hold; a longer term is
// looked up by its first maxPrefix bytes.
const maxPrefix = 6

// bloom holds Bloom filters of 64-bit words, each a power of two of them
// long, probed at three places per entry.
type bloom []uint64

// appendPrefixFilter appends the filter of the word prefixes of words
// (folded words, each after a space): about 4 bits per byte of text, for
// usual texts 8 or more per distinct prefix, so that about one lookup in 20
// of an absent prefix passes.
func appendPrefixFilter(filters bloom, words []byte) bloom {
	n := 1
	for n*64 < 4*len(words) {
		n *= 2
	}
	start := len(filters)
	filters = append(filters, make(bloom, n)...)
	f := filters[start:]
	for i := 0; i < len(words); i++ {
		if words[i] != ' ' {
			continue
		}
		// The running hash of the word is the hash of each of its prefixes.
		h := uint64(fnvOffset)
		for j := i + 1; j < len(words) && j <= i+maxPrefix && words[j] != ' '; j++ {
			h = (h ^ uint64(words[j])) * fnvPrime
			if j > i+1 {
				f.add(h)
			}
		}
	}
	return filters
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// termHash is the hash appendPrefixFilter gives a word prefix equal to the
// first maxPrefix bytes of term; 0 for a term of one byte (not filtered).
func termHash(term string) uint64 {
	if len(term) < 2 {
		return 0
	}
	h := uint64(fnvOffset)
	for i := 0; i < min(maxPrefix, len(term)); i++ {
		h = (h ^ uint64(term[i])) * fnvPrime
	}
	return h
}

func (f bloom) add(h uint64) {
	h2 := h>>33 | 1
	mask := uint64(len(f)*64 - 1)
	for k := uint64(0); k < 3; k++ {
		bit := (h + k*h2) & mask
		f[bit/64] |= 1 << (bit % 64)
	}
}

// mayHold reports whether the filter may hold the prefix of hash h (false:
// no word starts with it). h 0 always may.
func (f bloom) mayHold(h uint64) bool {
	if h == 0 || len(f) == 0 {
		return true
	}
	h2 := h>>33 | 1
	mask := uint64(len(f)*64 - 1)
	for k := uint64(0); k < 3; k++ {
		bit := (h + k*h2) & mask
		if f[bit/64]&(1<<(bit%64)) == 0 {
			return false
		}
	}
	return true
}

const foldedVersion = 1

// encode stores f as a version byte, the number of texts, then per text
// where it ends, its checksum and the size of its filter (in words, as a
// power of two), then the filters' words and the folded words.
func (f *foldedTexts) encode() []byte {
	b := make([]byte, 0, 1+binary.MaxVarintLen32*(1+len(f.ends))+5*len(f.ends)+8*len(f.filters)+len(f.all))
	b = append(b, foldedVersion)
	b = binary.AppendUvarint(b, uint64(len(f.ends)))
	for i, e := range f.ends {
		b = binary.AppendUvarint(b, uint64(e))
		b = binary.LittleEndian.AppendUint32(b, f.sums[i])
		b = append(b, byte(bits.TrailingZeros32(uint32(f.from[i+1]-f.from[i]))))
	}
	for _, w := range f.filters {
		b = binary.LittleEndian.AppendUint64(b, w)
	}
	return append(b, f.all...)
}

func decodeFolded(b []byte) (*foldedTexts, error) {
	bad := errors.New("unreadable search texts")
	if len(b) == 0 || b[0] != foldedVersion {
		return nil, bad
	}
	b = b[1:]
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b)) {
		return nil, bad
	}
	b = b[k:]
	f := &foldedTexts{ends: make([]int32, n), sums: make([]uint32, n), from: make([]int32, n+1)}
	prev := int64(-1)
	for i := range f.ends {
		e, k := binary.Uvarint(b)
		if k <= 0 || len(b) < k+5 || b[k+4] > 24 || int64(e) <= prev {
			return nil, bad
		}
		f.ends[i] = int32(e)
		prev = int64(e)
		f.sums[i] = binary.LittleEndian.Uint32(b[k:])
		f.from[i+1] = f.from[i] + 1<<b[k+4]
		b = b[k+5:]
	}
	words := int(f.from[n])
	if len(b) < 8*words {
		return nil, bad
	}
	f.filters = make(bloom, words)
	for i := range f.filters {
		f.filters[i] = binary.LittleEndian.Uint64(b[8*i:])
	}
	f.all = string(b[8*words:])
	for _, e := range f.ends {
		if int(e) >= len(f.all) || f.all[e] != '\n' {
			return nil, bad
		}
	}
	if (n == 0 && f.all != "") || (n > 0 && int(f.ends[n-1]) != len(f.all)-1) {
		return nil, bad
	}
	return f, nil
}

// appendFoldedWords appends the words of s (the runs of word runes, as
// matcher sees them) folded, each after a space.
func appendFoldedWords(b []byte, s string) []byte {
	table := foldTable()
	inWord := false
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
			case 'A' <= c && c <= 'Z':
				c += 'a' - 'A'
			default:
				inWord = false
				continue
			}
			if !inWord {
				b = append(b, ' ')
				inWord = true
			}
			b = append(b, c)
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		if !isWordRune(r) {
			inWord = false
			continue
		}
		var f string
		if r < rune(len(table)) {
			f = table[r]
		} else {
			f = fold(string(r))
		}
		if f == "" {
			continue // a combining mark: part of the word, it folds to nothing
		}
		if !inWord {
			b = append(b, ' ')
			inWord = true
		}
		b = append(b, f...)
	}
	return b
}

// foldTable holds fold(string(r)) for the runes of the alphabets most
// texts are in (Latin, Greek, Cyrillic, Armenian), computed once on first use.
var foldTable = sync.OnceValue(func() []string {
	t := make([]string, 0x590)
	for r := range t {
		t[r] = fold(string(rune(r)))
	}
	return t
})

// find returns the index of the first text in which every term starts a
// word, or -1. terms are folded, hashes their termHash.
func (f *foldedTexts) find(terms []string, hashes []uint64) int {
texts:
	for i := range f.ends {
		filter := f.filters[f.from[i]:f.from[i+1]]
		for _, h := range hashes {
			if !filter.mayHold(h) {
				continue texts
			}
		}
		body := f.text(i)
		for _, t := range terms {
			if !startsAWord(body, t) {
				continue texts
			}
		}
		return i
	}
	return -1
}

// startsAWord reports whether some word of s (in the folded form) starts with t.
func startsAWord(s, t string) bool {
	for pos := 0; pos < len(s); {
		i := strings.Index(s[pos:], t)
		if i < 0 {
			return false
		}
		if p := pos + i; p > 0 && s[p-1] == ' ' {
			return true
		}
		pos += i + 1
	}
	return false
}
