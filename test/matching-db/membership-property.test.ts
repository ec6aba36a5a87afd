import { insertRows, sqlInstant } from "../../src/db/sql";
import { idNumberIndex, seal } from "../../src/crypto/personal-data";
import { bestSegment } from "../../src/services/matching";
import { membershipPredicate } from "../../src/repositories/segment-membership.sql";
import { randomFitInputs } from "../support/random-fit";
import { ENGINES, type TestDatabase } from "../support/engines";
import { residentId } from "../support/factories";

const CLIENTS = 3000;
const SEGMENT_SETS = 12;

const { randomSubject, randomSegments } = randomFitInputs(20261129);

describe.each(ENGINES)("segment membership in SQL equals the pure fit on $name (SPEC §4)", (engine) => {
  let db: TestDatabase;
  const subjects = Array.from({ length: CLIENTS }, randomSubject);

  beforeAll(async () => {
    db = await engine.create();
    const run = (sql: string, params: unknown[]) => db.ds.query(sql, params);
    const at = sqlInstant(new Date("2026-11-27T00:00:00.000Z"));
    await insertRows(
      run,
      "client",
      [
        "id",
        "clientNo",
        "type",
        "status",
        "investorCategory",
        "name",
        "idNumber",
        "idNumberBlindIndex",
        "branch",
        "openedAt",
        "latestPortraitId",
        "createdAt",
        "updatedAt",
        "version",
      ],
      subjects.map((s, i) => [
        i + 1,
        `P${String(i + 1).padStart(8, "0")}`,
        s.clientType,
        "ACTIVE",
        s.investorCategory,
        seal("测试"),
        seal(residentId(i)),
        idNumberIndex(residentId(i)),
        "SH",
        "2020-01-01",
        i + 1,
        at,
        at,
        1,
      ]),
    );
    await insertRows(
      run,
      "portrait",
      [
        "id",
        "clientId",
        "asOf",
        "computedAt",
        "riskLevel",
        "horizon",
        "lowestCategory",
        "avgDailyAssets20d",
        "assetDays",
        "totalAssets",
        "experienceMonths",
        "annualTurnover",
        "marginCallsLast12m",
        "defaultsCount",
        "creditScore",
        "creditRating",
        "creditFactors",
        "professionalEligible",
      ],
      subjects.map((s, i) => [
        i + 1,
        i + 1,
        "2026-11-27",
        at,
        s.riskLevel,
        s.horizon,
        0,
        s.avgDailyAssets20d.toFixed(2),
        20,
        "0.00",
        s.experienceMonths,
        "0.00",
        0,
        0,
        50,
        s.creditRating,
        "[]",
        0,
      ]),
    );
  }, 120_000);

  afterAll(() => db?.drop());

  it(`agrees for ${CLIENTS} random portraits under ${SEGMENT_SETS} random segment sets`, async () => {
    let checked = 0;
    for (let set = 0; set < SEGMENT_SETS; set += 1) {
      const segments = randomSegments();
      const active = segments.filter((s) => s.active);
      for (const segment of segments) {
        const predicate = membershipPredicate(segment, active);
        const rows = (await db.ds.query(
          `SELECT c.\`id\` FROM \`client\` c JOIN \`portrait\` p ON p.\`id\` = c.\`latestPortraitId\` WHERE ${predicate.sql} ORDER BY c.\`id\``,
          predicate.params,
        )) as { id: unknown }[];
        const inSql = rows.map((r) => Number(r.id));
        const inPure = subjects.flatMap((s, i) => (bestSegment(s, segments)?.code === segment.code ? [i + 1] : []));
        const extra = inPure.filter((id) => !inSql.includes(id)).concat(inSql.filter((id) => !inPure.includes(id)));
        if (extra.length > 0 && process.env.DEBUG_PROP) {
          process.stderr.write(
            JSON.stringify(
              {
                subject: subjects[extra[0] - 1],
                segments,
                target: segment.code,
                pure: bestSegment(subjects[extra[0] - 1], segments)?.code,
              },
              null,
              1,
            ) + "\n",
          );
        }
        expect({ set, segment: segment.code, members: inSql }).toEqual({ set, segment: segment.code, members: inPure });
        checked += inPure.length;
      }
    }
    expect(checked).toBeGreaterThan(CLIENTS);
  }, 120_000);
});
