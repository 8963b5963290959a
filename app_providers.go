package main

import (
	"murmur/backend/settings"
	"murmur/backend/view"
)

// GetSettings returns the settings, how they were loaded, the provider
// presets and the status of every provider's key.
func (a *App) GetSettings() view.SettingsView {
	s := a.providers.Settings()
	return view.SettingsView{
		Settings: view.SettingsOf(s), Report: view.LoadReportOf(a.providers.Report()),
		Presets: view.PresetsOf(settings.Presets()), Keys: view.KeyStatusesOf(a.providers.KeyStatuses(a.context(), s)),
		KeyStorage: view.KeyStorageOf(a.providers.KeyStorage()),
	}
}

// RememberKeys chooses, in a browser, whether keys are stored on this device
// (after the user read KeyStorage.Warning) or kept for the session only.
// The desktop keeps keys in the system keychain and refuses.
func (a *App) RememberKeys(remember bool) (view.SettingsView, error) {
	if sw, _ := a.providers.KeyStorage(); !sw {
		return view.SettingsView{}, &view.Error{Kind: view.KindInvalid, Message: "This Murmur keeps keys in the system keychain; there is nothing to choose."}
	}
	if err := a.providers.RememberKeys(a.context(), remember); err != nil {
		return view.SettingsView{}, view.FromError("remember the keys", err)
	}
	return a.GetSettings(), nil
}

// SaveSettings validates and saves the settings. A provider whose base URL
// moved to another origin (or that was removed) loses its key. Warnings
// (e.g. plain http) are returned; errors refuse the save.
func (a *App) SaveSettings(s view.Settings) ([]view.FieldError, error) {
	warnings, err := a.providers.Save(a.context(), s.Apply)
	if err != nil {
		return nil, view.FromError("save settings", err)
	}
	return view.FieldErrorsOf(warnings), nil
}

// SetKey stores a provider's API key in the keychain (or for this session
// only, when there is no keychain; the status says so).
func (a *App) SetKey(providerID, key string) (view.KeyStatus, error) {
	if err := checkProviderID(providerID); err != nil {
		return view.KeyStatus{}, err
	}
	st, err := a.providers.SetKey(a.context(), providerID, key)
	return view.KeyStatusOf(st), view.FromError("save the key", err)
}

// DeleteKey removes a provider's API key.
func (a *App) DeleteKey(providerID string) (view.KeyStatus, error) {
	if err := checkProviderID(providerID); err != nil {
		return view.KeyStatus{}, err
	}
	st, err := a.providers.DeleteKey(a.context(), providerID)
	return view.KeyStatusOf(st), view.FromError("delete the key", err)
}

// KeyStatus says whether a provider has a key, where it comes from, and its
// last characters — never the key.
func (a *App) KeyStatus(providerID string) (view.KeyStatus, error) {
	if err := checkProviderID(providerID); err != nil {
		return view.KeyStatus{}, err
	}
	st, err := a.providers.KeyStatus(a.context(), providerID)
	return view.KeyStatusOf(st), view.FromError("read the key status", err)
}

// ListModels fetches a provider's model list and keeps it in the settings.
func (a *App) ListModels(providerID string) ([]string, error) {
	if err := checkProviderID(providerID); err != nil {
		return nil, err
	}
	ids, err := a.providers.Models(a.context(), providerID)
	return ids, view.FromError("list models", err)
}

// CheckProvider tests a provider as the user entered it, saved or not, by
// fetching its model list with key (or, for a saved provider at the same
// address, its stored key). Nothing is saved.
func (a *App) CheckProvider(p view.Provider, key string) ([]string, error) {
	if err := checkProviderID(p.ID); err != nil {
		return nil, err
	}
	ids, err := a.providers.Check(a.context(), p.Provider(), key)
	return ids, view.FromError("test the provider", err)
}

// Credits returns the Swarms credit balance of a provider.
func (a *App) Credits(providerID string) (view.Credits, error) {
	if err := checkProviderID(providerID); err != nil {
		return view.Credits{}, err
	}
	c, err := a.providers.Credits(a.context(), providerID)
	if err != nil {
		return view.Credits{}, view.FromError("read credits", err)
	}
	return view.CreditsOf(c), nil
}

// RateLimits returns the Swarms rate-limit status of a provider.
func (a *App) RateLimits(providerID string) (view.RateLimits, error) {
	if err := checkProviderID(providerID); err != nil {
		return view.RateLimits{}, err
	}
	r, err := a.providers.RateLimits(a.context(), providerID)
	if err != nil {
		return view.RateLimits{}, view.FromError("read rate limits", err)
	}
	return view.RateLimitsOf(r), nil
}
