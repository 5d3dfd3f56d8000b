// Package dashboard loads dashboard definitions (YAML files), evaluates
// their panels against a mission's data and builds ECharts options with pure
// functions. It knows nothing about HTTP: the web package renders the views
// it returns.
package dashboard
