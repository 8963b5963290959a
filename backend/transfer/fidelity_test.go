package transfer

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"murmur/backend/conversation"
)

// The fidelity test reads ChatGPT's exports on its own, with the rules of
// what ChatGPT's page shows (independent of the importer's code), and
// checks the import against them: for every user and assistant turn
// ChatGPT would show on the current branch exactly one message on Murmur's
// current branch, in order, holding that turn's text; and every other
// branch present as alternatives.

type oNode struct {
	Parent  *string         `json:"parent"`
	Message *map[string]any `json:"message"`
}

type oConv struct {
	ID          string           `json:"id"`
	CurrentNode *string          `json:"current_node"`
	Mapping     map[string]oNode `json:"mapping"`
}

// oracleTurn is one turn as ChatGPT shows it: who, and pieces of text it
// must hold.
type oracleTurn struct {
	role    string
	anchors []string
}

func str(v any) string { s, _ := v.(string); return s }

func obj(v any) map[string]any { m, _ := v.(map[string]any); return m }

// anchorOf is the part of a text that survives any rewriting of citation
// markup: the text before the first marker.
func anchorOf(s string) string {
	if i := strings.IndexAny(s, "\ue200【"); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

// shown tells what node message m adds to what ChatGPT shows: a prompt
// (user), a piece of the reply (assistant), or nothing ("").
func shown(m map[string]any) (role string, anchors []string, visible bool) {
	meta := obj(m["metadata"])
	if h, _ := meta["is_visually_hidden_from_conversation"].(bool); h {
		return "", nil, false
	}
	author := obj(m["author"])
	content := obj(m["content"])
	ct := str(content["content_type"])
	parts, _ := content["parts"].([]any)
	texts := func() (out []string, objects int) {
		for _, p := range parts {
			switch v := p.(type) {
			case string:
				if a := anchorOf(v); a != "" {
					out = append(out, a)
				}
			case map[string]any:
				if t := str(v["text"]); t != "" {
					out = append(out, t)
				} else if str(v["content_type"]) == "image_asset_pointer" {
					objects++
				}
			}
		}
		return out, objects
	}
	recipient := str(m["recipient"])
	if recipient == "" {
		recipient = "all"
	}
	switch str(author["role"]) {
	case "user":
		if ct != "text" && ct != "multimodal_text" {
			return "", nil, false
		}
		a, objects := texts()
		return "user", a, len(a) > 0 || objects > 0
	case "assistant":
		switch {
		case recipient == "all" && (ct == "text" || ct == "multimodal_text"):
			a, objects := texts()
			return "assistant", a, len(a) > 0 || objects > 0
		case recipient == "all" && ct == "thoughts":
			var a []string
			th, _ := content["thoughts"].([]any)
			for _, t := range th {
				if c := strings.TrimSpace(str(obj(t)["content"])); c != "" {
					a = append(a, c)
				}
			}
			return "assistant", a, len(a) > 0
		case (recipient == "all" || recipient == "python") && ct == "code":
			if c := strings.TrimSpace(str(content["text"])); c != "" && !strings.HasPrefix(recipient, "dalle") {
				return "assistant", []string{c}, true
			}
		case recipient == "canmore.create_textdoc":
			var doc struct{ Content string }
			if json.Unmarshal([]byte(str(content["text"])), &doc) == nil {
				return "assistant", []string{strings.TrimSpace(doc.Content)}, true
			}
		}
	case "tool":
		if ct == "execution_output" && str(author["name"]) == "python" {
			return "assistant", []string{strings.TrimSpace(str(content["text"]))}, true
		}
		if _, objects := texts(); objects > 0 {
			return "assistant", nil, true
		}
	}
	return "", nil, false
}

// oracle returns the turns ChatGPT shows on the branch from the root to
// leaf.
func (c *oConv) oracle(leaf string) []oracleTurn {
	var up []string
	seen := map[string]bool{}
	for id := leaf; id != "" && !seen[id]; {
		seen[id] = true
		n, ok := c.Mapping[id]
		if !ok {
			break
		}
		up = append(up, id)
		if n.Parent == nil {
			break
		}
		id = *n.Parent
	}
	var turns []oracleTurn
	open := false // an assistant turn is being added to
	for i := len(up) - 1; i >= 0; i-- {
		n := c.Mapping[up[i]]
		if n.Message == nil {
			continue
		}
		role, anchors, ok := shown(*n.Message)
		switch {
		case !ok:
		case role == "user":
			turns = append(turns, oracleTurn{role: "user", anchors: anchors})
			open = false
		case open:
			turns[len(turns)-1].anchors = append(turns[len(turns)-1].anchors, anchors...)
		default:
			turns = append(turns, oracleTurn{role: "assistant", anchors: anchors})
			open = true
		}
	}
	return turns
}

func (c *oConv) leaves() []string {
	hasKid := map[string]bool{}
	for _, n := range c.Mapping {
		if n.Parent != nil {
			hasKid[*n.Parent] = true
		}
	}
	var out []string
	for id := range c.Mapping {
		if !hasKid[id] {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

// matches reports whether the Murmur messages path show the turns.
func matches(path []conversation.Message, turns []oracleTurn) bool {
	if len(path) != len(turns) {
		return false
	}
	for i, t := range turns {
		m := path[i]
		if string(m.Role) != t.role {
			return false
		}
		shown := m.Content.PlainText() + "\n" + m.Reasoning
		for _, a := range t.anchors {
			if !strings.Contains(shown, a) {
				return false
			}
		}
	}
	return true
}

func pathTo(c *conversation.Conversation, id string) []conversation.Message {
	var rev []conversation.Message
	for m := c.Message(id); m != nil; m = c.Message(m.ParentID) {
		rev = append(rev, *m)
		if m.ParentID == "" {
			break
		}
	}
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	return rev
}

func describe(turns []oracleTurn) string {
	var s []string
	for _, t := range turns {
		s = append(s, t.role+fmtAnchors(t.anchors))
	}
	return strings.Join(s, " | ")
}

func fmtAnchors(a []string) string {
	if len(a) == 0 {
		return ""
	}
	return ":" + cutBytes(strings.Join(a, "/"), 40)
}

func TestImportFidelityChatGPT(t *testing.T) {
	files := []string{"chatgpt/conversations.json", "chatgpt/vintage-2023-03.json", "chatgpt/vintage-2024-06.json",
		"chatgpt/vintage-2025-04.json", "chatgpt/branches.json", "chatgpt/export-2026-01/conversations-000.json",
		"chatgpt/export-2026-01/conversations-001.json"}
	for _, rel := range files {
		t.Run(rel, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", rel))
			if err != nil {
				t.Fatal(err)
			}
			var convs []oConv
			if err := json.Unmarshal(data, &convs); err != nil {
				t.Fatal(err)
			}
			res, st, err := importBytes(t, data, filepath.Base(rel), ImportOptions{Attachments: newFakeAttachments()})
			if err != nil {
				t.Fatal(err)
			}
			byID := map[string]*conversation.Conversation{}
			for _, id := range st.order {
				if c := st.convs[id]; c.Source != nil {
					byID[c.Source.ID] = c
				}
			}
			checked := 0
			for i := range convs {
				oc := &convs[i]
				mc := byID[oc.ID]
				if mc == nil || oc.CurrentNode == nil {
					continue // no id to match it by, or no current branch to check
				}
				checked++
				cur := oc.oracle(*oc.CurrentNode)
				if !matches(mc.Path(), cur) {
					t.Errorf("%s: current branch\n  ChatGPT shows %s\n  Murmur has    %s", oc.ID, describe(cur), texts(mc.Path()))
				}
				// Every branch of the export is a path of the import.
				for _, leaf := range oc.leaves() {
					turns := oc.oracle(leaf)
					if len(turns) == 0 {
						continue
					}
					found := false
					for _, m := range mc.Messages {
						if matches(pathTo(mc, m.ID), turns) {
							found = true
							break
						}
					}
					if !found {
						t.Errorf("%s: the branch to %s (%s) is not in the import", oc.ID, leaf, describe(turns))
					}
				}
				// And the import invents no branch: no more leaves than the export.
				kids := map[string]bool{}
				for _, m := range mc.Messages {
					kids[m.ParentID] = true
				}
				leaves := 0
				for _, m := range mc.Messages {
					if !kids[m.ID] {
						leaves++
					}
				}
				if leaves > len(oc.leaves()) {
					t.Errorf("%s: %d leaves in the import, %d in the export", oc.ID, leaves, len(oc.leaves()))
				}
			}
			if checked == 0 || len(res.Imported) == 0 {
				t.Fatalf("nothing checked (%d imported)", len(res.Imported))
			}
		})
	}
}
