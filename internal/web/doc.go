// Package web is Begira's HTTP face: the Fiber app with its pages
// (html/template, charts drawn by the embedded ECharts) and the JSON API
// under /api/v1. Handlers translate HTTP to calls on small interfaces and
// back; they never build SQL. Errors reach clients through one ErrorHandler
// that maps domain codes to statuses and never leaks internals.
package web
