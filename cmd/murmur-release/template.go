package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"text/template"
)

// project is the part of wails.json that Wails' build-asset templates
// (build/windows/info.json, wails.exe.manifest, darwin/Info.plist, the NSIS
// wails_tools.nsh) read. Field names match Wails' own project type, so a
// template renders here as `wails build` would render it.
type project struct {
	Name           string      `json:"name"`
	OutputFilename string      `json:"outputfilename"`
	Info           projectInfo `json:"info"`
}

type projectInfo struct {
	CompanyName      string            `json:"companyName"`
	ProductName      string            `json:"productName"`
	ProductVersion   string            `json:"productVersion"`
	Copyright        string            `json:"copyright"`
	Comments         string            `json:"comments"`
	FileAssociations []fileAssociation `json:"fileAssociations"`
	Protocols        []protocol        `json:"protocols"`
}

type fileAssociation struct {
	Ext         string `json:"ext"`
	Name        string `json:"name"`
	Description string `json:"description"`
	IconName    string `json:"iconName"`
	Role        string `json:"role"`
}

type protocol struct {
	Scheme      string `json:"scheme"`
	Description string `json:"description"`
	Role        string `json:"role"`
}

// loadProject reads wails.json and sets the product version to version, the
// numeric MAJOR.MINOR.PATCH of this build: the templates append ".0" to it
// where Windows wants four parts.
func loadProject(path, version string) (project, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return project{}, fmt.Errorf("read the Wails project: %w", err)
	}
	var p project
	if err := json.Unmarshal(data, &p); err != nil {
		return project{}, fmt.Errorf("read the Wails project %s: %w", path, err)
	}
	if p.Info.ProductVersion = version; !numericVersion.MatchString(version) {
		return project{}, fmt.Errorf("product version %q: want MAJOR.MINOR.PATCH, such as 1.2.3", version)
	}
	var missing []error
	for _, f := range []struct{ name, value string }{
		{"name", p.Name},
		{"outputfilename", p.OutputFilename},
		{"info.companyName", p.Info.CompanyName},
		{"info.productName", p.Info.ProductName},
		{"info.copyright", p.Info.Copyright},
		{"info.comments", p.Info.Comments},
	} {
		if f.value == "" {
			missing = append(missing, fmt.Errorf("%s is empty", f.name))
		}
	}
	if err := errors.Join(missing...); err != nil {
		return project{}, fmt.Errorf("the Wails project %s: %w", path, err)
	}
	return p, nil
}

// render executes one Wails build-asset template with p. A field the
// template names and project lacks is an error, not an empty string.
func render(name string, text []byte, p project) ([]byte, error) {
	t, err := template.New(name).Option("missingkey=error").Parse(string(text))
	if err != nil {
		return nil, fmt.Errorf("parse the template %s: %w", name, err)
	}
	var out bytes.Buffer
	if err := t.Execute(&out, p); err != nil {
		return nil, fmt.Errorf("render the template %s: %w", name, err)
	}
	return out.Bytes(), nil
}
