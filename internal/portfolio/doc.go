// Package portfolio is Begira's domain vocabulary: missions and their
// taxonomies, projects, organisations and signals, and the coded errors every
// other package speaks. It imports nothing but the standard library so that
// every layer can depend on it.
package portfolio
