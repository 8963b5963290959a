package serve

import (
	"encoding/json"
	"flag"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"murmur/backend/llm"
)

// The command line of issue 13 fills the configuration as it reads.
func TestFlagsOfTheIssueCommandLine(t *testing.T) {
	cfg := DefaultConfig()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cfg.RegisterFlags(fs)
	args := strings.Fields(`--listen 127.0.0.1:8080 --provider swarms
	  --allow-origin https://example.org --allow-origin https://www.example.org
	  --models gpt-4o-mini,claude-sonnet-4-20250514 --rate 30/min --burst 10
	  --max-tokens 4096 --max-loops 3 --max-body 1MB --allow-no-origin --tls-cert c.pem --tls-key k.pem`)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	if cfg.Listen != "127.0.0.1:8080" || cfg.Provider != "swarms" || cfg.Burst != 10 || cfg.MaxTokens != 4096 ||
		cfg.MaxLoops != 3 || cfg.MaxBody != 1<<20 || !cfg.AllowNoOrigin || cfg.TLSCert != "c.pem" || cfg.TLSKey != "k.pem" {
		t.Errorf("config %+v", cfg)
	}
	if !reflect.DeepEqual(cfg.AllowOrigins, []string{"https://example.org", "https://www.example.org"}) {
		t.Errorf("origins %v", cfg.AllowOrigins)
	}
	if !reflect.DeepEqual(cfg.Models, []string{"gpt-4o-mini", "claude-sonnet-4-20250514"}) {
		t.Errorf("models %v", cfg.Models)
	}
	if cfg.Rate != (Rate{N: 30, Per: time.Minute}) {
		t.Errorf("rate %v", cfg.Rate)
	}
	// The CLI fills the upstream from the provider; then it validates.
	cfg.Upstream, cfg.Auth, cfg.Key = llm.SwarmsBaseURL, llm.AuthXAPIKey, "sk-abc"
	if err := cfg.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
}

func TestFlagErrors(t *testing.T) {
	for _, args := range [][]string{
		{"--rate", "fast"},
		{"--rate", "30/fortnight"},
		{"--max-body", "big"},
		{"--max-body", "-1MB"},
		{"--burst", "x"},
	} {
		cfg := DefaultConfig()
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		cfg.RegisterFlags(fs)
		if err := fs.Parse(args); err == nil {
			t.Errorf("%v parsed", args)
		}
	}
}

func TestDefaultsAreSafe(t *testing.T) {
	c := DefaultConfig()
	if c.Listen != "127.0.0.1:8080" {
		t.Errorf("default listen %q: not loopback", c.Listen)
	}
	if c.AllowNoOrigin || len(c.AllowOrigins) != 0 {
		t.Error("defaults allow origins")
	}
	if c.Rate.N == 0 || c.MaxBody == 0 || c.MaxStreams == 0 || c.ReadHeaderTimeout == 0 {
		t.Errorf("a default limit is off: %+v", c)
	}
}

func TestValidate(t *testing.T) {
	good := func() Config {
		c := DefaultConfig()
		c.Upstream, c.Auth, c.Key = "https://api.swarms.world/v1", llm.AuthXAPIKey, "sk-abc"
		return c
	}
	if err := func() *Config { c := good(); return &c }().Validate(); err != nil {
		t.Fatalf("good config: %v", err)
	}
	for _, c := range []struct {
		name string
		mod  func(*Config)
		want string
	}{
		{"listen", func(c *Config) { c.Listen = "8080" }, "--listen"},
		{"no upstream", func(c *Config) { c.Upstream = "" }, "--provider"},
		{"bad upstream", func(c *Config) { c.Upstream = "ftp://x" }, "base URL"},
		{"upstream with credentials", func(c *Config) { c.Upstream = "https://u:p@x/v1" }, "user name"},
		{"no key", func(c *Config) { c.Key = "" }, "murmur key set"},
		{"no key names the variables", func(c *Config) { c.Key, c.Provider = "", "swarms" }, "set SWARMS_API_KEY (or MURMUR_API_KEY_SWARMS) in the environment, or run `murmur key set swarms`"},
		{"key with newline", func(c *Config) { c.Key = "sk\r\nX-Evil: 1" }, "control characters"},
		{"key with auth none", func(c *Config) { c.Auth = llm.AuthNone }, "auth style is none"},
		{"auth style", func(c *Config) { c.Auth = "basic" }, "x-api-key, bearer or none"},
		{"wildcard origin", func(c *Config) { c.AllowOrigins = []string{"*"} }, "wildcards"},
		{"origin with path", func(c *Config) { c.AllowOrigins = []string{"https://example.org/app"} }, "only the scheme"},
		{"origin without scheme", func(c *Config) { c.AllowOrigins = []string{"example.org"} }, "not an origin"},
		{"trust proxy", func(c *Config) { c.TrustProxies = []string{"proxy"} }, "--trust-proxy"},
		{"empty model", func(c *Config) { c.Models = []string{" "} }, "--models"},
		{"burst", func(c *Config) { c.Burst = 0 }, "--burst"},
		{"max tokens", func(c *Config) { c.MaxTokens = -1 }, "--max-tokens"},
		{"max body", func(c *Config) { c.MaxBody = 0 }, "--max-body"},
		{"max body huge", func(c *Config) { c.MaxBody = 1 << 30 }, "--max-body"},
		{"streams", func(c *Config) { c.MaxStreamsPerClient = c.MaxStreams + 1 }, "--max-streams-per-client"},
		{"timeout", func(c *Config) { c.IdleTimeout = 0 }, "--idle-timeout"},
		{"tls half", func(c *Config) { c.TLSCert = "c.pem" }, "--tls-cert and --tls-key"},
		{"provider header sets the key", func(c *Config) { c.Headers = map[string]string{"authorization": "x"} }, "set by murmur serve"},
		{"provider header value", func(c *Config) { c.Headers = map[string]string{"X-A": "a\r\nb"} }, "not a valid HTTP header"},
		{"provider header name", func(c *Config) { c.Headers = map[string]string{"X A": "a"} }, "not a valid HTTP header"},
		{"extra body", func(c *Config) { c.ExtraBody = map[string]json.RawMessage{"x": json.RawMessage("{")} }, "not valid JSON"},
	} {
		cfg := good()
		c.mod(&cfg)
		err := cfg.Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error naming %q", c.name, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "sk-abc") {
			t.Errorf("%s: the error holds the key: %v", c.name, err)
		}
	}
	// Every problem at once.
	c := good()
	c.Listen, c.Burst, c.MaxBody = "x", 0, 0
	if err := c.Validate(); err == nil || strings.Count(err.Error(), "\n") < 2 {
		t.Errorf("errors not joined: %v", err)
	}
}

func TestParseRate(t *testing.T) {
	for in, want := range map[string]Rate{
		"30/min": {30, time.Minute}, "30/m": {30, time.Minute}, "2/s": {2, time.Second}, "2/sec": {2, time.Second},
		"100/hour": {100, time.Hour}, "100/hours": {100, time.Hour}, "1000/day": {1000, 24 * time.Hour},
		"5/10s": {5, 10 * time.Second}, "off": {}, "0": {},
	} {
		got, err := ParseRate(in)
		if err != nil || got != want {
			t.Errorf("ParseRate(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "30", "x/min", "-1/min", "30/", "30/week"} {
		if _, err := ParseRate(in); err == nil {
			t.Errorf("ParseRate(%q) accepted", in)
		}
	}
	if s := (Rate{30, time.Minute}).String(); s != "30/min" {
		t.Errorf("String %q", s)
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{
		"1MB": 1 << 20, "1mb": 1 << 20, "1MiB": 1 << 20, "512KB": 512 << 10, "512k": 512 << 10, "65536": 65536,
		"1.5MB": 3 << 19, "100B": 100, "2 MB": 2 << 20,
	} {
		got, err := ParseSize(in)
		if err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "MB", "-1", "1TB", "1e400"} {
		if _, err := ParseSize(in); err == nil {
			t.Errorf("ParseSize(%q) accepted", in)
		}
	}
}

func TestNormalizeOrigin(t *testing.T) {
	for in, want := range map[string]string{
		"https://Example.org":       "https://example.org",
		"https://example.org/":      "https://example.org",
		"https://example.org:443":   "https://example.org",
		"http://example.org:80":     "http://example.org",
		"http://localhost:5173":     "http://localhost:5173",
		"http://[::1]:8080":         "http://[::1]:8080",
		"https://xn--bcher-kva.org": "https://xn--bcher-kva.org",
	} {
		got, err := normalizeOrigin(in)
		if err != nil || got != want {
			t.Errorf("normalizeOrigin(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"null", "example.org", "https://", "https://*.example.org", "file:///x", "https://a@b", "https://x?q", "https://x:99999"} {
		if got, err := normalizeOrigin(in); err == nil {
			t.Errorf("normalizeOrigin(%q) = %q accepted", in, got)
		}
	}
}
