-- name: c16_titles
-- The titles of the projects $11 (ext_refs) in scope: the nodes a network
-- chart shows and C17's anchors.
SELECT p.ext_ref, p.title
FROM begira_scope($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) p
WHERE p.ext_ref IN (SELECT unnest($11::VARCHAR[]));
