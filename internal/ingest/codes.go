package ingest

import "github.com/begira/begira/internal/portfolio"

// Stable codes of rejects and warnings. Messages are English; pages can
// translate by code. A code never changes meaning once released.
const (
	// Rejects (one cell of one row).
	RejRequired        = "required"          // a required value is empty
	RejNumber          = "number"            // not a number in either convention
	RejNumberOther     = "number_convention" // a number only in the convention the column does not use
	RejNumberAmbiguous = "number_ambiguous"  // 1.500 past the values that decided the column, which do not settle it
	RejRange           = "out_of_range"      // a number outside the field's range (latitude 433183)
	RejInt             = "int"               // not a whole number
	RejDate            = "date"              // not a date in the column's format
	RejTwoDigitYear    = "two_digit_year"    // 05/03/24 without a century rule
	RejEnum            = "enum"              // not a code or label of the field's values
	RejMunicipality    = "municipality"      // neither an INE code nor a municipality name
	RejMunicipalityNew = "municipality_unknown"
	RejTerm            = "term"      // no term of the scheme has this code or label
	RejNoScheme        = "no_scheme" // the mission has no scheme for the column
	RejDuplicate       = "duplicate" // the key appears earlier in the file
	RejExists          = "exists"    // append of a key the mission holds
	RejProjectRef      = "project_ref"
	RejFormula         = "formula" // an XLSX formula without a value that could not be computed

	// Warnings (shown in the preview; the file still imports).
	WarnNumberAmbiguous   = "number_ambiguous"  // a column's values read both ways: the commit needs a choice
	WarnDateAmbiguous     = "date_ambiguous"    // dd/mm and mm/dd both fit
	WarnYearRange         = "year_out_of_range" // a year outside 1950–2100
	WarnNegativeBudget    = "negative_budget"   // a budget below zero
	WarnFundingAboveTotal = "funding_above_total"
	WarnEndBeforeStart    = "end_before_start"
	WarnReplaceDeletes    = "replace_deletes" // a replace removes stored rows
	WarnEncoding          = "encoding_suspect"
	WarnHeaderTwice       = "header_same_field"     // two headers name one field: the exact name (or the first) is used
	WarnMappingAbsent     = "mapping_header_absent" // the mapping names a header the file does not have
	WarnMergedAmount      = "merged_amount"         // an amount merged down several rows of a sheet, given to each
	WarnOther             = portfolio.ImportWarnOther

	// EAmbiguous is the code of a commit refused because a column's
	// convention is unresolved.
	EAmbiguous = "EAMBIGUOUS"
)
