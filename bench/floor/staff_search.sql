-- People of :code and below whose name contains :search: the count and the first 20 by id,
-- with their institution's name. Every character of :search from the name-characters GIN index
-- (migration 19), `LIKE` for their order: the API's own plan.
SELECT COUNT(*) FROM jurisdiction top JOIN jurisdiction j ON j.path LIKE top.path || '%'
JOIN staff s ON s.jurisdiction_id = j.id
WHERE top.code = ':code' AND s.name LIKE '%' || ':search' || '%'
  AND string_to_array(s.name, NULL::text) @> string_to_array(':search', NULL::text);
SELECT s.*, i.name FROM jurisdiction top JOIN jurisdiction j ON j.path LIKE top.path || '%'
JOIN staff s ON s.jurisdiction_id = j.id JOIN institution i ON i.id = s.institution_id
WHERE top.code = ':code' AND s.name LIKE '%' || ':search' || '%'
  AND string_to_array(s.name, NULL::text) @> string_to_array(':search', NULL::text)
ORDER BY s.id LIMIT 21;
