package dashboard

// CellTree is cellTree, for the tests of package dashboard_test.
var CellTree = cellTree
