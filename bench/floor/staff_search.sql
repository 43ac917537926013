-- People of the subtree :ids (the city and its counties, ids as the API sends them from its
-- tree) whose name contains :search: the count and the first 20 by id, with their
-- institution's name. Every character of :search from the name-characters GIN index
-- (migration 19), `LIKE` for their order: the API's own plan.
SELECT COUNT(*) FROM staff s
WHERE s.jurisdiction_id IN (:ids) AND s.name LIKE '%' || ':search' || '%'
  AND string_to_array(s.name, NULL::text) @> string_to_array(':search', NULL::text);
SELECT s.*, i.name FROM staff s JOIN institution i ON i.id = s.institution_id
WHERE s.jurisdiction_id IN (:ids) AND s.name LIKE '%' || ':search' || '%'
  AND string_to_array(s.name, NULL::text) @> string_to_array(':search', NULL::text)
ORDER BY s.id LIMIT 21;
