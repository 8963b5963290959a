package secrets

import "strings"

// SwarmsProviderID is the id of the Swarms provider, whose key may also come
// from SWARMS_API_KEY.
const SwarmsProviderID = "swarms"

// EnvVar returns the environment variable that overrides the key of a
// provider: MURMUR_API_KEY_ followed by the id upper-cased, with every
// character other than A-Z and 0-9 written as "_".
func EnvVar(providerID string) string {
	var b strings.Builder
	b.WriteString("MURMUR_API_KEY_")
	for _, r := range strings.ToUpper(providerID) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

// EnvVars returns the environment variables consulted for a provider, in
// order.
func EnvVars(providerID string) []string {
	if providerID == SwarmsProviderID {
		return []string{EnvVar(providerID), "SWARMS_API_KEY"}
	}
	return []string{EnvVar(providerID)}
}

// EnvHint names the environment variables that supply a provider's key, for
// a message that tells a person how to set one: the provider's own variable
// first where it has one, "SWARMS_API_KEY (or MURMUR_API_KEY_SWARMS)", else
// "MURMUR_API_KEY_FAKE".
func EnvHint(providerID string) string {
	vars := EnvVars(providerID)
	last := len(vars) - 1
	if last == 0 {
		return vars[0]
	}
	return vars[last] + " (or " + strings.Join(vars[:last], " or ") + ")"
}

// fromEnv returns the first non-blank environment value for a provider.
func (k *Keys) fromEnv(providerID string) (value, name string, ok bool) {
	for _, name := range EnvVars(providerID) {
		if v, found := k.lookupEnv(name); found {
			if v = strings.TrimSpace(v); v != "" {
				return v, name, true
			}
		}
	}
	return "", "", false
}
