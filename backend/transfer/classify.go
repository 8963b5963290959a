package transfer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// unsupportedError says a file comes from a service whose exports Murmur
// does not read: the whole file is refused with that one reason.
type unsupportedError struct{ msg string }

func (e *unsupportedError) Error() string { return e.msg }

func unsupported(what string) error {
	return &unsupportedError{fmt.Sprintf("it looks like %s, which Murmur cannot import yet (it imports Murmur exports, ChatGPT and Claude data exports, and OpenAI messages files)", what)}
}

// classifyObject tells what a top-level JSON object is.
func classifyObject(val []byte) (Kind, error) {
	var p struct {
		Format         json.RawMessage `json:"format"`
		Mapping        json.RawMessage `json:"mapping"`
		Messages       json.RawMessage `json:"messages"`
		Role           json.RawMessage `json:"role"`
		ChatMessages   json.RawMessage `json:"chat_messages"`
		CreateTime     json.RawMessage `json:"create_time"`
		InsertedAt     json.RawMessage `json:"inserted_at"`
		ChunkedPrompt  json.RawMessage `json:"chunkedPrompt"`
		Header         json.RawMessage `json:"header"`
		Products       json.RawMessage `json:"products"`
		Chat           json.RawMessage `json:"chat"`
		UserID         json.RawMessage `json:"user_id"`
		ConversationID json.RawMessage `json:"conversationId"`
		Docs           json.RawMessage `json:"docs"`
		PromptTemplate json.RawMessage `json:"prompt_template"`
	}
	if err := json.Unmarshal(val, &p); err != nil {
		return "", fmt.Errorf("it is not valid JSON: %v", jsonProblem(err))
	}
	switch {
	case p.Format != nil:
		var f string
		if json.Unmarshal(p.Format, &f) != nil {
			return "", errors.New(`its "format" field is not a string`)
		}
		if f != "murmur.conversation" {
			return "", fmt.Errorf("it is a %q document, not a conversation (imports bring in conversations only)", displayName(f))
		}
		return KindMurmur, nil
	case p.Mapping != nil && p.InsertedAt != nil && p.CreateTime == nil:
		return "", unsupported("a DeepSeek export")
	case p.Mapping != nil:
		return KindChatGPT, nil
	case p.ChatMessages != nil:
		return KindClaude, nil
	case p.ChunkedPrompt != nil:
		return "", unsupported("a Google AI Studio prompt")
	case p.Header != nil && p.Products != nil:
		var h string
		_ = json.Unmarshal(p.Header, &h)
		if strings.Contains(h, "Gemini") || strings.Contains(h, "Bard") {
			return "", unsupported("Gemini activity from Google Takeout")
		}
		return "", unsupported("activity from Google Takeout")
	case p.Chat != nil && p.UserID != nil:
		return "", unsupported("an Open WebUI export")
	case p.ConversationID != nil && p.Messages != nil:
		return "", unsupported("a LibreChat export")
	case p.Docs != nil && p.PromptTemplate != nil:
		return "", &unsupportedError{"it is Claude's projects.json (projects and their documents); import conversations.json, or the whole export zip"}
	case p.Messages != nil:
		return KindOpenAI, nil
	case p.Role != nil:
		return "", errors.New("it is a single message, not a conversation; put it in a messages array")
	}
	return "", errors.New(`it is a JSON object Murmur does not know (no "format", "mapping", "chat_messages" or "messages" field)`)
}

// classifyElement tells what the first element of a top-level array is.
func classifyElement(val []byte) (Kind, error) {
	if len(val) == 0 || val[0] != '{' {
		return "", fmt.Errorf("the list holds %s, not conversations or messages", jsonTypeName(val))
	}
	k, err := classifyObject(val)
	var ue *unsupportedError
	if errors.As(err, &ue) {
		return "", err
	}
	if err != nil {
		var p struct {
			Role json.RawMessage `json:"role"`
		}
		if json.Unmarshal(val, &p) == nil && p.Role != nil {
			return KindOpenAI, nil
		}
		return "", err
	}
	if k == KindOpenAI {
		return "", errors.New("the list holds request bodies; import them one file at a time")
	}
	return k, nil
}

// jsonTypeName names the type of a JSON value for messages.
func jsonTypeName(val []byte) string {
	val = bytes.TrimSpace(val)
	if len(val) == 0 {
		return "nothing"
	}
	switch val[0] {
	case '{':
		return "an object"
	case '[':
		return "a list"
	case '"':
		return "a string"
	case 't', 'f':
		return "a true/false value"
	case 'n':
		return "null"
	}
	return "a number"
}

// jsonProblem shortens a decoding error for a person: which field had the
// wrong type, or where the syntax broke.
func jsonProblem(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		if field == "" {
			field = "a value"
		} else {
			field = fmt.Sprintf("%q", displayName(field))
		}
		return fmt.Sprintf("%s is %s where %s was expected", field, te.Value, goTypeName(te.Type.String()))
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%v (at byte %d)", se, se.Offset)
	}
	return displayName(err.Error())
}

func goTypeName(t string) string {
	switch {
	case t == "string":
		return "text"
	case t == "float64" || t == "int" || t == "int64" || t == "*float64":
		return "a number"
	case t == "bool":
		return "true/false"
	case len(t) > 2 && t[:2] == "[]":
		return "a list"
	case len(t) > 4 && t[:4] == "map[":
		return "an object"
	}
	return "another type"
}
