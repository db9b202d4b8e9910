-- AlterTable
ALTER TABLE "Document" ADD COLUMN "vector" BYTEA;

-- Vectors stay in the row (uncompressed: float32 noise does not compress) rather than in the
-- TOAST table, so loading a library's vectors is one sequential read.
ALTER TABLE "Document" ALTER COLUMN "vector" SET STORAGE MAIN;

-- Backfill: each stored embedding, scaled to unit length, as float32 values in little-endian
-- order (what the app writes). float4send gives a value's 4 bytes big-endian, so each group of
-- 4 is reversed. An all-zero embedding is stored as it is; empty ones (and any with a NULL
-- element) get no vector, as the app never compared them.
UPDATE "Document" AS d
SET "vector" = packed.bytes
FROM (
    SELECT e."id",
           string_agg(
               substring(f.b FROM 4 FOR 1) || substring(f.b FROM 3 FOR 1) ||
               substring(f.b FROM 2 FOR 1) || substring(f.b FROM 1 FOR 1),
               ''::bytea ORDER BY x.i
           ) AS bytes
    FROM "Document" AS e
    CROSS JOIN LATERAL (SELECT sqrt(sum(v * v)) AS norm FROM unnest(e."embedding") AS v) AS n
    CROSS JOIN LATERAL unnest(e."embedding") WITH ORDINALITY AS x(v, i)
    CROSS JOIN LATERAL (
        SELECT float4send((CASE WHEN n.norm > 0 THEN x.v / n.norm ELSE x.v END)::real) AS b
    ) AS f
    WHERE cardinality(e."embedding") > 0 AND array_position(e."embedding", NULL) IS NULL
    GROUP BY e."id"
) AS packed
WHERE d."id" = packed."id";

-- AlterTable
ALTER TABLE "Document" DROP COLUMN "embedding";
