-- ids
CREATE TABLE main.staging.stg_N_ids AS
SELECT s.line, coalesce(e.id, nextval('project_id_seq')) AS id, e.id IS NOT NULL AS existed
FROM begira_staging.stg_N s LEFT JOIN project e ON e.mission_id = $mission AND e.ext_ref = s.ext_ref
WHERE s.line IN (SELECT line FROM begira_staging.stg_N WHERE line NOT IN (SELECT line FROM import_reject WHERE batch_id = $batch));

-- displaced rows
CREATE TABLE main.staging.stg_N_gone AS SELECT id FROM main.staging.stg_N_ids WHERE existed;

-- count displaced
SELECT count(*) FROM main.staging.stg_N_gone;

-- organisation names
CREATE TABLE main.staging.stg_N_names AS
SELECT name, begira_name_key(name) AS name_key, min(line) AS first_line,
       arg_min(lead_type, line) FILTER (WHERE role = 'lead') AS lead_type,
       min(line) FILTER (WHERE role = 'lead' AND lead_type IS NOT NULL) AS lead_type_line
FROM (SELECT i.id, s.line, 'lead' AS role, s."lead_org" AS name, lt.code AS lead_type
FROM begira_staging.stg_N s JOIN main.staging.stg_N_ids i ON i.line = s.line LEFT JOIN (SELECT cell, any_value(code) AS code FROM begira_staging.stg_N_terms WHERE field = 'lead_org_type' GROUP BY cell) lt
ON lt.cell = s.lead_org_type
WHERE s."lead_org" IS NOT NULL
UNION ALL
SELECT i.id, p.line, 'partner', p.raw, NULL
FROM (SELECT line, raw, CASE WHEN raw = first THEN 1 ELSE 2 END AS pos
		FROM (SELECT line, first, CASE WHEN v >= '!' AND v < chr(127) AND NOT ends_with(v, ' ') AND encode(v)[-1:] < '\x80'::BLOB
		THEN v ELSE nullif(trim(v), '') END AS raw
		      FROM (SELECT line, CASE WHEN l[1] >= '!' AND l[1] < chr(127) AND NOT ends_with(l[1], ' ') AND encode(l[1])[-1:] < '\x80'::BLOB
		THEN l[1] ELSE nullif(trim(l[1]), '') END AS first, unnest(l) AS v
		            FROM (SELECT line, string_split("partners", '|') AS l FROM begira_staging.stg_N WHERE "partners" IS NOT NULL)))) p JOIN main.staging.stg_N_ids i ON i.line = p.line WHERE p.raw <> '') GROUP BY name;

-- organisations
INSERT INTO organisation (mission_id, name, name_key, actor_type, batch_id, updated_at)
SELECT $mission, arg_min(name, first_line), name_key, arg_min(lead_type, lead_type_line), $batch, $now
FROM main.staging.stg_N_names
WHERE name_key NOT IN (SELECT name_key FROM organisation WHERE mission_id = $mission)
GROUP BY name_key;

-- projects
INSERT INTO project (id, mission_id, ext_ref, title, summary, status, lead_org_id, budget_total_eur,
                     public_funding_eur, funding_instrument, start_date, end_date, stage_entered_at, geo_code,
                     lat, lon, intent, updated_at, batch_id)
SELECT i.id, $mission, s.ext_ref, s.title, NULL::VARCHAR, coalesce(CASE WHEN s."status" IN ('planned', 'active', 'paused', 'completed', 'stopped') THEN s."status" ELSE CASE begira_key(s."status") WHEN 'planned' THEN 'planned' WHEN 'active' THEN 'active' WHEN 'paused' THEN 'paused' WHEN 'completed' THEN 'completed' WHEN 'stopped' THEN 'stopped' WHEN 'previsto' THEN 'planned' WHEN 'activo' THEN 'active' WHEN 'en_pausa' THEN 'paused' WHEN 'terminado' THEN 'completed' WHEN 'detenido' THEN 'stopped' WHEN 'aurreikusia' THEN 'planned' WHEN 'aktiboa' THEN 'active' WHEN 'etenda' THEN 'paused' WHEN 'amaitua' THEN 'completed' WHEN 'geldituta' THEN 'stopped' WHEN 'aurreikusia_previsto' THEN 'planned' WHEN 'previsto_aurreikusia' THEN 'planned' WHEN 'aktiboa_activo' THEN 'active' WHEN 'activo_aktiboa' THEN 'active' WHEN 'etenda_en_pausa' THEN 'paused' WHEN 'en_pausa_etenda' THEN 'paused' WHEN 'amaitua_terminado' THEN 'completed' WHEN 'terminado_amaitua' THEN 'completed' WHEN 'geldituta_detenido' THEN 'stopped' WHEN 'detenido_geldituta' THEN 'stopped' END END, 'active'),
       lead.id,
       CASE WHEN CASE WHEN NOT contains(s."budget_total_eur", ',') THEN TRY_CAST(s."budget_total_eur" AS DOUBLE) END IS NOT NULL THEN CASE WHEN NOT contains(s."budget_total_eur", ',') THEN TRY_CAST(s."budget_total_eur" AS DOUBLE) END ELSE CASE WHEN regexp_full_match(regexp_replace(regexp_replace(s."budget_total_eur", '([0-9])[\s\x{00A0}\x{202F}]+([0-9])', '\1,\2', 'g'), '(?i)[€\s\x{00A0}\x{202F}]|eur(os?)?', '', 'g'), '[+-]?([0-9]{1,3}(,[0-9]{3})+|[0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?')
		     THEN TRY_CAST(replace(regexp_replace(regexp_replace(s."budget_total_eur", '([0-9])[\s\x{00A0}\x{202F}]+([0-9])', '\1,\2', 'g'), '(?i)[€\s\x{00A0}\x{202F}]|eur(os?)?', '', 'g'), ',', '') AS DOUBLE) END END, CASE WHEN CASE WHEN NOT contains(NULL::VARCHAR, ',') THEN TRY_CAST(NULL::VARCHAR AS DOUBLE) END IS NOT NULL THEN CASE WHEN NOT contains(NULL::VARCHAR, ',') THEN TRY_CAST(NULL::VARCHAR AS DOUBLE) END ELSE CASE WHEN regexp_full_match(regexp_replace(regexp_replace(NULL::VARCHAR, '([0-9])[\s\x{00A0}\x{202F}]+([0-9])', '\1,\2', 'g'), '(?i)[€\s\x{00A0}\x{202F}]|eur(os?)?', '', 'g'), '[+-]?([0-9]{1,3}(,[0-9]{3})+|[0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?')
		     THEN TRY_CAST(replace(regexp_replace(regexp_replace(NULL::VARCHAR, '([0-9])[\s\x{00A0}\x{202F}]+([0-9])', '\1,\2', 'g'), '(?i)[€\s\x{00A0}\x{202F}]|eur(os?)?', '', 'g'), ',', '') AS DOUBLE) END END, NULL::VARCHAR, CASE WHEN CASE WHEN s."start_date" LIKE '____-__-__'
		  OR (s."start_date" LIKE '____-%' AND regexp_full_match(s."start_date", '[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([T ]([01]?[0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.,][0-9]+)?)?( ?(Z|UTC|GMT|[+-][0-9]{2}(:?[0-9]{2})?))?)?')) THEN TRY_CAST(s."start_date" AS DATE) END IS NOT NULL THEN CASE WHEN s."start_date" LIKE '____-__-__'
		  OR (s."start_date" LIKE '____-%' AND regexp_full_match(s."start_date", '[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([T ]([01]?[0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.,][0-9]+)?)?( ?(Z|UTC|GMT|[+-][0-9]{2}(:?[0-9]{2})?))?)?')) THEN TRY_CAST(s."start_date" AS DATE) END ELSE CASE WHEN year(TRY_STRPTIME(s."start_date", '%Y-%m-%d')::DATE) >= 100 THEN TRY_STRPTIME(s."start_date", '%Y-%m-%d')::DATE END END, CASE WHEN CASE WHEN NULL::VARCHAR LIKE '____-__-__'
		  OR (NULL::VARCHAR LIKE '____-%' AND regexp_full_match(NULL::VARCHAR, '[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([T ]([01]?[0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.,][0-9]+)?)?( ?(Z|UTC|GMT|[+-][0-9]{2}(:?[0-9]{2})?))?)?')) THEN TRY_CAST(NULL::VARCHAR AS DATE) END IS NOT NULL THEN CASE WHEN NULL::VARCHAR LIKE '____-__-__'
		  OR (NULL::VARCHAR LIKE '____-%' AND regexp_full_match(NULL::VARCHAR, '[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([T ]([01]?[0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.,][0-9]+)?)?( ?(Z|UTC|GMT|[+-][0-9]{2}(:?[0-9]{2})?))?)?')) THEN TRY_CAST(NULL::VARCHAR AS DATE) END ELSE CASE WHEN year(TRY_STRPTIME(NULL::VARCHAR, '%Y-%m-%d')::DATE) >= 100 THEN TRY_STRPTIME(NULL::VARCHAR, '%Y-%m-%d')::DATE END END,
       CASE WHEN CASE WHEN s."start_date" LIKE '____-__-__'
		  OR (s."start_date" LIKE '____-%' AND regexp_full_match(s."start_date", '[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([T ]([01]?[0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.,][0-9]+)?)?( ?(Z|UTC|GMT|[+-][0-9]{2}(:?[0-9]{2})?))?)?')) THEN TRY_CAST(s."start_date" AS DATE) END IS NOT NULL THEN CASE WHEN s."start_date" LIKE '____-__-__'
		  OR (s."start_date" LIKE '____-%' AND regexp_full_match(s."start_date", '[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([T ]([01]?[0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.,][0-9]+)?)?( ?(Z|UTC|GMT|[+-][0-9]{2}(:?[0-9]{2})?))?)?')) THEN TRY_CAST(s."start_date" AS DATE) END ELSE CASE WHEN year(TRY_STRPTIME(s."start_date", '%Y-%m-%d')::DATE) >= 100 THEN TRY_STRPTIME(s."start_date", '%Y-%m-%d')::DATE END END, CASE WHEN CASE WHEN regexp_full_match(s."municipality_code", '[0-9]{4,5}') THEN lpad(s."municipality_code", 5, '0') END IS NOT NULL THEN CASE WHEN regexp_full_match(s."municipality_code", '[0-9]{4,5}') THEN lpad(s."municipality_code", 5, '0') END ELSE CASE begira_key(s."municipality_code") WHEN 'abaltzisketa' THEN '20001' WHEN 'abaltzisketa_abaltzisketa' THEN '20001' WHEN 'aduna' THEN '20002' WHEN 'aduna_aduna' THEN '20002' WHEN 'aizarnazabal' THEN '20003' WHEN 'aizarnazabal_aizarnazabal' THEN '20003' WHEN 'albiztur' THEN '20004' WHEN 'albiztur_albiztur' THEN '20004' WHEN 'alegia' THEN '20005' WHEN 'alegia_alegia' THEN '20005' WHEN 'alkiza' THEN '20006' WHEN 'alkiza_alkiza' THEN '20006' WHEN 'altzo' THEN '20007' WHEN 'altzo_altzo' THEN '20007' WHEN 'amezketa' THEN '20008' WHEN 'amezketa_amezketa' THEN '20008' WHEN 'andoain' THEN '20009' WHEN 'andoain_andoain' THEN '20009' WHEN 'anoeta' THEN '20010' WHEN 'anoeta_anoeta' THEN '20010' WHEN 'antzuola' THEN '20011' WHEN 'antzuola_antzuola' THEN '20011' WHEN 'arama' THEN '20012' WHEN 'arama_arama' THEN '20012' WHEN 'aretxabaleta' THEN '20013' WHEN 'aretxabaleta_aretxabaleta' THEN '20013' WHEN 'asteasu' THEN '20014' WHEN 'asteasu_asteasu' THEN '20014' WHEN 'ataun' THEN '20015' WHEN 'ataun_ataun' THEN '20015' WHEN 'aia' THEN '20016' WHEN 'aia_aia' THEN '20016' WHEN 'azkoitia' THEN '20017' WHEN 'azkoitia_azkoitia' THEN '20017' WHEN 'azpeitia' THEN '20018' WHEN 'azpeitia_azpeitia' THEN '20018' WHEN 'beasain' THEN '20019' WHEN 'beasain_beasain' THEN '20019' WHEN 'beizama' THEN '20020' WHEN 'beizama_beizama' THEN '20020' WHEN 'belauntza' THEN '20021' WHEN 'belauntza_belauntza' THEN '20021' WHEN 'berastegi' THEN '20022' WHEN 'berastegi_berastegi' THEN '20022' WHEN 'berrobi' THEN '20023' WHEN 'berrobi_berrobi' THEN '20023' WHEN 'bidania_goiatz' THEN '20024' WHEN 'bidania_goiatz_bidania_goiatz' THEN '20024' WHEN 'zegama' THEN '20025' WHEN 'zegama_zegama' THEN '20025' WHEN 'zerain' THEN '20026' WHEN 'zerain_zerain' THEN '20026' WHEN 'zestoa' THEN '20027' WHEN 'zestoa_zestoa' THEN '20027' WHEN 'zizurkil' THEN '20028' WHEN 'zizurkil_zizurkil' THEN '20028' WHEN 'deba' THEN '20029' WHEN 'deba_deba' THEN '20029' WHEN 'eibar' THEN '20030' WHEN 'eibar_eibar' THEN '20030' WHEN 'elduain' THEN '20031' WHEN 'elduain_elduain' THEN '20031' WHEN 'elgoibar' THEN '20032' WHEN 'elgoibar_elgoibar' THEN '20032' WHEN 'elgeta' THEN '20033' WHEN 'elgeta_elgeta' THEN '20033' WHEN 'eskoriatza' THEN '20034' WHEN 'eskoriatza_eskoriatza' THEN '20034' WHEN 'ezkio_itsaso' THEN '20035' WHEN 'ezkio_itsaso_ezkio_itsaso' THEN '20035' WHEN 'hondarribia' THEN '20036' WHEN 'hondarribia_hondarribia' THEN '20036' WHEN 'gaintza' THEN '20037' WHEN 'gaintza_gaintza' THEN '20037' WHEN 'gabiria' THEN '20038' WHEN 'gabiria_gabiria' THEN '20038' WHEN 'getaria' THEN '20039' WHEN 'getaria_getaria' THEN '20039' WHEN 'hernani' THEN '20040' WHEN 'hernani_hernani' THEN '20040' WHEN 'hernialde' THEN '20041' WHEN 'hernialde_hernialde' THEN '20041' WHEN 'ibarra' THEN '20042' WHEN 'ibarra_ibarra' THEN '20042' WHEN 'idiazabal' THEN '20043' WHEN 'idiazabal_idiazabal' THEN '20043' WHEN 'ikaztegieta' THEN '20044' WHEN 'ikaztegieta_ikaztegieta' THEN '20044' WHEN 'irun' THEN '20045' WHEN 'irun_irun' THEN '20045' WHEN 'irura' THEN '20046' WHEN 'irura_irura' THEN '20046' WHEN 'itsasondo' THEN '20047' WHEN 'itsasondo_itsasondo' THEN '20047' WHEN 'larraul' THEN '20048' WHEN 'larraul_larraul' THEN '20048' WHEN 'lazkao' THEN '20049' WHEN 'lazkao_lazkao' THEN '20049' WHEN 'leaburu' THEN '20050' WHEN 'leaburu_leaburu' THEN '20050' WHEN 'legazpi' THEN '20051' WHEN 'legazpi_legazpi' THEN '20051' WHEN 'legorreta' THEN '20052' WHEN 'legorreta_legorreta' THEN '20052' WHEN 'lezo' THEN '20053' WHEN 'lezo_lezo' THEN '20053' WHEN 'lizartza' THEN '20054' WHEN 'lizartza_lizartza' THEN '20054' WHEN 'arrasate' THEN '20055' WHEN 'mondragon' THEN '20055' WHEN 'arrasate_mondragon' THEN '20055' WHEN 'mondragon_arrasate' THEN '20055' WHEN 'mutriku' THEN '20056' WHEN 'mutriku_mutriku' THEN '20056' WHEN 'mutiloa' THEN '20057' WHEN 'mutiloa_mutiloa' THEN '20057' WHEN 'olaberria' THEN '20058' WHEN 'olaberria_olaberria' THEN '20058' WHEN 'onati' THEN '20059' WHEN 'onati_onati' THEN '20059' WHEN 'orexa' THEN '20060' WHEN 'orexa_orexa' THEN '20060' WHEN 'orio' THEN '20061' WHEN 'orio_orio' THEN '20061' WHEN 'ormaiztegi' THEN '20062' WHEN 'ormaiztegi_ormaiztegi' THEN '20062' WHEN 'oiartzun' THEN '20063' WHEN 'oiartzun_oiartzun' THEN '20063' WHEN 'pasaia' THEN '20064' WHEN 'pasaia_pasaia' THEN '20064' WHEN 'soraluze' THEN '20065' WHEN 'placencia_de_las_armas' THEN '20065' WHEN 'soraluze_placencia_de_las_armas' THEN '20065' WHEN 'placencia_de_las_armas_soraluze' THEN '20065' WHEN 'errezil' THEN '20066' WHEN 'errezil_errezil' THEN '20066' WHEN 'errenteria' THEN '20067' WHEN 'errenteria_errenteria' THEN '20067' WHEN 'leintz_gatzaga' THEN '20068' WHEN 'leintz_gatzaga_leintz_gatzaga' THEN '20068' WHEN 'donostia' THEN '20069' WHEN 'san_sebastian' THEN '20069' WHEN 'donostia_san_sebastian' THEN '20069' WHEN 'san_sebastian_donostia' THEN '20069' WHEN 'segura' THEN '20070' WHEN 'segura_segura' THEN '20070' WHEN 'tolosa' THEN '20071' WHEN 'tolosa_tolosa' THEN '20071' WHEN 'urnieta' THEN '20072' WHEN 'urnieta_urnieta' THEN '20072' WHEN 'usurbil' THEN '20073' WHEN 'usurbil_usurbil' THEN '20073' WHEN 'bergara' THEN '20074' WHEN 'bergara_bergara' THEN '20074' WHEN 'villabona' THEN '20075' WHEN 'villabona_villabona' THEN '20075' WHEN 'ordizia' THEN '20076' WHEN 'ordizia_ordizia' THEN '20076' WHEN 'urretxu' THEN '20077' WHEN 'urretxu_urretxu' THEN '20077' WHEN 'zaldibia' THEN '20078' WHEN 'zaldibia_zaldibia' THEN '20078' WHEN 'zarautz' THEN '20079' WHEN 'zarautz_zarautz' THEN '20079' WHEN 'zumarraga' THEN '20080' WHEN 'zumarraga_zumarraga' THEN '20080' WHEN 'zumaia' THEN '20081' WHEN 'zumaia_zumaia' THEN '20081' WHEN 'mendaro' THEN '20901' WHEN 'mendaro_mendaro' THEN '20901' WHEN 'lasarte_oria' THEN '20902' WHEN 'lasarte_oria_lasarte_oria' THEN '20902' WHEN 'astigarraga' THEN '20903' WHEN 'astigarraga_astigarraga' THEN '20903' WHEN 'baliarrain' THEN '20904' WHEN 'baliarrain_baliarrain' THEN '20904' WHEN 'orendain' THEN '20905' WHEN 'orendain_orendain' THEN '20905' WHEN 'altzaga' THEN '20906' WHEN 'altzaga_altzaga' THEN '20906' WHEN 'gaztelu' THEN '20907' WHEN 'gaztelu_gaztelu' THEN '20907' END END, CASE WHEN CASE WHEN NOT contains(NULL::VARCHAR, ',') THEN TRY_CAST(NULL::VARCHAR AS DOUBLE) END IS NOT NULL THEN CASE WHEN NOT contains(NULL::VARCHAR, ',') THEN TRY_CAST(NULL::VARCHAR AS DOUBLE) END ELSE CASE WHEN regexp_full_match(regexp_replace(regexp_replace(NULL::VARCHAR, '([0-9])[\s\x{00A0}\x{202F}]+([0-9])', '\1,\2', 'g'), '(?i)[€\s\x{00A0}\x{202F}]|eur(os?)?', '', 'g'), '[+-]?([0-9]{1,3}(,[0-9]{3})+|[0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?')
		     THEN TRY_CAST(replace(regexp_replace(regexp_replace(NULL::VARCHAR, '([0-9])[\s\x{00A0}\x{202F}]+([0-9])', '\1,\2', 'g'), '(?i)[€\s\x{00A0}\x{202F}]|eur(os?)?', '', 'g'), ',', '') AS DOUBLE) END END, CASE WHEN CASE WHEN NOT contains(NULL::VARCHAR, ',') THEN TRY_CAST(NULL::VARCHAR AS DOUBLE) END IS NOT NULL THEN CASE WHEN NOT contains(NULL::VARCHAR, ',') THEN TRY_CAST(NULL::VARCHAR AS DOUBLE) END ELSE CASE WHEN regexp_full_match(regexp_replace(regexp_replace(NULL::VARCHAR, '([0-9])[\s\x{00A0}\x{202F}]+([0-9])', '\1,\2', 'g'), '(?i)[€\s\x{00A0}\x{202F}]|eur(os?)?', '', 'g'), '[+-]?([0-9]{1,3}(,[0-9]{3})+|[0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?')
		     THEN TRY_CAST(replace(regexp_replace(regexp_replace(NULL::VARCHAR, '([0-9])[\s\x{00A0}\x{202F}]+([0-9])', '\1,\2', 'g'), '(?i)[€\s\x{00A0}\x{202F}]|eur(os?)?', '', 'g'), ',', '') AS DOUBLE) END END, NULL::VARCHAR, CASE WHEN CASE WHEN NULL::VARCHAR LIKE '____-__-__'
		  OR (NULL::VARCHAR LIKE '____-%' AND regexp_full_match(NULL::VARCHAR, '[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([T ]([01]?[0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.,][0-9]+)?)?( ?(Z|UTC|GMT|[+-][0-9]{2}(:?[0-9]{2})?))?)?')) THEN TRY_CAST(NULL::VARCHAR AS DATE) END IS NOT NULL THEN CASE WHEN NULL::VARCHAR LIKE '____-__-__'
		  OR (NULL::VARCHAR LIKE '____-%' AND regexp_full_match(NULL::VARCHAR, '[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([T ]([01]?[0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.,][0-9]+)?)?( ?(Z|UTC|GMT|[+-][0-9]{2}(:?[0-9]{2})?))?)?')) THEN TRY_CAST(NULL::VARCHAR AS DATE) END ELSE CASE WHEN year(TRY_STRPTIME(NULL::VARCHAR, '%Y-%m-%d')::DATE) >= 100 THEN TRY_STRPTIME(NULL::VARCHAR, '%Y-%m-%d')::DATE END END, $batch
FROM begira_staging.stg_N s JOIN main.staging.stg_N_ids i ON i.line = s.line
LEFT JOIN (SELECT n.name, o.id FROM main.staging.stg_N_names n JOIN organisation o ON o.mission_id = $mission AND o.name_key = n.name_key) lead ON lead.name = s."lead_org"
;

-- term keys
INSERT INTO term_key (scheme_code, term_code)
SELECT DISTINCT t.scheme, t.code FROM begira_staging.stg_N_terms t
WHERE t.code IS NOT NULL AND NOT EXISTS (SELECT 1 FROM term_key k WHERE k.scheme_code = t.scheme AND k.term_code = t.code);

-- project terms
INSERT INTO project_term_link (project_id, term_id, is_primary)
SELECT c.id, t.term_id, t.is_primary
FROM (UNPIVOT (SELECT i.id, "pillars", "level", "stage" FROM begira_staging.stg_N s JOIN main.staging.stg_N_ids i ON i.line = s.line) ON "pillars", "level", "stage" INTO NAME field VALUE cell) c
JOIN (SELECT x.field, x.cell, k.id AS term_id, min(x.pos) = 1 AS is_primary
      FROM begira_staging.stg_N_terms x JOIN term_key k ON k.scheme_code = x.scheme AND k.term_code = x.code
      GROUP BY x.field, x.cell, k.id) t ON t.field = c.field AND t.cell = c.cell;

-- project organisations
INSERT INTO project_org (project_id, org_id, role)
SELECT r.id, o.id, min(r.role)
FROM (SELECT i.id, s.line, 'lead' AS role, s."lead_org" AS name, lt.code AS lead_type
FROM begira_staging.stg_N s JOIN main.staging.stg_N_ids i ON i.line = s.line LEFT JOIN (SELECT cell, any_value(code) AS code FROM begira_staging.stg_N_terms WHERE field = 'lead_org_type' GROUP BY cell) lt
ON lt.cell = s.lead_org_type
WHERE s."lead_org" IS NOT NULL
UNION ALL
SELECT i.id, p.line, 'partner', p.raw, NULL
FROM (SELECT line, raw, CASE WHEN raw = first THEN 1 ELSE 2 END AS pos
		FROM (SELECT line, first, CASE WHEN v >= '!' AND v < chr(127) AND NOT ends_with(v, ' ') AND encode(v)[-1:] < '\x80'::BLOB
		THEN v ELSE nullif(trim(v), '') END AS raw
		      FROM (SELECT line, CASE WHEN l[1] >= '!' AND l[1] < chr(127) AND NOT ends_with(l[1], ' ') AND encode(l[1])[-1:] < '\x80'::BLOB
		THEN l[1] ELSE nullif(trim(l[1]), '') END AS first, unnest(l) AS v
		            FROM (SELECT line, string_split("partners", '|') AS l FROM begira_staging.stg_N WHERE "partners" IS NOT NULL)))) p JOIN main.staging.stg_N_ids i ON i.line = p.line WHERE p.raw <> '') r JOIN main.staging.stg_N_names n ON n.name = r.name
JOIN organisation o ON o.mission_id = $mission AND o.name_key = n.name_key
GROUP BY r.id, o.id;

