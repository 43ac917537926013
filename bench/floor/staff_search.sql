-- People of :code and below whose name contains :search: the count and the first 20 by id,
-- with their institution's name.
SELECT COUNT(*) FROM jurisdiction top JOIN jurisdiction j ON j.path LIKE top.path || '%'
JOIN staff s ON s.jurisdiction_id = j.id
WHERE top.code = ':code' AND s.name LIKE '%' || ':search' || '%';
SELECT s.*, i.name FROM jurisdiction top JOIN jurisdiction j ON j.path LIKE top.path || '%'
JOIN staff s ON s.jurisdiction_id = j.id JOIN institution i ON i.id = s.institution_id
WHERE top.code = ':code' AND s.name LIKE '%' || ':search' || '%'
ORDER BY s.id LIMIT 21;
