-- name: c16_titles
-- The titles of the projects $11 (ext_refs) in scope: the nodes a network
-- chart shows and C17's anchors.
SELECT p.ext_ref, p.title
FROM begira_scope($1::BIGINT, $2::VARCHAR[], $3::VARCHAR[], $4::VARCHAR[], $5::VARCHAR[], $6::VARCHAR[], $7::VARCHAR[], $8::VARCHAR[], $9::DATE, $10::DATE) p
WHERE p.ext_ref IN (SELECT unnest($11::VARCHAR[]));
