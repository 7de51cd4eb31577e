-- huifang schema 25: the QA figures per operator (docs/qa.md), kept by the
-- Beijing day in the same transaction as the attempt, the finish or the
-- evaluation they count. The manager's dashboard shows a year of them;
-- counting the year's attempts and finished callbacks from their rows on
-- every request grows with the calls (a million callbacks a year in a
-- province), these rows with the operators and the days only.
CREATE TABLE stat_qa_days (
    org_id            BIGINT NOT NULL,
    day               TEXT NOT NULL,      -- '2026-03-09', Beijing time
    user_id           BIGINT NOT NULL,    -- the operator (attempts, finishes) or the operator evaluated
    attempts          BIGINT NOT NULL DEFAULT 0,
    answered          BIGINT NOT NULL DEFAULT 0,
    finished          BIGINT NOT NULL DEFAULT 0,  -- callbacks finished by the user that day
    completed         BIGINT NOT NULL DEFAULT 0,  -- of them, successful or with problems
    evaluated         BIGINT NOT NULL DEFAULT 0,  -- first evaluations (not calibrations) scored that day
    score_sum         BIGINT NOT NULL DEFAULT 0,
    critical_failures BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, day, user_id)
);

-- Filled from the rows already there, in one statement (store.rebuildQA
-- recounts one insurer the same way).
INSERT INTO stat_qa_days (org_id, day, user_id, attempts, answered, finished, completed, evaluated, score_sum, critical_failures)
SELECT org_id, day, user_id, SUM(a), SUM(b), SUM(c), SUM(d), SUM(e), SUM(f), SUM(g) FROM (
    SELECT org_id, to_char(TIMESTAMP 'epoch' + (at / 1000 + 28800) * INTERVAL '1 second', 'YYYY-MM-DD') AS day, user_id, 1 AS a, CASE WHEN outcome = 'answered' THEN 1 ELSE 0 END AS b, 0 AS c, 0 AS d, 0 AS e, 0 AS f, 0 AS g
        FROM attempts WHERE user_id <> 0
    UNION ALL
    SELECT org_id, to_char(TIMESTAMP 'epoch' + (finished_at / 1000 + 28800) * INTERVAL '1 second', 'YYYY-MM-DD'), finished_by, 0, 0, 1, CASE WHEN result IN ('successful', 'problems') THEN 1 ELSE 0 END, 0, 0, 0
        FROM callbacks WHERE status = 'done' AND finished_by <> 0
    UNION ALL
    SELECT org_id, to_char(TIMESTAMP 'epoch' + (evaluated_at / 1000 + 28800) * INTERVAL '1 second', 'YYYY-MM-DD'), operator_id, 0, 0, 0, 0, 1, score, CASE WHEN critical_fail THEN 1 ELSE 0 END
        FROM qa_evaluations WHERE pair_id = 0 AND status <> 'queued'
) x GROUP BY org_id, day, user_id;
