-- The portal's first screen from the database: the latest release's overview, then its first
-- 30 institutions by name (the API answers repeats of it from memory instead).
SELECT id, released_at, overview FROM disclosure_release WHERE id = :release;
SELECT COUNT(*) FROM release_institution WHERE release_id = :release;
SELECT institution_id, name, classification, approved_fiscal, approved_self_financed, staff_in_establishment
FROM release_institution WHERE release_id = :release ORDER BY name LIMIT 30;
