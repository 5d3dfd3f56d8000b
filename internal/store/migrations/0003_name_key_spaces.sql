-- 0003_name_key_spaces: begira_name_key treats every Unicode space as a
-- space. RE2's \s is ASCII only, so the no-break spaces Excel and web pages
-- put in names ("Fundación Ekin" with U+00A0) made a second organisation.
CREATE OR REPLACE MACRO begira_name_key(x) AS
    trim(regexp_replace(lower(strip_accents(x)), '[\s\p{Z}]+', ' ', 'g'));

-- Stored keys follow, except where that would make two organisations of a
-- mission share a key: merging such duplicates is an analyst's decision.
UPDATE organisation SET name_key = begira_name_key(name)
WHERE name_key <> begira_name_key(name)
  AND NOT EXISTS (SELECT 1 FROM organisation x
                  WHERE x.mission_id = organisation.mission_id AND x.id <> organisation.id
                    AND begira_name_key(x.name) = begira_name_key(organisation.name));
